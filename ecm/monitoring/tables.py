"""The dashboard's tables, built from stored monthly counts and protected once for pages and exports alike."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from ecm.accounts.models import LocalAuthority
from ecm.caf.choices import Outcome
from ecm.monitoring import aggregation as agg
from ecm.monitoring.models import MonthlyCount, TrainingTarget
from ecm.monitoring.suppression import EXACT, ROUNDED, Cell, Protected, protect


@dataclass
class Filters:
    """What the dashboard is showing: an area, a span of months, and optionally one locality or agency."""

    area: LocalAuthority
    start: dt.date  # first day of the first month
    end: dt.date  # first day of the last month
    locality: str = ""
    agency: str = ""

    def months(self) -> list[dt.date]:
        out, month = [], self.start
        while month <= self.end:
            out.append(month)
            month = dt.date(month.year + (month.month == 12), month.month % 12 + 1, 1)
        return out

    def as_dict(self) -> dict[str, str]:
        return {
            "area": self.area.code,
            "from": f"{self.start:%Y-%m}",
            "to": f"{self.end:%Y-%m}",
            "locality": self.locality,
            "agency": self.agency,
        }


@dataclass
class Table:
    """One table of counts and its chart: rows of labelled cells, protected by ``suppression.protect``."""

    key: str
    title: str
    row_header: str
    columns: list[str]
    row_labels: list[str]
    protected: Protected
    description: str = ""
    extra_column: str = ""
    extra_values: list[str] = field(default_factory=list)

    @property
    def rows(self) -> list[dict[str, Any]]:
        totals = self.protected.row_totals
        return [
            {
                "label": label,
                "cells": cells,
                "total": totals[i] if totals else None,
                "extra": self.extra_values[i] if self.extra_values else None,
            }
            for i, (label, cells) in enumerate(zip(self.row_labels, self.protected.cells, strict=True))
        ]

    @property
    def header(self) -> list[str]:
        head = [self.row_header, *self.columns]
        if self.protected.row_totals is not None:
            head.append("Total")
        if self.extra_column:
            head.append(self.extra_column)
        return head

    def records(self) -> list[list[str]]:
        """The table as text rows (header first) for CSV and ODS: the same figures the page shows."""
        out = [self.header]
        for row in self.rows:
            line = [row["label"], *(c.text for c in row["cells"])]
            if row["total"] is not None:
                line.append(row["total"].text)
            if self.extra_column:
                line.append(row["extra"] or "")
            out.append(line)
        if self.protected.column_totals is not None:
            line = ["Total", *(c.text for c in self.protected.column_totals)]
            if self.protected.row_totals is not None:
                line.append(self.protected.grand_total.text if self.protected.grand_total else "")
            if self.extra_column:
                line.append("")
            out.append(line)
        return out

    @property
    def chart(self) -> list[dict[str, Any]]:
        """Bars per column (small multiples): each bar's share of the largest published figure."""
        biggest = max((c.bar for row in self.protected.cells for c in row), default=0) or 1
        series = []
        for j, name in enumerate(self.columns):
            bars = [
                {"label": label, "cell": cells[j], "percent": round(100 * cells[j].bar / biggest)}
                for label, cells in zip(self.row_labels, self.protected.cells, strict=True)
            ]
            series.append({"name": name, "bars": bars})
        return series


def _published(cell: Cell | None) -> tuple[int, int] | None:
    """What a reader knows of a total shown in another table."""
    if cell is None or cell.shown is None:
        return None
    if cell.kind == EXACT:
        return cell.shown, cell.shown
    if cell.kind == ROUNDED:
        return max(cell.shown - 2, 0), cell.shown + 2
    return None


def _counts(filters: Filters) -> dict[tuple[str, str], dict[dt.date, int]]:
    rows = MonthlyCount.objects.filter(
        area=filters.area,
        locality=filters.locality,
        agency=filters.agency,
        month__gte=filters.start,
        month__lte=filters.end,
    ).values_list("measure", "category", "month", "value")
    out: dict[tuple[str, str], dict[dt.date, int]] = defaultdict(dict)
    for measure, category, month, value in rows:
        out[(measure, category)][month] = value
    return out


def _sum(counts: dict[tuple[str, str], dict[dt.date, int]], measure: str, category: str = "") -> int:
    return sum(counts.get((measure, category), {}).values())


