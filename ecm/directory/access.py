"""Who may do what in the directory, and the only way views fetch protected objects.

Forbidden and missing both answer 404. The directory team is anyone holding
``directory_editor`` or ``system_admin``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import Http404, HttpResponse

from ecm.accounts.access import role_required
from ecm.accounts.choices import Role
from ecm.core.actors import Actor
from ecm.directory.choices import ChangeStatus, ReportStatus, ServiceStatus
from ecm.directory.models import Location, Organization, ProblemReport, Service, ServiceChange
from ecm.directory.selectors.places import location_by_id

DIRECTORY_EDITOR = Role.DIRECTORY_EDITOR
DIRECTORY_TEAM_ROLES: tuple[str, ...] = (str(DIRECTORY_EDITOR), str(Role.SYSTEM_ADMIN))

directory_team_required: Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]] = role_required(
    *DIRECTORY_TEAM_ROLES
)


def is_directory_team(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.has_any_role(*DIRECTORY_TEAM_ROLES))


def _get(qs: Any, pk: Any) -> Any:
    try:
        obj = qs.filter(pk=pk).first()
    except (ValueError, TypeError, Exception):  # malformed UUID
        obj = None
    if obj is None:
        raise Http404("Page not found")
    return obj


def published_service(service_id: Any) -> Service:
    """A service anyone may see: every status but defunct."""
    return _get(Service.objects.exclude(status=ServiceStatus.DEFUNCT).select_related("organization"), service_id)


def service_for_provider(*, actor: Actor, service_id: Any) -> Service:
    """A service the actor's organisation provides (or any, for the directory team)."""
    service = _get(Service.objects.select_related("organization__provider"), service_id)
    if is_directory_team(actor):
        return service
    provider_id = service.organization.provider_id
    if provider_id is None or provider_id != getattr(actor, "organisation_id", None):
        raise Http404("Page not found")
    return service


def can_propose_changes(actor: Actor, service: Service) -> bool:
    """Directory team, or staff of the organisation linked to the service's organization."""
    if is_directory_team(actor):
        return True
    provider_id = service.organization.provider_id
    return bool(provider_id and provider_id == getattr(actor, "organisation_id", None))


def change_for_team(*, actor: Actor, change_id: Any, pending_only: bool = False) -> ServiceChange:
    if not is_directory_team(actor):
        raise Http404("Page not found")
    qs = ServiceChange.objects.select_related("service__organization", "submitted_by", "reviewed_by")
    if pending_only:
        qs = qs.filter(status=ChangeStatus.PENDING)
    return _get(qs, change_id)


def change_for_provider(*, actor: Actor, change_id: Any) -> ServiceChange:
    change = _get(ServiceChange.objects.select_related("service__organization"), change_id)
    service_for_provider(actor=actor, service_id=change.service_id)
    return change


def report_for_team(*, actor: Actor, report_id: Any) -> ProblemReport:
    if not is_directory_team(actor):
        raise Http404("Page not found")
    return _get(ProblemReport.objects.filter(status=ReportStatus.OPEN).select_related("service"), report_id)


def organization_for_team(*, actor: Actor, organization_id: Any) -> Organization:
    """A directory organisation the directory team may link to an accounts organisation."""
    if not is_directory_team(actor):
        raise Http404("Page not found")
    return _get(Organization.objects.select_related("provider"), organization_id)


def location_shown(location_id: Any) -> Location:
    """A location page anyone signed in may see (404 for a malformed or unknown id)."""
    location = location_by_id(location_id)
    if location is None:
        raise Http404("Page not found")
    return location
