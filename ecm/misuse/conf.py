"""Thresholds of the misuse rules, with defaults that settings may override.

Override any of them in ``settings.ECM_MISUSE`` (a dict), for example
``ECM_MISUSE = {"WORKING_HOURS": (8, 18)}``. ``docs/misuse.md`` explains each one.
"""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    # R6: distinct records opened in a day with no recorded involvement (1 reviews every one).
    "NO_INVOLVEMENT_RECORDS": 5,
    # R7: also alert when the viewer works in the service's own organisation.
    "SENSITIVE_INCLUDE_OWN_ORGANISATION": False,
    # R8: a user's record views in a day against their own last 28 days.
    "BASELINE_DAYS": 28,
    "VOLUME_SD": 3.0,
    "VOLUME_MIN_VIEWS": 20,
    # R8: distinct users opening one child's record in one day.
    "RECORD_MIN_USERS": 8,
    # R9: searches refused as "too many matches" in a day.
    "CAP_HITS": 3,
    # R9: searches in a day after which nothing was opened.
    "UNOPENED_SEARCHES": 20,
    # R10: working hours [start, end) in local time, and working weekdays (Monday = 0).
    "TIME_ZONE": "Europe/London",
    "WORKING_HOURS": (7, 19),
    "WORKING_DAYS": (0, 1, 2, 3, 4),
    # R11: a reason shorter than this many letters is treated as empty.
    "REASON_MIN_LETTERS": 8,
    # R12: no sign-in or activity for this many days makes an account dormant.
    "DORMANT_DAYS": 90,
    # Evidence page: how far back the user's accesses are listed.
    "EVIDENCE_DAYS": 28,
    "EVIDENCE_LIMIT": 200,
}


def get(name: str) -> Any:
    """The setting ``name``: ``settings.ECM_MISUSE[name]`` or its default."""
    overrides: dict[str, Any] = getattr(settings, "ECM_MISUSE", {}) or {}
    return overrides.get(name, DEFAULTS[name])


def zone() -> ZoneInfo:
    """The time zone that decides days and working hours."""
    return ZoneInfo(get("TIME_ZONE"))
