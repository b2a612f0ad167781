"""Helpers for the matching tests: stage synthetic records and a model without training."""

from __future__ import annotations

from pathlib import Path

from ecm.core import clock
from ecm.core.actors import SYSTEM_FEED, SYSTEM_MATCHER
from ecm.linkage import synthetic
from ecm.linkage.matching.model import DEFAULT_LOWER, DEFAULT_UPPER, base_settings
from ecm.linkage.models import FeedSource, MatchModel
from ecm.linkage.services import feed_import, match_model_save
from ecm.linkage.tests.feedfiles import write_csv


def stage(tmp_path: Path, rows: list[dict], *, name: str = "feed") -> None:
    """Import ``rows`` (each with a ``source`` key) as one CSV delivery per source."""
    by_source: dict[str, list[dict]] = {}
    for row in rows:
        clean = {k: v for k, v in row.items() if k not in ("source", "truth")}
        by_source.setdefault(row["source"], []).append(clean)
    for source, source_rows in by_source.items():
        path = write_csv(tmp_path / f"{name}-{source}.csv", source_rows)
        feed_import(actor=SYSTEM_FEED, source=FeedSource.objects.get(name=source), path=path)


def synthetic_rows(children: int, *, seed: int = 5) -> list[dict]:
    return list(synthetic.records(synthetic.population(children, seed=seed, today=clock.today()), seed=seed))


def untrained_model(*, upper: float = DEFAULT_UPPER, lower: float = DEFAULT_LOWER) -> MatchModel:
    """The model with its starting parameters (fast: no training), with these thresholds."""
    return match_model_save(actor=SYSTEM_MATCHER, settings=base_settings(), upper=upper, lower=lower, trained_on=0)
