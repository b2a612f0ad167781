"""Writes of the misuse review: raising alerts, working them, staff details and the daily run.

Every function takes ``actor``, runs in one transaction and writes its audit event.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction

from ecm.accounts.access import actor_person
from ecm.accounts.choices import Role
from ecm.accounts.services import practitioner_suspend
from ecm.audit.services import audit_record
from ecm.core import clock
from ecm.core.actors import Actor
from ecm.misuse.choices import RULE_SEVERITY, AlertStatus, InvestigationOutcome, Rule
from ecm.misuse.models import Alert, StaffPersonalDetails
from ecm.misuse.rules import Candidate
from ecm.misuse.rules.daily import evaluate_day
from ecm.notifications.services import notification_send


class MisuseError(ValueError):
    """A rule of the misuse review was broken; the message is shown to the privacy officer as it is."""


@transaction.atomic
def alert_raise(*, actor: Actor, candidate: Candidate) -> Alert | None:
    """Raise the alert a rule found, once.

    A new key makes a new alert (audited ``misuse.alert_raised``). A key already
    raised either takes the new evidence, when the candidate asks to merge and the
    alert is still open, or is left alone (the daily run is idempotent). A merging
    candidate whose alert has already been handled opens a fresh alert.
    """
    existing = Alert.objects.select_for_update().filter(dedupe_key=candidate.dedupe_key).first()
    key = candidate.dedupe_key
    if existing is not None:
        if not candidate.merge:
            return None
        if existing.is_open:
            added = [s for s in candidate.evidence if s not in existing.evidence]
            if added:
                existing.evidence = [*existing.evidence, *added]
                existing.stamp(actor)
                existing.save(update_fields=["evidence", "modified_at", "modified_by", "modified_by_label"])
                audit_record(
                    actor=actor,
                    action="misuse.alert_evidence_added",
                    target=existing,
                    data={"rule": existing.rule, "evidence": added},
                )
            return existing
        key = f"{key}:{candidate.evidence[0] if candidate.evidence else clock.now().isoformat()}"
        if Alert.objects.filter(dedupe_key=key).exists():
            return None
    alert = Alert(
        rule=candidate.rule,
        user_id=candidate.user_id,
        severity=RULE_SEVERITY[candidate.rule],
        summary=candidate.summary,
        evidence=list(candidate.evidence),
        child_id=candidate.child_id,
        review_date=candidate.review_date,
        dedupe_key=key,
    )
    alert.stamp(actor, creating=True)
    try:
        with transaction.atomic():  # a savepoint: a concurrent run that raised the same key first wins
            alert.save()
    except IntegrityError:
        return None
    audit_record(
        actor=actor,
        action="misuse.alert_raised",
        target=alert,
        data={
            "rule": alert.rule,
            "user": alert.user_id,
            "severity": alert.severity,
            "evidence": alert.evidence,
            "child_id": alert.child_id,
            "review_date": alert.review_date.isoformat(),
        },
    )
    return alert


@transaction.atomic
def alert_view(*, actor: Actor, alert: Alert) -> Alert:
    """Record that a privacy officer read an alert and its evidence (``misuse.alert_viewed``)."""
    audit_record(actor=actor, action="misuse.alert_viewed", target=alert, data={"rule": alert.rule})
    return alert


def _check_can_handle(*, actor: Actor, alert: Alert, note: str) -> str:
    if not alert.is_open:
        raise MisuseError(f"This alert was already {alert.get_status_display().lower()}.")
    if getattr(actor, "pk", None) == alert.user_id:
        raise MisuseError("You cannot decide an alert about your own use.")
    note = (note or "").strip()
    if not note:
        raise MisuseError("Enter a note explaining your decision.")
    return note


def _close(*, actor: Actor, alert: Alert, status: str, note: str) -> None:
    actor = actor_person(actor)
    alert.status = status
    alert.note = note
    alert.handled_by = actor
    alert.handled_at = clock.now()
    alert.stamp(actor)
    alert.save()


@transaction.atomic
def alert_dismiss(*, actor: Actor, alert: Alert, note: str) -> Alert:
    """Close an alert as explained (for example the user was on duty for that child), with a note."""
    alert = Alert.objects.select_for_update().get(pk=alert.pk)
    note = _check_can_handle(actor=actor, alert=alert, note=note)
    _close(actor=actor, alert=alert, status=AlertStatus.DISMISSED, note=note)
    audit_record(actor=actor, action="misuse.alert_dismissed", target=alert, reason=note, data={"rule": alert.rule})
    return alert


@transaction.atomic
def alert_escalate(*, actor: Actor, alert: Alert, note: str) -> Alert:
    """Escalate: suspend the user's account at once (their sessions end) and tell their manager
    (or, with no manager who can be told, the privacy officers: see :func:`escalation_recipients`).

    The manager's message names the account and says a privacy officer will be in
    touch; it says nothing about any child.
    """
    alert = Alert.objects.select_for_update(of=("self",)).select_related("user", "user__manager").get(pk=alert.pk)
    note = _check_can_handle(actor=actor, alert=alert, note=note)
    _close(actor=actor, alert=alert, status=AlertStatus.ESCALATED, note=note)
    subject_user = alert.user
    already = subject_user.suspended_at is not None
    if not already:
        practitioner_suspend(
            actor=actor,
            practitioner=subject_user,
            reason=f"Misuse alert {alert.rule} ({Rule(alert.rule).label}) escalated: {note}",
        )
    manager = subject_user.manager
    name = subject_user.get_full_name() or subject_user.username
    recipients = escalation_recipients(actor=actor, subject_user=subject_user)
    for person, role in recipients:
        if role == "manager":
            body = (
                "A privacy officer has suspended this account while a concern about its use of the child index "
                "is investigated. They will contact you. Please do not discuss the concern with the member of "
                "staff until then."
            )
        else:
            body = (
                f"No manager who can be told is recorded for {name}, so you are told instead. "
                "A privacy officer has suspended this account while a concern about its use of the child "
                "index is investigated. Please make sure someone responsible for them is told, and record "
                "their manager."
            )
        notification_send(
            actor=actor,
            recipient=person,
            subject=f"{name}'s index account has been suspended",
            body=body,
            link=f"/misuse/alerts/{alert.pk}/" if role != "manager" else "",
        )
    alert.escalated_to = [{"user": person.pk, "as": role} for person, role in recipients]
    alert.save(update_fields=["escalated_to"])
    audit_record(
        actor=actor,
        action="misuse.alert_escalated",
        target=alert,
        reason=note,
        data={
            "rule": alert.rule,
            "user": subject_user.pk,
            "suspended": not already,
            "manager_notified": manager.pk if manager and recipients[0][1] == "manager" else None,
            "told": alert.escalated_to,
        },
    )
    return alert


def _reachable(user: Any) -> bool:
    return bool(
        user.is_active and user.suspended_at is None and (user.leaver_date is None or user.leaver_date > clock.today())
    )


def escalation_recipients(*, actor: Actor, subject_user: Any) -> list[tuple[Any, str]]:
    """Who is told of an escalation: always at least one person.

    The member of staff's manager when one is recorded and can be reached; otherwise every
    privacy officer who can be reached (never the member of staff); and when there is none,
    the privacy officer who escalated.
    """
    manager = subject_user.manager
    if manager is not None and manager.pk != subject_user.pk and _reachable(manager):
        return [(manager, "manager")]
    User = get_user_model()
    officers = [
        u
        for u in User.objects.filter(role_assignments__role=Role.PRIVACY_OFFICER).exclude(pk=subject_user.pk).distinct()
        if _reachable(u)
    ]
    if officers:
        return [(u, "privacy_officer") for u in officers]
    return [(actor, "escalating_officer")]


@transaction.atomic
def alert_investigation_record(*, actor: Actor, alert: Alert, findings: str, outcome: str) -> Alert:
    """After an escalation: what the investigation found and how it ended (once; audited)."""
    actor = actor_person(actor)
    alert = Alert.objects.select_for_update().get(pk=alert.pk)
    if alert.status != AlertStatus.ESCALATED:
        raise MisuseError("Only an escalated alert is investigated.")
    if alert.outcome:
        raise MisuseError("The investigation of this alert is already recorded.")
    if getattr(actor, "pk", None) == alert.user_id:
        raise MisuseError("You cannot investigate your own use.")
    findings = (findings or "").strip()
    if not findings:
        raise MisuseError("Enter what the investigation found.")
    if outcome not in InvestigationOutcome.values:
        raise MisuseError("Choose the outcome of the investigation.")
    alert.findings = findings
    alert.outcome = outcome
    alert.investigated_by = actor
    alert.investigated_at = clock.now()
    alert.stamp(actor)
    alert.save()
    audit_record(
        actor=actor, action="misuse.investigation_recorded", target=alert, data={"rule": alert.rule, "outcome": outcome}
    )
    return alert


STAFF_DETAIL_FIELDS = ("home_postcode", "home_address", "family_names", "works_out_of_hours")


@transaction.atomic
def staff_details_save(*, actor: Actor, user: Any, **fields: Any) -> StaffPersonalDetails:
    """Create or change a member of staff's home and family names (audited without the values)."""
    unknown = set(fields) - set(STAFF_DETAIL_FIELDS)
    if unknown:
        raise MisuseError(f"Unknown fields: {', '.join(sorted(unknown))}")
    details = StaffPersonalDetails.objects.select_for_update().filter(user=user).first()
    creating = details is None
    if details is None:
        details = StaffPersonalDetails(user=user)
    changed = sorted(name for name, value in fields.items() if getattr(details, name) != value)
    for name, value in fields.items():
        setattr(details, name, value)
    details.stamp(actor, creating=creating)
    details.save()
    # The values are personal data: the audit names the fields changed, not what they hold.
    audit_record(actor=actor, action="misuse.staff_details_saved", target=user, data={"changed": changed})
    return details


