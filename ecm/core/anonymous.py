"""Counting anonymous activity outside the hash-chained audit.

The audit chain records what people and systems did. Requests from nobody in particular
(an unknown session cookie, a CSRF failure, the families' search, "report a problem", a
request refused by a rate limit) would otherwise add one chained event each, unthrottled:
noise in the trail and a way to keep the chain heads busy. They are counted instead, one
``AnonymousActivity`` row per day and kind, incremented in place.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F

from ecm.core import clock
from ecm.core.actors import Actor, SystemActor
from ecm.core.models import AnonymousActivity


def is_anonymous(actor: Actor) -> bool:
    """True for a request's anonymous user: not a person, not an API client, not a system actor."""
    if actor is None or isinstance(actor, SystemActor):
        return False
    if callable(getattr(actor, "audit_identity", None)):
        return False
    return not getattr(actor, "is_authenticated", False)


def anonymous_activity_count(kind: str) -> None:
    """Add one to today's count of ``kind`` (for example ``security.csrf_failure``)."""
    day = clock.today()
    rows = AnonymousActivity.objects.filter(day=day, kind=kind[:64])
    if rows.update(count=F("count") + 1):
        return
    try:
        with transaction.atomic():
            AnonymousActivity.objects.create(day=day, kind=kind[:64], count=1)
    except IntegrityError:  # another request created today's row first
        rows.update(count=F("count") + 1)


def anonymous_activity(day: Any | None = None) -> dict[str, int]:
    """Counts by kind for one day (today by default)."""
    rows = AnonymousActivity.objects.filter(day=day or clock.today())
    return dict(rows.values_list("kind", "count"))
