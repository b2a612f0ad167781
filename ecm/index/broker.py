"""The broker: index administrators between a user and a shielded record or an unspecified service.

DOMAIN section 2: "A user who meets a shielded record or an unspecified service can ask, with
a reason, for the details or for a message to be passed on. The administrator decides: reveals
the details to that user, or passes the message and tells the user it was passed, or refuses
with a reason. Every step is audited."

Writes (``broker_request_*``) are atomic and audited like ``services.py``; reads of revealed
details are audited like ``selectors.py`` (a shielded record's details as ``index.shield_reveal``,
which always raises a misuse alert (R5); a sensitive service's as
``index.sensitive_details_viewed`` (R7)). Kept in its own module so that it reads as one flow.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction

from ecm.accounts.access import actor_person
from ecm.accounts.choices import Role
from ecm.accounts.models import User
from ecm.audit.services import audit_record
from ecm.core import clock
from ecm.core.actors import Actor
from ecm.index.choices import BrokerAsk, BrokerStatus
from ecm.index.models import BrokerRequest, Child, Involvement


class BrokerError(ValueError):
    """The request cannot be made or decided as asked; the message says why."""


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise BrokerError(message)


def _notify(actor: Actor, recipients: Any, subject: str, body: str, link: str) -> None:
    from ecm.notifications.services import notification_send

    for person in recipients:
        notification_send(actor=actor, recipient=person, subject=subject, body=body, link=link)


def _admins() -> list[User]:
    return list(User.objects.filter(is_active=True, role_assignments__role=Role.INDEX_ADMIN).distinct().order_by("pk"))


def _data(request: BrokerRequest) -> dict[str, Any]:
    return {
        "child_id": str(request.child_id),
        "involvement_id": str(request.involvement_id or ""),
        "ask": request.ask,
        "broker_request_id": str(request.pk),
    }


# Reads ----------------------------------------------------------------------------------------


def hidden_involvements(*, actor: Actor, child: Child) -> list[Involvement]:
    """The child's sensitive involvements this user sees only as "an unspecified service"."""
    from ecm.index.visibility import involvement_unspecified

    return [
        i
        for i in child.involvements.select_related("practitioner", "organisation")
        if involvement_unspecified(actor, i)
    ]


def open_requests() -> list[BrokerRequest]:
    return list(
        BrokerRequest.objects.filter(status=BrokerStatus.OPEN)
        .select_related("child", "requester")
        .order_by("created_at")
    )


def requests_of(user: Any) -> list[BrokerRequest]:
    return list(BrokerRequest.objects.filter(requester=user).select_related("child", "involvement")[:200])


@dataclass(frozen=True)
class RevealedDetails:
    request: BrokerRequest
    record: Any = None  # a revealed ChildRecord (shielded record)
    involvement: Involvement | None = None  # an unspecified service, named


def revealed_details(*, actor: Actor, request: BrokerRequest) -> RevealedDetails:
    """What the administrator revealed to the requester; every showing is audited (and alerts)."""
    from ecm.index.selectors import _assemble

    _require(request.requester_id == getattr(actor, "pk", None), "Only the person who asked sees the details.")
    _require(request.status == BrokerStatus.REVEALED, "The details have not been revealed to you.")
    with transaction.atomic():
        if request.involvement_id is not None:
            involvement = Involvement.objects.select_related("practitioner", "organisation").get(
                pk=request.involvement_id
            )
            audit_record(
                actor=actor,
                action="index.sensitive_details_viewed",
                target=involvement,
                data={
                    **_data(request),
                    "service_category": involvement.service_category,
                    "own_organisation": False,
                },
            )
            return RevealedDetails(request=request, involvement=involvement)
        record = _assemble(actor, request.child, reveal=True)
        audit_record(
            actor=actor,
            action="index.shield_reveal",
            target=request.child,
            reason=request.reason,
            data={**_data(request), "shielded": request.child.is_shielded, "via_broker": True},
        )
        return RevealedDetails(request=request, record=record)


# Writes ---------------------------------------------------------------------------------------


