"""Object access for the misuse pages: only privacy officers, never about themselves; otherwise 404."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.http import Http404

from ecm.accounts.choices import Role
from ecm.accounts.models import User
from ecm.core.actors import Actor
from ecm.misuse.models import Alert


def alert_for_officer(*, actor: Actor, alert_id: Any) -> Alert:
    """An alert a privacy officer may work. Someone else, a missing alert or one about the officer: 404."""
    if not isinstance(actor, User) or not actor.has_role(Role.PRIVACY_OFFICER):
        raise Http404
    try:
        alert = Alert.objects.select_related("user", "user__organisation", "user__manager", "handled_by").filter(
            pk=alert_id
        ).first()
    except (ValueError, TypeError, Exception):  # malformed id
        alert = None
    if alert is None or alert.user_id == actor.pk:
        raise Http404
    return alert


def staff_member_for_officer(*, actor: Actor, user_id: int) -> Any:
    """A member of staff whose personal details a privacy officer may keep (not their own)."""
    if not isinstance(actor, User) or not actor.has_role(Role.PRIVACY_OFFICER):
        raise Http404
    user = get_user_model().objects.select_related("organisation").filter(pk=user_id).first()
    if user is None or user.pk == actor.pk:
        raise Http404
    return user
