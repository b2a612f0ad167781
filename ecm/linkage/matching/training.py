"""Training a new model version on the staged records (Splink is imported only when it runs)."""

from __future__ import annotations

import random
from typing import Any

from ecm.linkage.matching import model as splink_model
from ecm.linkage.matching.engine import feature_rows
from ecm.linkage.models import MatchModel
from ecm.linkage.services import match_model_save

TRAINING_SAMPLE = 300_000


def match_model_train(*, actor: Any, upper: float, lower: float, seed: int = 42) -> MatchModel:
    """Estimate the model on (a sample of) the staged records and save it as a new version."""
    rows, _new, _child_of = feature_rows()
    if len(rows) > TRAINING_SAMPLE:
        rows = random.Random(seed).sample(rows, TRAINING_SAMPLE)
    settings = splink_model.train(rows, seed=seed) if len(rows) >= 50 else splink_model.base_settings()
    return match_model_save(actor=actor, settings=settings, upper=upper, lower=lower, trained_on=len(rows))
