"""Who to tell: the directory team, and a provider's staff (for notifications only)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import QuerySet


def directory_team_users() -> QuerySet[Any]:
    from ecm.directory.access import DIRECTORY_TEAM_ROLES

    User = get_user_model()
    return User.objects.filter(role_assignments__role__in=DIRECTORY_TEAM_ROLES, is_active=True).distinct()


def provider_staff(organisation: Any) -> QuerySet[Any]:
    User = get_user_model()
    if organisation is None:
        return User.objects.none()
    return User.objects.filter(organisation=organisation, is_active=True)
