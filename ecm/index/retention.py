"""Retention of index records: archive at 18 (or at the end of a recorded consent, 25 at most),
archive a year after death, purge six years after archive leaving a tombstone.

``retention_run`` is the daily job (``manage.py run_retention``): idempotent, and every
change is audited with the retention system actor.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from ecm.accounts.models import add_years
from ecm.audit.services import audit_record
from ecm.core import clock
from ecm.core.actors import SYSTEM_RETENTION
from ecm.index.choices import ChildStatus
from ecm.index.models import Child
from ecm.index.services import IndexRuleError, _stamp

ADULT_AGE = 18
CONSENT_MAX_AGE = 25
DECEASED_LIVE_YEARS = 1
ARCHIVE_YEARS = 6


@dataclass
class RetentionSummary:
    archived_at_18: int = 0
    archived_after_consent: int = 0
    archived_after_death: int = 0
    purged: int = 0

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


@transaction.atomic
def retention_consent_record(*, actor: Any, child: Child, until: dt.date, note: str) -> Child:
    """Keep a young person's record active past 18 with their consent, to their 25th birthday at most."""
    if child.date_of_birth is None:
        raise IndexRuleError("An unborn baby's record needs no retention consent.")
    if until > add_years(child.date_of_birth, CONSENT_MAX_AGE):
        raise IndexRuleError("A record can be kept active with consent only until the 25th birthday.")
    if not note.strip():
        raise IndexRuleError("Record how the young person gave consent.")
    child.retention_consent_until = until
    child.retention_consent_note = note.strip()
    _stamp(child, actor)
    child.save()
    audit_record(
        actor=actor,
        action="index.retention_consent_recorded",
        target=child,
        reason=note.strip(),
        data={"child_id": str(child.pk), "until": until.isoformat()},
    )
    return child


def _archive(child: Child, today: dt.date, why: str, actor: Any) -> None:
    child.status = ChildStatus.ARCHIVED
    child.archived_on = today
    _stamp(child, actor)
    child.save()
    audit_record(
        actor=actor, action="index.record_archived", target=child, data={"child_id": str(child.pk), "why": why}
    )


def _purge(child: Child, today: dt.date, actor: Any) -> None:
    """Delete everything but the tombstone: the id, the index number and the dates of archive and purge."""
    child.names.all().delete()
    child.addresses.all().delete()
    child.carers.all().delete()
    child.involvements.all().delete()
    for name in (
        "given_name",
        "middle_names",
        "family_name",
        "nhs_number",
        "unique_pupil_number",
        "retention_consent_note",
    ):
        setattr(child, name, "")
    child.date_of_birth = child.expected_delivery_date = child.date_of_death = None
    child.retention_consent_until = None
    child.school = child.gp_practice = child.local_authority = None
    child.gender = "unknown"
    child.status = ChildStatus.PURGED
    child.purged_on = today
    _stamp(child, actor)
    child.save()
    audit_record(
        actor=actor,
        action="index.record_purged",
        target=child,
        data={"child_id": str(child.pk), "archived_on": child.archived_on.isoformat() if child.archived_on else ""},
    )


def retention_run(*, actor: Any = SYSTEM_RETENTION, today: dt.date | None = None) -> RetentionSummary:
    """Apply the retention rules once for ``today``; running again the same day changes nothing."""
    today = today or clock.today()
    summary = RetentionSummary()
    adult_born_before = add_years(today, -ADULT_AGE)
    with transaction.atomic():
        for child in Child.objects.select_for_update().filter(
            status=ChildStatus.ACTIVE, date_of_birth__lte=adult_born_before
        ):
            consent = child.retention_consent_until
            if consent and consent >= today and consent <= add_years(child.date_of_birth, CONSENT_MAX_AGE):
                continue
            why = "consent ended" if consent else "18th birthday"
            _archive(child, today, why, actor)
            if consent:
                summary.archived_after_consent += 1
            else:
                summary.archived_at_18 += 1
        for child in Child.objects.select_for_update().filter(
            status=ChildStatus.DECEASED, date_of_death__lte=add_years(today, -DECEASED_LIVE_YEARS)
        ):
            _archive(child, today, "a year after death", actor)
            summary.archived_after_death += 1
        for child in Child.objects.select_for_update().filter(
            status=ChildStatus.ARCHIVED, archived_on__lte=add_years(today, -ARCHIVE_YEARS)
        ):
            _purge(child, today, actor)
            summary.purged += 1
        audit_record(
            actor=actor,
            action="index.retention_run",
            object_type="index.retention",
            data={"date": today.isoformat(), **summary.as_dict()},
        )
    return summary
