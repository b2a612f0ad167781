"""Training a new model version on the staged records (Splink is imported only when it runs)."""

from __future__ import annotations

import random

from ecm.core.actors import Actor
from ecm.linkage.matching import model as splink_model
from ecm.linkage.matching.engine import feature_table, matchable_records
from ecm.linkage.models import MatchModel
from ecm.linkage.services import match_model_save

TRAINING_SAMPLE = 300_000


def match_model_train(*, actor: Actor, upper: float, lower: float, seed: int = 42) -> MatchModel:
    """Estimate the model on (a sample of) the staged records and save it as a new version."""
    ids = list(matchable_records().filter(in_review=False).values_list("pk", flat=True))
    if len(ids) > TRAINING_SAMPLE:
        # Sample the keys, then read only the sample: a national table is never loaded whole.
        ids = random.Random(seed).sample(ids, TRAINING_SAMPLE)
    table = feature_table(ids=ids if len(ids) == TRAINING_SAMPLE else None).table
    settings = splink_model.train(table, seed=seed) if table.num_rows >= 50 else splink_model.base_settings()
    return match_model_save(actor=actor, settings=settings, upper=upper, lower=lower, trained_on=table.num_rows)
