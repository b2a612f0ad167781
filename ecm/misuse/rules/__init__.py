"""The misuse rules: :mod:`.moment` runs on each audit event, :mod:`.daily` once a day.

Rules only decide; they return :class:`Candidate` alerts and ``ecm.misuse.services``
writes them. Each candidate carries a ``dedupe_key`` so raising is idempotent.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ecm.misuse import conf

# The audit actions of the child index that count as use of child data.
SEARCH = "index.search"
SEARCH_MATCH = "index.search_match"
RECORD_VIEW = "index.record_view"
SHIELD_REVEAL = "index.shield_reveal"
SENSITIVE_VIEW = "index.sensitive_details_viewed"
INDEX_PREFIX = "index."


@dataclass(frozen=True)
class Candidate:
    """An alert a rule wants raised; ``merge`` adds its evidence to an open alert with the same key."""

    rule: str
    user_id: int
    summary: str
    evidence: tuple[int, ...]
    review_date: dt.date
    dedupe_key: str
    child_id: str = ""
    merge: bool = False
    extra: dict[str, object] = field(default_factory=dict)


def local_date(moment: dt.datetime) -> dt.date:
    """The calendar day of ``moment`` where the service is (Europe/London by default)."""
    return moment.astimezone(conf.zone()).date()


def day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """Start (inclusive) and end (exclusive) of a local day, right across clock changes."""
    tz = conf.zone()
    start = dt.datetime.combine(day, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return start, end