@transaction.atomic
def broker_request_create(
    *, actor: Actor, child: Child, ask: str, reason: str, message: str = "", involvement: Involvement | None = None
) -> BrokerRequest:
    """Ask the index administrators for the details, or to pass a message on. Audited; administrators told."""
    actor = actor_person(actor)
    reason, message = (reason or "").strip(), (message or "").strip()
    _require(ask in BrokerAsk.values, "Choose what you are asking for.")
    _require(len(reason) >= 10, "Say why you need this, in at least 10 characters.")
    _require(ask != BrokerAsk.MESSAGE or bool(message), "Enter the message to pass on.")
    if involvement is None:
        from ecm.index.visibility import child_visibility

        _require(
            child_visibility(actor, child).restricted, "This record is not shielded: you can see its details already."
        )
    else:
        _require(involvement.child_id == child.pk, "That service is not involved with this child.")
        _require(involvement in hidden_involvements(actor=actor, child=child), "You can see this service already.")
    request = BrokerRequest(
        child=child, involvement=involvement, requester=actor, ask=ask, reason=reason, message=message
    )
    request.stamp(actor, creating=True)
    request.save()
    audit_record(actor=actor, action="index.broker_requested", target=request, reason=reason, data=_data(request))
    _notify(
        actor,
        _admins(),
        "A request for the index administrators",
        f"{actor.get_full_name()} asks about a {'service' if involvement else 'shielded record'}.",
        f"/index/broker/{request.pk}/",
    )
    return request


def _decide(*, actor: Actor, request: BrokerRequest, status: str, note: str) -> BrokerRequest:
    _require(isinstance(actor, User) and actor.has_role(Role.INDEX_ADMIN), "Only an index administrator decides.")
    actor = actor_person(actor)
    _require(request.status == BrokerStatus.OPEN, "This request has already been decided.")
    _require(request.requester_id != actor.pk, "Ask another index administrator to decide your own request.")
    request.status = status
    request.decided_by = actor
    request.decided_at = clock.now()
    request.decision_note = note
    request.stamp(actor)
    request.save(
        update_fields=[
            "status",
            "decided_by",
            "decided_at",
            "decision_note",
            "modified_at",
            "modified_by",
            "modified_by_label",
        ]
    )
    return request


@transaction.atomic
def broker_request_reveal(*, actor: Actor, request: BrokerRequest, note: str = "") -> BrokerRequest:
    """Let the requester see the details they asked for (each showing is audited and alerts)."""
    _decide(actor=actor, request=request, status=BrokerStatus.REVEALED, note=(note or "").strip())
    audit_record(
        actor=actor, action="index.broker_revealed", target=request, reason=request.decision_note, data=_data(request)
    )
    _notify(
        actor,
        [request.requester],
        "Your request: details revealed",
        "An index administrator has revealed the details you asked for.",
        f"/index/broker/{request.pk}/",
    )
    return request


@transaction.atomic
def broker_request_pass(*, actor: Actor, request: BrokerRequest, note: str = "") -> BrokerRequest:
    """Pass the requester's message to the practitioner(s) concerned, and tell the requester it was passed."""
    if request.involvement_id is not None:
        recipients = [request.involvement.practitioner] if request.involvement else []
    else:
        recipients = [
            i.practitioner
            for i in request.child.involvements.filter(ended_on__isnull=True).select_related("practitioner")
        ]
    _require(bool(recipients), "Nobody is recorded as working with the child: there is no one to pass it to.")
    _decide(actor=actor, request=request, status=BrokerStatus.PASSED, note=(note or "").strip())
    audit_record(
        actor=actor,
        action="index.broker_message_passed",
        target=request,
        data={**_data(request), "recipients": [p.pk for p in recipients]},
    )
    requester = request.requester
    contact = " ".join(x for x in (requester.get_full_name(), requester.phone, requester.email) if x)
    for person in {p.pk: p for p in recipients}.values():
        _notify(
            actor,
            [person],
            "A message passed on by the index administrators",
            f"From {contact} about a child you work with (index number {request.child.formatted_index_number}): "
            f"{request.message}",
            "",
        )
    _notify(
        actor,
        [requester],
        "Your request: message passed on",
        "An index administrator has passed your message on.",
        f"/index/broker/{request.pk}/",
    )
    return request


@transaction.atomic
def broker_request_refuse(*, actor: Actor, request: BrokerRequest, reason: str) -> BrokerRequest:
    """Refuse, always with a reason the requester sees."""
    reason = (reason or "").strip()
    _require(bool(reason), "Enter the reason for refusing, so the person who asked knows why.")
    _decide(actor=actor, request=request, status=BrokerStatus.REFUSED, note=reason)
    audit_record(actor=actor, action="index.broker_refused", target=request, reason=reason, data=_data(request))
    _notify(actor, [request.requester], "Your request: refused", f"Reason: {reason}", f"/index/broker/{request.pk}/")
    return request
