"""Search analytics by week: searches, searches with no results, popular needs and areas."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from typing import Any

from django.db.models import Count, Q

from ecm.core import clock
from ecm.directory.models import SearchEvent


def weekly_summary(weeks: int = 8, today: dt.date | None = None) -> list[dict[str, Any]]:
    """One row per week (newest first) with counts and that week's five most searched needs."""
    today = today or clock.today()
    this_monday = today - dt.timedelta(days=today.weekday())
    first = this_monday - dt.timedelta(weeks=weeks - 1)
    events = SearchEvent.objects.filter(week_start__gte=first)
    counts = {
        row["week_start"]: row
        for row in events.values("week_start").annotate(
            searches=Count("id"),
            zero=Count("id", filter=Q(result_count=0)),
            practitioner=Count("id", filter=Q(channel="practitioner")),
            families=Count("id", filter=Q(channel="families")),
        )
    }
    needs: dict[dt.date, Counter[str]] = defaultdict(Counter)
    for week, name in events.filter(needs__isnull=False).values_list("week_start", "needs__name"):
        needs[week][name] += 1
    areas: dict[dt.date, Counter[str]] = defaultdict(Counter)
    for week, code in events.exclude(outward_code="").values_list("week_start", "outward_code"):
        areas[week][code] += 1
    rows = []
    for i in range(weeks):
        week = this_monday - dt.timedelta(weeks=i)
        row: Any = counts.get(week, {})
        rows.append(
            {
                "week_start": week,
                "searches": row.get("searches", 0),
                "zero": row.get("zero", 0),
                "practitioner": row.get("practitioner", 0),
                "families": row.get("families", 0),
                "needs": needs[week].most_common(5),
                "areas": areas[week].most_common(5),
            }
        )
    return rows
