"""Training a new model version on the staged records (Splink is imported only when it runs)."""

from __future__ import annotations

import random
from typing import Any

from ecm.core.actors import Actor
from ecm.linkage.matching import model as splink_model
from ecm.linkage.matching.decide import exact_levels_of, passes_guard
from ecm.linkage.matching.engine import LearnedNames, ScoredSample, feature_table, matchable_records
from ecm.linkage.matching.thresholds import LOWER_FLOOR, EstimatedThresholds, thresholds_from_estimates
from ecm.linkage.models import MatchModel
from ecm.linkage.services import match_model_save

TRAINING_SAMPLE = 300_000


def score_sample(table: Any, settings: dict[str, Any]) -> ScoredSample:
    """Every pair of ``table`` down to ``LOWER_FLOOR``, every record counted as new (for the thresholds)."""
    import pyarrow as pa

    everyone_new = table.set_column(
        table.schema.get_field_index("is_new"), "is_new", pa.array([True] * table.num_rows, pa.bool_())
    )
    pairs = splink_model.predict(everyone_new, settings, threshold=LOWER_FLOOR)
    return ScoredSample(table=everyone_new, settings=settings, threshold=LOWER_FLOOR, pairs=pairs)


def thresholds_of_sample(sample: ScoredSample) -> EstimatedThresholds | None:
    """Thresholds from the model's own estimates on the scored sample's pairs that could be one child."""
    exact_levels = exact_levels_of(sample.settings)
    kept = [p for p in sample.pairs if passes_guard(p, exact_levels)]
    return thresholds_from_estimates(
        [float(p["match_probability"]) for p in kept],
        records=sample.table.num_rows,
        ids=[(int(p["unique_id_l"]), int(p["unique_id_r"])) for p in kept],
    )


def estimate_thresholds(table: Any, settings: dict[str, Any]) -> EstimatedThresholds | None:
    """Thresholds from the model's own estimates on ``table`` (every pair scored, as if all were new)."""
    return thresholds_of_sample(score_sample(table, settings))


def match_model_train(*, actor: Actor, upper: float | None, lower: float | None, seed: int = 42) -> MatchModel:
    """Estimate the model on (a sample of) the staged records and save it as a new version.

    A threshold given as ``None`` is chosen from the new model's own estimates on the same sample
    (``thresholds.thresholds_from_estimates``); the defaults hold when there is too little data.
    """
    return match_model_train_scoring(actor=actor, upper=upper, lower=lower, seed=seed)[0]


def match_model_train_scoring(
    *, actor: Actor, upper: float | None, lower: float | None, seed: int = 42, learned: LearnedNames | None = None
) -> tuple[MatchModel, ScoredSample | None]:
    """``match_model_train``, also returning the sample it scored to choose thresholds when that sample
    is every matchable record (``None`` otherwise): ``match_run(sample=...)`` then scores nothing twice.
    ``learned``: the names learned from every matchable record (``engine.learned_names``), if the caller
    has read them already (the ``match`` command reads them once for training and matching).
    """
    ids = list(matchable_records().filter(in_review=False).values_list("pk", flat=True))
    if len(ids) > TRAINING_SAMPLE:
        # Sample the keys, then read only the sample: a national table is never loaded whole.
        ids = random.Random(seed).sample(ids, TRAINING_SAMPLE)
    whole = len(ids) != TRAINING_SAMPLE  # read as ``match_run`` reads them: every matchable record
    table = feature_table(ids=None if whole else ids, learned=learned).table
    settings = splink_model.train(table, seed=seed) if table.num_rows >= 50 else splink_model.base_settings()
    sample = None
    if upper is None or lower is None:
        estimated = None
        if table.num_rows >= 50:
            sample = score_sample(table, settings)
            estimated = thresholds_of_sample(sample)
        upper = upper if upper is not None else (estimated.upper if estimated else splink_model.DEFAULT_UPPER)
        lower = lower if lower is not None else (estimated.lower if estimated else splink_model.DEFAULT_LOWER)
        lower = min(lower, upper)
    model = match_model_save(actor=actor, settings=settings, upper=upper, lower=lower, trained_on=table.num_rows)
    if sample is not None and not whole:
        sample.release()
        sample = None
    return model, sample
