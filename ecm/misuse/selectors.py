"""Reads for the privacy officer's pages: the queue, an alert's evidence, staff details."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Count, Q, QuerySet

from ecm.accounts.access import actor_person
from ecm.audit.models import AuditEvent
from ecm.core import clock
from ecm.core.actors import Actor
from ecm.misuse import conf
from ecm.misuse.choices import AlertStatus
from ecm.misuse.models import Alert, StaffPersonalDetails
from ecm.misuse.rules import INDEX_PREFIX, SEARCH_MATCH


def alert_queue(*, actor: Actor, status: str = AlertStatus.OPEN, rule: str = "") -> QuerySet[Alert]:
    """Alerts for a privacy officer, most severe and oldest first when open; never their own."""
    actor = actor_person(actor)
    qs = Alert.objects.select_related("user", "user__organisation", "handled_by").exclude(user_id=actor.pk)
    if status:
        qs = qs.filter(status=status)
    if rule:
        qs = qs.filter(rule=rule)
    if status == AlertStatus.OPEN:
        return qs.order_by("created_at")
    return qs.order_by("-handled_at", "-created_at")


SEVERITY_ORDER = {"high": 0, "medium": 1, "low": 2}


def alert_queue_sorted(
    *, actor: Actor, status: str = AlertStatus.OPEN, rule: str = "", limit: int = 200
) -> list[Alert]:
    """The queue as a list, open alerts by severity then age."""
    alerts = list(alert_queue(actor=actor, status=status, rule=rule)[:limit])
    if status == AlertStatus.OPEN:
        alerts.sort(key=lambda a: (SEVERITY_ORDER.get(a.severity, 9), a.created_at))
    return alerts


def alert_status_counts(*, actor: Actor) -> dict[str, int]:
    """How many alerts in each status (not counting the officer's own)."""
    actor = actor_person(actor)
    rows = Alert.objects.exclude(user_id=actor.pk).values("status").annotate(n=Count("id"))
    counts = dict.fromkeys(AlertStatus.values, 0)
    counts.update({row["status"]: row["n"] for row in rows})
    return counts


def alert_evidence(*, alert: Alert) -> list[AuditEvent]:
    """The audit events that raised the alert."""
    return list(AuditEvent.objects.filter(sequence__in=alert.evidence).order_by("sequence"))


def user_recent_accesses(*, user: Any, days: int | None = None, limit: int | None = None) -> list[AuditEvent]:
    """The user's use of the child index over the last ``days`` days, newest first (searches without their matches)."""
    since = clock.now() - dt.timedelta(days=days or conf.get("EVIDENCE_DAYS"))
    return list(
        AuditEvent.objects.filter(
            actor_type="user", actor_id=str(user.pk), action__startswith=INDEX_PREFIX, occurred_at__gte=since
        ).exclude(action=SEARCH_MATCH).order_by("-sequence")[: limit or conf.get("EVIDENCE_LIMIT")]
    )


def user_other_alerts(*, alert: Alert) -> list[Alert]:
    """The same user's other alerts, newest first."""
    return list(Alert.objects.filter(user_id=alert.user_id).exclude(pk=alert.pk).order_by("-created_at")[:50])


def staff_search(*, query: str = "", limit: int = 50) -> list[Any]:
    """Accounts whose username or name contains ``query``."""
    qs = get_user_model().objects.select_related("organisation").order_by("last_name", "first_name")
    query = query.strip()
    if query:
        qs = qs.filter(
            Q(username__icontains=query) | Q(first_name__icontains=query) | Q(last_name__icontains=query)
        )
    return list(qs[:limit])


def staff_details_for(*, user: Any) -> StaffPersonalDetails | None:
    return StaffPersonalDetails.objects.filter(user=user).first()


def told_label(alert: Any) -> str:
    """Who was told of an escalation, in words ("Mo Manager (their manager)")."""
    told = alert.escalated_to or []
    people = get_user_model().objects.in_bulk([t["user"] for t in told])
    roles = {"manager": "their manager", "privacy_officer": "privacy officer", "escalating_officer": "you"}
    words = []
    for t in told:
        person = people.get(t["user"])
        if person is not None:
            words.append(f"{person.get_full_name() or person.username} ({roles.get(t['as'], t['as'])})")
    return ", ".join(words)
