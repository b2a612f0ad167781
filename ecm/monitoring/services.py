"""Every write of area monitoring: quality reviews, the aggregates refresh, training targets, and the
records of exports and cohort extracts. Atomic and audited; notifications after commit."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from ecm.accounts.access import actor_person
from ecm.accounts.choices import OrganisationType
from ecm.accounts.models import LocalAuthority
from ecm.audit.services import audit_record
from ecm.caf.choices import CafStatus
from ecm.caf.models import Assessment
from ecm.core import clock
from ecm.core.actors import Actor, SystemActor
from ecm.monitoring.aggregation import area_counts
from ecm.monitoring.choices import QUALITY_CRITERIA, CriterionAnswer, QualityRating
from ecm.monitoring.models import AggregateRefresh, CohortExtract, MonthlyCount, QualityReview, TrainingTarget

SYSTEM_MONITORING = SystemActor("monitoring-refresh")


class MonitoringError(ValueError):
    """A monitoring rule was broken; the message is for the user."""


def require(condition: bool, message: str) -> None:
    if not condition:
        raise MonitoringError(message)


@transaction.atomic
def quality_review_record(
    *, actor: Actor, assessment: Assessment, criteria: dict[str, str], rating: str, feedback: str
) -> QualityReview:
    """Record a quality review of a CAF against the published standard; the feedback goes to the assessor."""
    actor = actor_person(actor)
    require(assessment.status != CafStatus.DRAFT, "Only a completed CAF can be reviewed for quality.")
    require(
        set(criteria) == set(QUALITY_CRITERIA) and all(v in CriterionAnswer.values for v in criteria.values()),
        "Answer every part of the standard.",
    )
    require(rating in QualityRating.values, "Choose the overall rating.")
    require(bool(feedback.strip()), "Enter the feedback for the assessor.")
    review = QualityReview(
        assessment=assessment,
        reviewer=actor,
        reviewed_on=clock.today(),
        criteria=criteria,
        rating=rating,
        feedback=feedback.strip(),
    )
    review.stamp(actor, creating=True)
    review.save()
    audit_record(
        actor=actor,
        action="monitoring.quality_reviewed",
        target=assessment,
        data={"review": str(review.pk), "rating": rating, "criteria": criteria},
    )
    author = assessment.author
    if getattr(actor, "pk", None) != author.pk:
        from ecm.notifications.services import notification_send

        subject = f"Quality review of CAF {assessment.reference}: {QualityRating(rating).label}"
        body = feedback.strip()
        transaction.on_commit(
            lambda: notification_send(
                actor=actor, recipient=author, subject=subject, body=body, link=f"/caf/{assessment.pk}/"
            )
        )
    return review


def aggregates_refresh(*, actor: Actor, area: LocalAuthority) -> AggregateRefresh:
    """Rebuild one area's monthly counts from the CAF records (the scheduled job, ``monitoring_refresh``).

    The counting runs outside the write transaction; the swap of old rows for new is atomic.
    """
    tally, cafs = area_counts(area)
    rows = [
        MonthlyCount(area=area, month=m, locality=loc, agency=ag, measure=measure, category=cat, value=n)
        for (m, loc, ag, measure, cat), n in tally.counts.items()
    ]
    with transaction.atomic():
        MonthlyCount.objects.filter(area=area).delete()
        MonthlyCount.objects.bulk_create(rows, batch_size=2000)
        refresh = AggregateRefresh.objects.filter(area=area).first() or AggregateRefresh(area=area)
        refresh.refreshed_at = clock.now()
        refresh.rows = len(rows)
        refresh.cafs = cafs
        refresh.localities = sorted({loc for (_m, loc, _a, _me, _c) in tally.counts if loc})
        refresh.agencies = sorted({ag for (_m, _l, ag, _me, _c) in tally.counts if ag})
        refresh.stamp(actor, creating=refresh._state.adding)
        refresh.save()
        audit_record(actor=actor, action="monitoring.aggregates_refreshed", target=area, data={"rows": len(rows)})
    return refresh


@transaction.atomic
def training_target_set(*, actor: Actor, area: LocalAuthority, agency: str, target: int) -> TrainingTarget:
    """Set how many practitioners of an agency the area aims to have trained."""
    require(agency in OrganisationType.values, "Choose the agency.")
    require(0 <= target <= 100_000, "Enter a target from 0 to 100,000.")
    row = TrainingTarget.objects.filter(area=area, agency=agency).first()
    creating = row is None
    row = row or TrainingTarget(area=area, agency=agency)
    row.target = target
    row.stamp(actor, creating=creating)
    row.save()
    audit_record(actor=actor, action="monitoring.training_target_set", target=area, data={agency: target})
    return row


@transaction.atomic
def dashboard_export_record(*, actor: Actor, area: LocalAuthority, filters: dict[str, str], file_format: str) -> None:
    """Audit an export of the dashboard's tables (suppressed figures only)."""
    audit_record(
        actor=actor,
        action="monitoring.dashboard_exported",
        target=area,
        data={**filters, "format": file_format},
    )


@transaction.atomic
def cohort_extract_record(
    *, actor: Actor, area: LocalAuthority, purpose: str, started_from: dt.date, started_to: dt.date, rows: int
) -> CohortExtract:
    """Record and audit a pseudonymised cohort extract, with the purpose the data manager gave."""
    actor = actor_person(actor)
    require(len(purpose.strip()) >= 20, "Describe the purpose of the extract (at least 20 characters).")
    require(started_from <= started_to, "The start of the period must be before its end.")
    extract = CohortExtract(
        requested_by=actor,
        area=area,
        purpose=purpose.strip(),
        started_from=started_from,
        started_to=started_to,
        rows=rows,
    )
    extract.stamp(actor, creating=True)
    extract.save()
    audit_record(
        actor=actor,
        action="monitoring.cohort_extracted",
        target=extract,
        reason=purpose.strip(),
        data={"area": area.code, "from": started_from.isoformat(), "to": started_to.isoformat(), "rows": rows},
    )
    return extract
