"""Provider self-service: proposed changes wait for the directory team, who approve or return them.

Published changes are written to HSDS ``metadata`` field by field.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from ecm.accounts.access import actor_person
from ecm.audit.services import audit_record
from ecm.core import clock
from ecm.core.actors import Actor
from ecm.directory.choices import ChangeStatus
from ecm.directory.models import Metadata, Organization, Service, ServiceChange
from ecm.directory.services.search_index import search_columns_refresh

# Fields a provider may change, with the HSDS field each is published as.
EDITABLE_FIELDS: dict[str, str] = {
    "name": "name",
    "description": "description",
    "easy_read_summary": "description",
    "url": "url",
    "email": "email",
    "status": "status",
    "eligibility_description": "eligibility_description",
    "application_process": "application_process",
    "fees_description": "fees_description",
    "wait_time": "wait_time",
    "interpretation_services": "interpretation_services",
    "minimum_age_months": "minimum_age",
    "maximum_age_months": "maximum_age",
    "alert": "alert",
}


class ModerationError(ValueError):
    """The change cannot be made as asked (nothing changed, already decided, no reason given)."""


def _as_text(value: Any) -> str:
    return "" if value is None else str(value)


def _notify(actor: Actor, recipients: Any, subject: str, body: str, link: str) -> None:
    from ecm.notifications.services import notification_send

    for person in recipients:
        notification_send(actor=actor, recipient=person, subject=subject, body=body, link=link)


@transaction.atomic
def service_change_propose(*, actor: Actor, service: Service, changes: dict[str, Any], note: str = "") -> ServiceChange:
    """Record a provider's proposed change; only fields that really change are kept."""
    actor = actor_person(actor)
    proposed = {
        name: value
        for name, value in changes.items()
        if name in EDITABLE_FIELDS and _as_text(value) != _as_text(getattr(service, name))
    }
    if not proposed:
        raise ModerationError("You have not changed anything.")
    change = ServiceChange(
        service=service,
        original={name: getattr(service, name) for name in proposed},
        proposed=proposed,
        provider_note=note,
        submitted_by=actor,
    )
    change.stamp(actor, creating=True)
    change.save()
    audit_record(
        actor=actor,
        action="directory.change_proposed",
        target=change,
        data={"service": str(service.id), "fields": sorted(proposed)},
    )
    from ecm.directory.selectors.people import directory_team_users

    _notify(
        actor,
        directory_team_users(),
        f"Change to check: {service.name}",
        f"{service.organization.name} has proposed changes to {len(proposed)} field(s).",
        f"/directory/team/changes/{change.id}/",
    )
    return change


@transaction.atomic
def service_change_approve(*, actor: Actor, change: ServiceChange, note: str = "") -> Service:
    """Publish a pending change: update the service, write HSDS metadata, count it as reviewed."""
    actor = actor_person(actor)
    change = ServiceChange.objects.select_for_update().get(pk=change.pk)
    if change.status != ChangeStatus.PENDING:
        raise ModerationError("This change has already been decided.")
    service = Service.objects.select_for_update().get(pk=change.service_id)
    now = clock.now()
    label = getattr(actor, "username", str(actor))
    for name, value in change.proposed.items():
        previous = getattr(service, name)
        setattr(service, name, value)
        row = Metadata(
            resource_id=service.id,
            resource_type="service",
            last_action_date=now,
            last_action_type="update",
            field_name=EDITABLE_FIELDS[name] if name != "easy_read_summary" else "easy_read_summary",
            previous_value=_as_text(previous),
            replacement_value=_as_text(value),
            updated_by=label,
        )
        row.stamp(actor, creating=True)
        row.save()
    service.last_reviewed_on = clock.today()
    service.full_clean(exclude=["organization"])
    service.stamp(actor)
    service.save()
    search_columns_refresh(service_ids=[service.id])
    change.status = ChangeStatus.APPROVED
    change.reviewed_by = actor
    change.review_note = note
    change.decided_at = now
    change.stamp(actor)
    change.save()
    audit_record(
        actor=actor,
        action="directory.change_approved",
        target=change,
        data={"service": str(service.id), "fields": sorted(change.proposed)},
    )
    _notify(
        actor,
        [change.submitted_by],
        f"Your change to {service.name} is published",
        note or "The directory team approved your change.",
        f"/directory/services/{service.id}/",
    )
    return service


@transaction.atomic
def service_change_return(*, actor: Actor, change: ServiceChange, note: str) -> ServiceChange:
    """Send a pending change back to the provider with the team's reason."""
    actor = actor_person(actor)
    if not note.strip():
        raise ModerationError("Say why you are returning the change, so the provider can put it right.")
    change = ServiceChange.objects.select_for_update().get(pk=change.pk)
    if change.status != ChangeStatus.PENDING:
        raise ModerationError("This change has already been decided.")
    change.status = ChangeStatus.RETURNED
    change.reviewed_by = actor
    change.review_note = note
    change.decided_at = clock.now()
    change.stamp(actor)
    change.save()
    audit_record(actor=actor, action="directory.change_returned", target=change, reason=note)
    _notify(
        actor,
        [change.submitted_by],
        f"Your change to {change.service.name} was returned",
        note,
        f"/directory/provider/services/{change.service_id}/",
    )
    return change


@transaction.atomic
def organization_link_provider(*, actor: Actor, organization: Organization, provider: Any) -> Organization:
    """Let an accounts organisation's staff propose changes to this directory organisation's services."""
    previous = organization.provider_id
    organization.provider = provider
    organization.stamp(actor)
    organization.save(update_fields=["provider", "modified_at", "modified_by", "modified_by_label"])
    audit_record(
        actor=actor,
        action="directory.provider_linked",
        target=organization,
        data={"previous": str(previous or ""), "provider": str(getattr(provider, "pk", "") or "")},
    )
    return organization
