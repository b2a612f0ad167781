"""Who may use the subject access and rectification pages. Forbidden and missing both answer 404.

Data managers log and handle requests; privacy officers may see the task list and the
requests (not the package's content). Every page also passes the child-data gate.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django.http import Http404, HttpResponse

from ecm.accounts.access import child_data_required, role_required
from ecm.accounts.choices import Role
from ecm.accounts.models import User
from ecm.core.actors import Actor
from ecm.index.visibility import child_readable
from ecm.rights.models import AccessRequest, RectificationRequest

View = Callable[..., HttpResponse]
VIEWER_ROLES = (Role.DATA_MANAGER, Role.PRIVACY_OFFICER)


def rights_viewer_required(view: View) -> View:
    """Task lists and request pages: data managers and privacy officers."""
    return child_data_required(role_required(*VIEWER_ROLES)(view))


def data_manager_required(view: View) -> View:
    """Every write, and the package itself: data managers only."""
    return child_data_required(role_required(Role.DATA_MANAGER)(view))


def is_data_manager(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.has_role(Role.DATA_MANAGER))


def _uuid(raw: Any) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(raw))
    except (ValueError, TypeError):
        return None


def access_request_for(*, actor: Actor, request_id: Any) -> AccessRequest:
    """A subject access request, for a data manager or privacy officer; 404 otherwise."""
    pk = _uuid(request_id)
    found = AccessRequest.objects.select_related("child").filter(pk=pk).first() if pk else None
    if (
        found is None
        or not isinstance(actor, User)
        or not actor.has_any_role(*VIEWER_ROLES)
        or not child_readable(actor, found.child)
    ):
        raise Http404("No such request")
    return found


def rectification_for(*, actor: Actor, rectification_id: Any) -> RectificationRequest:
    pk = _uuid(rectification_id)
    found = (
        RectificationRequest.objects.select_related("child", "assessment", "decided_by").filter(pk=pk).first()
        if pk
        else None
    )
    if (
        found is None
        or not isinstance(actor, User)
        or not actor.has_any_role(*VIEWER_ROLES)
        or not child_readable(actor, found.child)
    ):
        raise Http404("No such request")
    return found
