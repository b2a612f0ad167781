"""Reads of area monitoring: the dashboard (stored aggregates only), the CAF register and its quality
lists (no content), quality reviews, and the pseudonymised cohort extract."""

from __future__ import annotations

import datetime as dt
import io
import secrets
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from ecm.accounts.models import LocalAuthority
from ecm.audit.services import audit_record
from ecm.caf.choices import CafStatus, Progress
from ecm.caf.models import Assessment, AssessmentVersion, LeadProfessional, Meeting, OutcomeProgress, PlanAction
from ecm.core import clock
from ecm.core.actors import Actor
from ecm.core.exports import csv_writer
from ecm.monitoring import aggregation as agg
from ecm.monitoring.models import AggregateRefresh, QualityReview
from ecm.monitoring.ods import ods_bytes
from ecm.monitoring.tables import Filters, Table, dashboard_tables

__all__ = ["Filters", "Table", "dashboard_tables"]

REGISTER_LISTS = {
    "all": "All CAFs",
    "no_plan": "Completed with no plan",
    "no_tac": "Several agencies, no TAC meeting",
    "overdue_reviews": "Reviews overdue",
    "overdue_actions": "Actions overdue",
}
PAGE_SIZE = 50


def last_refresh(area: LocalAuthority) -> AggregateRefresh | None:
    return AggregateRefresh.objects.filter(area=area).first()


def filter_options(area: LocalAuthority) -> tuple[list[str], list[tuple[str, str]]]:
    """The localities and agencies the area's aggregates hold (for the dashboard's filter form)."""
    refresh = last_refresh(area)
    if refresh is None:
        return [], []
    agencies = set(refresh.agencies)
    return list(refresh.localities), [(code, label) for code, label in agg.AGENCY_LABELS.items() if code in agencies]