@transaction.atomic
def staff_details_import(*, actor: Actor, rows: list[tuple[Any, dict[str, Any]]]) -> int:
    """Save many members of staff's details at once (all or none); each one audited as if typed."""
    actor = actor_person(actor)
    if not rows:
        raise MisuseError("There is no one to save.")
    for user, fields in rows:
        staff_details_save(actor=actor, user=user, **fields)
    audit_record(actor=actor, action="misuse.staff_details_imported", target=actor, data={"count": len(rows)})
    return len(rows)


@transaction.atomic
def staff_details_view(*, actor: Actor, user: Any) -> StaffPersonalDetails | None:
    """Record that a privacy officer opened a member of staff's home and family details."""
    audit_record(actor=actor, action="misuse.staff_details_viewed", target=user)
    return StaffPersonalDetails.objects.filter(user=user).first()


@dataclass(frozen=True)
class ReviewResult:
    """What one daily run found and raised."""

    day: dt.date
    found: int
    raised: int
    by_rule: dict[str, int]


@transaction.atomic
def misuse_review_run(*, actor: Actor, day: dt.date) -> ReviewResult:
    """Run the daily rules over ``day`` and raise what has not been raised (``misuse.review_run``)."""
    if day >= clock.today():
        raise MisuseError("Review a day that has ended: today's use is reviewed tomorrow.")
    candidates = evaluate_day(day)
    known = get_user_model().objects.filter(pk__in={c.user_id for c in candidates}).values_list("pk", flat=True)
    raised: Counter[str] = Counter()
    for candidate in candidates:
        if candidate.user_id in set(known) and alert_raise(actor=actor, candidate=candidate) is not None:
            raised[candidate.rule] += 1
    result = ReviewResult(day=day, found=len(candidates), raised=sum(raised.values()), by_rule=dict(raised))
    audit_record(
        actor=actor,
        action="misuse.review_run",
        object_type="misuse.review",
        object_id=day.isoformat(),
        data={"day": day.isoformat(), "found": result.found, "raised": result.raised, "by_rule": result.by_rule},
    )
    return result
