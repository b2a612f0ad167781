"""Who may reach which child index page and object. Forbidden and missing both answer 404.

A refused attempt at an existing record is still audited (``index.access_denied``).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse

from ecm.accounts.access import child_data_required, role_required
from ecm.accounts.choices import Role
from ecm.audit.services import audit_record
from ecm.core.actors import Actor
from ecm.index.models import Child, Involvement
from ecm.index.visibility import child_visibility, visible_statuses

INDEX_USER_ROLES = (Role.PRACTITIONER, Role.MANAGER, Role.INDEX_ADMIN, Role.DATA_MANAGER)
MAX_MERGE_HOPS = 20

View = Callable[..., HttpResponse]


def index_user_required(view: View) -> View:
    """Every index page: signed in with two factors, vetted, trained, agreed, and in an index role."""
    return child_data_required(role_required(*INDEX_USER_ROLES)(view))


def index_admin_required(view: View) -> View:
    return child_data_required(role_required(Role.INDEX_ADMIN)(view))


def _parse(raw: Any) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(raw))
    except (ValueError, TypeError):
        return None


def resolve_merged(child: Child) -> Child:
    """The surviving record of a child merged away (followed through every hop)."""
    hops = 0
    while child.merged_into_id is not None and hops < MAX_MERGE_HOPS:
        child = Child.objects.select_related("school", "gp_practice", "local_authority").get(pk=child.merged_into_id)
        hops += 1
    return child


def child_for(*, actor: Actor, child_id: Any) -> Child:
    """The child record ``actor`` may open (the survivor if merged away); 404 otherwise."""
    pk = _parse(child_id)
    child = (
        Child.objects.select_related("school", "gp_practice", "local_authority").filter(pk=pk).first() if pk else None
    )
    if child is None:
        raise Http404("No such record")
    child = resolve_merged(child)
    if not child_visibility(actor, child).record_visible:
        with transaction.atomic():
            audit_record(
                actor=actor,
                action="index.access_denied",
                target=child,
                data={"child_id": str(child.pk), "status": child.status},
            )
        raise Http404("No such record")
    return child


def own_involvement_for(*, actor: Actor, involvement_id: Any) -> Involvement:
    """One of the actor's own current involvements; 404 for anyone else's or a missing one."""
    pk = _parse(involvement_id)
    involvement = (
        Involvement.objects.select_related("child", "organisation", "practitioner")
        .filter(pk=pk, practitioner_id=getattr(actor, "pk", None), ended_on__isnull=True)
        .first()
        if pk
        else None
    )
    if involvement is None or involvement.child.status not in visible_statuses(actor):
        raise Http404("No such involvement")
    return involvement


def api_involvement_for(*, client: Any, involvement_id: Any) -> Involvement:
    """An involvement of the API client's own organisation; 404 otherwise."""
    pk = _parse(involvement_id)
    involvement = (
        Involvement.objects.select_related("child", "organisation", "practitioner")
        .filter(pk=pk, organisation_id=client.organisation_id)
        .first()
        if pk
        else None
    )
    if involvement is None:
        raise Http404("No such involvement")
    return involvement


def with_child(view: View) -> View:
    """Fetch ``child_id`` through :func:`child_for` and pass the child on."""

    @wraps(view)
    def wrapper(request: HttpRequest, child_id: Any, *args: Any, **kwargs: Any) -> HttpResponse:
        return view(request, child_for(actor=request.user, child_id=child_id), *args, **kwargs)

    return wrapper


def broker_request_for(*, actor: Actor, request_id: Any) -> Any:
    """A broker request the actor made, or any one for an index administrator; 404 otherwise."""
    from ecm.index.models import BrokerRequest

    pk = _parse(request_id)
    request = (
        BrokerRequest.objects.select_related("child", "involvement", "requester", "decided_by").filter(pk=pk).first()
        if pk
        else None
    )
    if request is None:
        raise Http404("Page not found")
    is_admin = hasattr(actor, "has_role") and actor.has_role(Role.INDEX_ADMIN)
    if not is_admin and request.requester_id != getattr(actor, "pk", None):
        raise Http404("Page not found")
    return request