def dashboard_tables(filters: Filters) -> list[Table]:
    """Every table the dashboard shows, in order, each protected against small numbers."""
    counts = _counts(filters)
    months = filters.months()
    labels = [f"{m:%B %Y}" for m in months]
    tables: list[Table] = []

    activity = [(agg.CHECKLISTS, "Checklists"), (agg.REQUESTS, "CAF requests"), (agg.STARTED, "CAFs started"),
                (agg.COMPLETED, "CAFs completed"), (agg.CLOSED, "CAFs closed")]  # fmt: skip
    grid = [[counts.get((code, ""), {}).get(m, 0) for code, _ in activity] for m in months]
    main = protect(grid, column_totals=True)
    tables.append(Table("activity", "Activity by month", "Month", [n for _, n in activity], labels, main))
    totals = main.column_totals or []
    started_total, closed_total = _published(totals[2]), _published(totals[4])

    timeliness = [
        (agg.REQUEST_TO_ASSESSMENT, "From request to assessment"),
        (agg.ASSESSMENT_TO_TAC, "From assessment to first TAC meeting"),
        (agg.REVIEWS, "Reviews"),
    ]
    grid = [[_sum(counts, code, agg.ON_TIME), _sum(counts, code, agg.LATE)] for code, _ in timeliness]
    tables.append(
        Table(
            "timeliness",
            "Timeliness",
            "Step",
            ["Within 4 weeks or on time", "Later"],
            [n for _, n in timeliness],
            protect(grid, row_totals=True, column_totals=False),
            description="Requests and first TAC meetings within 4 weeks; reviews held by the date they fell due.",
        )
    )

    reasons = list(agg.CLOSURE_LABELS.items())
    grid = [[_sum(counts, agg.CLOSURE_REASON, code)] for code, _ in reasons]
    tables.append(
        Table(
            "closure_reasons", "Why CAFs closed", "Reason", ["CAFs closed"], [n for _, n in reasons],
            protect(grid, column_totals=True, published_total=closed_total),
        )
    )  # fmt: skip

    grid = [
        [counts.get((agg.STEP_UP, ""), {}).get(m, 0), counts.get((agg.STEP_DOWN, ""), {}).get(m, 0)] for m in months
    ]
    tables.append(
        Table(
            "steps", "Step-ups to social care and step-downs", "Month",
            ["Stepped up to children's social care", "Stepped down into a CAF"], labels, protect(grid),
        )
    )  # fmt: skip

    changes = [(agg.IMPROVED, "Better"), (agg.SAME, "No change"), (agg.WORSE, "Worse")]
    grid = [[_sum(counts, agg.OUTCOME_CHANGE, f"{o}:{c}") for c, _ in changes] for o in Outcome.values]
    tables.append(
        Table(
            "outcomes",
            "Progress on each outcome between the first review and closure",
            "Outcome",
            [n for _, n in changes],
            list(Outcome.labels),
            protect(grid, row_totals=True, column_totals=True),
            description="CAFs closed in the period whose plan addressed the outcome and rated it at a review.",
        )
    )

    feedback = list(agg.FAMILY_LABELS.items())
    grid = [[_sum(counts, agg.FAMILY_FEEDBACK, code)] for code, _ in feedback]
    tables.append(
        Table(
            "family_feedback", "How helpful families found the process", "At closure", ["CAFs closed"],
            [n for _, n in feedback], protect(grid, column_totals=True, published_total=closed_total),
        )
    )  # fmt: skip

    tables.append(_training(filters))

    for key, title in (
        ("ethnicity", "CAFs started by ethnicity"),
        ("religion", "CAFs started by religion"),
        ("gender", "CAFs started by gender"),
        ("age_band", "CAFs started by age band"),
        ("disability", "CAFs started by disability"),
    ):
        categories = sorted({cat for (measure, cat) in counts if measure == key})
        grid = [[_sum(counts, key, cat)] for cat in categories] or [[0]]
        row_labels = [_category_label(key, cat) for cat in categories] or ["None"]
        tables.append(
            Table(
                key, title, title.split(" by ")[1].capitalize(), ["CAFs started"], row_labels,
                protect(grid, column_totals=True, published_total=started_total),
            )
        )  # fmt: skip
    return tables


def _category_label(key: str, code: str) -> str:
    if key == "gender":
        from ecm.index.choices import Gender

        return str(dict(Gender.choices).get(code, code))
    return code


def _training(filters: Filters) -> Table:
    """Practitioners trained (the latest snapshot in the period) against the area's targets, by agency."""
    latest = (
        MonthlyCount.objects.filter(area=filters.area, measure=agg.TRAINED, locality="", month__lte=filters.end)
        .order_by("-month")
        .values_list("month", flat=True)
        .first()
    )
    trained = (
        dict(
            MonthlyCount.objects.filter(area=filters.area, measure=agg.TRAINED, locality="", month=latest).values_list(
                "agency", "value"
            )
        )
        if latest
        else {}
    )
    targets = dict(TrainingTarget.objects.filter(area=filters.area).values_list("agency", "target"))
    agencies = [(code, label) for code, label in agg.AGENCY_LABELS.items() if code in trained or code in targets]
    if filters.agency:
        agencies = [a for a in agencies if a[0] == filters.agency]
    grid = [[trained.get(code, 0)] for code, _ in agencies] or [[0]]
    return Table(
        "training",
        "Practitioners trained against targets",
        "Agency",
        ["Practitioners trained"],
        [label for _, label in agencies] or ["None"],
        protect(grid, column_totals=True),
        description="Practitioners with completed training, as of the latest refresh; targets are set by the area.",
        extra_column="Target",
        extra_values=[f"{targets[c]:,}" if c in targets else "none set" for c, _ in agencies] or [""],
    )