def default_period(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """The last twelve months, ending with the current one."""
    today = today or clock.today()
    end = dt.date(today.year, today.month, 1)
    start = dt.date(end.year - 1, end.month, 1)
    start = dt.date(start.year + (start.month == 12), start.month % 12 + 1, 1)
    return start, end


def tables_csv(tables: list[Table], filters: Filters) -> str:
    """Every table one after another, each headed by its title; the same figures the pages show."""
    out = io.StringIO()
    writer = csv_writer(out)
    period = f"{filters.start:%B %Y} to {filters.end:%B %Y}"
    writer.writerow([f"CAF monitoring: {filters.area.name} ({filters.area.code}), {period}"])
    writer.writerow([f"Locality: {filters.locality or 'all'}; agency: {agg.AGENCY_LABELS.get(filters.agency, 'all')}"])
    writer.writerow(
        ["Counts from 1 to 4 show as 'fewer than 5'; where a table has one, its other figures are rounded."]
    )
    for table in tables:
        writer.writerow([])
        writer.writerow([table.title])
        writer.writerows(table.records())
    return out.getvalue()


def tables_ods(tables: list[Table]) -> bytes:
    return ods_bytes([(t.title, [[t.title], *t.records()]) for t in tables])


# The register and its quality lists ---------------------------------------------------------------


@dataclass
class RegisterRow:
    """What the co-ordinator's register shows of one CAF: that it exists, dates, status, assessor, lead."""

    pk: Any
    reference: str
    status: str
    started_on: dt.date
    completed_on: dt.date | None
    closed_on: dt.date | None
    next_review_on: dt.date | None
    assessor: str
    lead: str
    quality: str


def register_queryset(area_cafs: QuerySet[Assessment], list_kind: str) -> QuerySet[Assessment]:
    today = clock.today()
    qs = area_cafs
    if list_kind == "no_plan":
        qs = qs.filter(status=CafStatus.COMPLETED).exclude(Exists(PlanAction.objects.filter(assessment=OuterRef("pk"))))
    elif list_kind == "no_tac":
        qs = (
            qs.filter(status=CafStatus.COMPLETED)
            .exclude(Exists(Meeting.objects.filter(assessment=OuterRef("pk"))))
            .annotate(
                agencies=Count(
                    "members__organisation",
                    filter=Q(members__removed_on__isnull=True, members__organisation__isnull=False),
                    distinct=True,
                )
            )
            .filter(agencies__gte=2)
        )
    elif list_kind == "overdue_reviews":
        qs = qs.filter(status=CafStatus.COMPLETED, next_review_on__lt=today)
    elif list_kind == "overdue_actions":
        late = PlanAction.objects.filter(assessment=OuterRef("pk"), due_on__lt=today).exclude(
            progress=Progress.ACHIEVED
        )
        qs = qs.exclude(status=CafStatus.CLOSED).filter(Exists(late))
    return qs.order_by("-started_on", "reference")


@transaction.atomic
def register_page(
    *, actor: Actor, area_cafs: QuerySet[Assessment], list_kind: str, page: int
) -> tuple[Page[Any], list[RegisterRow]]:
    """One page of the register (or a quality list), audited as a read of the area's register."""
    qs = register_queryset(area_cafs, list_kind).select_related("author", "author_organisation")
    paginator = Paginator(qs, PAGE_SIZE)
    current = paginator.get_page(page)
    cafs = list(current.object_list)
    ids = [c.pk for c in cafs]
    leads = {
        lead.assessment_id: lead.member.name
        for lead in LeadProfessional.objects.filter(assessment_id__in=ids, ended_on__isnull=True).select_related(
            "member"
        )
    }
    quality: dict[Any, str] = {}
    for review in QualityReview.objects.filter(assessment_id__in=ids).order_by("reviewed_on", "created_at"):
        quality[review.assessment_id] = f"{review.get_rating_display()} ({review.reviewed_on:%-d %B %Y})"
    rows = [
        RegisterRow(
            pk=c.pk,
            reference=c.reference,
            status=c.get_status_display(),
            started_on=c.started_on,
            completed_on=c.completed_on,
            closed_on=c.closed_on,
            next_review_on=c.next_review_on,
            assessor=f"{c.author.get_full_name() or c.author.username}, {c.author_organisation.name}",
            lead=leads.get(c.pk, ""),
            quality=quality.get(c.pk, ""),
        )
        for c in cafs
    ]
    audit_record(
        actor=actor,
        action="monitoring.register_viewed",
        object_type="caf.register",
        object_id=list_kind,
        data={"page": current.number, "references": [c.reference for c in cafs]},
    )
    return current, rows


def register_counts(area_cafs: QuerySet[Assessment]) -> dict[str, int]:
    return {kind: register_queryset(area_cafs, kind).count() for kind in REGISTER_LISTS}


def quality_reviews_of(assessment: Assessment) -> list[QualityReview]:
    return list(assessment.quality_reviews.select_related("reviewer"))


# Sections the quality review reads: the assessment itself, not who the child and family are.
QUALITY_SECTIONS = ("assessor", "development", "parents", "family_environment", "conclusions")


@transaction.atomic
def quality_content_open(*, actor: Actor, assessment: Assessment) -> dict[str, Any]:
    """What a quality review judges, for the reviewer to read (audited ``monitoring.quality_content_viewed``).

    The latest version's assessment sections (the elements' strengths and needs, the reason,
    conclusions and comments) and the delivery plan; the identifying details and the family's
    names, addresses and contacts are left out, as the register leaves them out.
    """
    from ecm.caf.framework import SECTIONS

    latest = assessment.versions.order_by("-number").first()
    data = dict(latest.data) if latest else {}
    sections = []
    for section in SECTIONS:
        if section.slug not in QUALITY_SECTIONS:
            continue
        rows = [(label, data[key]) for key, label in section.fields if data.get(key)]
        sections.append({"title": section.title, "rows": rows})
    actions = list(assessment.actions.select_related("responsible"))
    audit_record(
        actor=actor,
        action="monitoring.quality_content_viewed",
        target=assessment,
        data={"reference": assessment.reference, "version": latest.number if latest else 0},
    )
    return {"version": latest.number if latest else 0, "sections": sections, "actions": actions}


# The pseudonymised cohort extract ------------------------------------------------------------------

COHORT_COLUMNS = [
    "row",
    "started_month",
    "completed_month",
    "closed_month",
    "closure_reason",
    "agency",
    "age_band_at_start",
    "gender",
    "ethnic_group",
    "disability",
    "needs",
    "outcomes_in_plan",
    "first_review_progress",
    "closure_progress",
    "stepped_up",
    "stepped_down_from",
    "family_feedback",
    "reviews_held",
]


def _month(day: dt.date | None) -> str:
    return f"{day:%Y-%m}" if day else ""


def cohort_rows(*, area: LocalAuthority, started_from: dt.date, started_to: dt.date) -> list[list[str]]:
    """One row per CAF started in the period: months, coded needs and outcomes, closure. No names, no
    identifiers, no exact dates; the row number is random for each extract, so rows cannot be joined
    back to a CAF or to another extract. Callers record the extract (``cohort_extract_record``)."""
    cafs = list(
        Assessment.objects.filter(
            author_organisation__local_authority=area, started_on__gte=started_from, started_on__lte=started_to
        )
        .select_related("child", "author_organisation")
        .annotate(reviews_held=Count("reviews", distinct=True))
    )
    # Related rows are selected by the same condition, not by a list of ids (which can be 100,000 long).
    same = {
        "assessment__author_organisation__local_authority": area,
        "assessment__started_on__gte": started_from,
        "assessment__started_on__lte": started_to,
    }
    data: dict[Any, dict[str, Any]] = {}
    for assessment_id, payload in (
        AssessmentVersion.objects.filter(**same).order_by("number").values_list("assessment_id", "data")
    ):
        data[assessment_id] = payload or {}  # the latest version wins
    plan: dict[Any, set[str]] = {}
    for assessment_id, outcome in PlanAction.objects.filter(**same).values_list("assessment_id", "outcome"):
        plan.setdefault(assessment_id, set()).add(outcome)
    first: dict[tuple[Any, str], tuple[dt.date, str]] = {}
    closing: dict[Any, list[str]] = {}
    for assessment_id, outcome, rating, at_closure, held_on in OutcomeProgress.objects.filter(**same).values_list(
        "assessment_id", "outcome", "rating", "at_closure", "review__held_on"
    ):
        if at_closure:
            closing.setdefault(assessment_id, []).append(f"{outcome}={rating}")
        elif (assessment_id, outcome) not in first or held_on < first[(assessment_id, outcome)][0]:
            first[(assessment_id, outcome)] = (held_on, rating)
    firsts_of: dict[Any, list[str]] = {}
    for (assessment_id, outcome), (_, rating) in sorted(first.items(), key=lambda kv: kv[0][1]):
        firsts_of.setdefault(assessment_id, []).append(f"{outcome}={rating}")
    rows = []
    for caf in cafs:
        payload = data.get(caf.pk, {})
        needs = sorted({key.split("__")[0] for key, value in payload.items() if key.endswith("__needs") and value})
        firsts = firsts_of.get(caf.pk, [])
        rows.append(
            [
                "",
                _month(caf.started_on),
                _month(caf.completed_on),
                _month(caf.closed_on),
                caf.closure_reason,
                caf.author_organisation.organisation_type,
                agg.age_band(caf.child.date_of_birth, caf.child.expected_delivery_date, caf.started_on),
                caf.child.gender,
                agg.classify(payload.get("ethnicity"), agg.ETHNIC_GROUPS),
                agg.disability_of(payload.get("disability")),
                ";".join(needs),
                ";".join(o for o in sorted(plan.get(caf.pk, set()))),
                ";".join(firsts),
                ";".join(sorted(closing.get(caf.pk, []))),
                "yes" if caf.step_up_referred_on else "no",
                caf.stepped_down_from,
                caf.family_feedback_rating,
                str(caf.reviews_held),
            ]
        )
    # Shuffle so that row order says nothing about when CAFs were made, then number at random.
    secrets.SystemRandom().shuffle(rows)
    for number, row in enumerate(rows, start=1):
        row[0] = f"R{number:06d}"
    return rows


def cohort_csv(rows: list[list[str]]) -> str:
    out = io.StringIO()
    writer = csv_writer(out)
    writer.writerow(COHORT_COLUMNS)
    writer.writerows(rows)
    return out.getvalue()
