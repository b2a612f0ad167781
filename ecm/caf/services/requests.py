"""Asking someone better placed to undertake a CAF: routed from a checklist, accepted or declined."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from ecm.accounts.access import actor_person
from ecm.audit.services import audit_record
from ecm.caf.choices import ChecklistDecision, RequestStatus
from ecm.caf.models import CafRequest, Checklist
from ecm.caf.services.common import notify, require
from ecm.core import clock
from ecm.core.actors import Actor


@transaction.atomic
def caf_request_send(*, actor: Actor, checklist: Checklist, recipient: Any, note: str) -> CafRequest:
    """Route a request for a CAF to a colleague, another service or the CAF co-ordinator."""
    actor = actor_person(actor)
    require(checklist.practitioner_id == actor.pk, "You can send requests only from your own checklist.")
    require(checklist.decision == ChecklistDecision.ASK_OTHER, "The checklist did not decide to ask someone else.")
    require(recipient is not None and recipient.pk != actor.pk, "Choose who you are asking.")
    require(bool(note.strip()), "Say why you are asking and how to contact you.")
    request = CafRequest(checklist=checklist, requester=actor, recipient=recipient, note=note.strip())
    request.stamp(actor, creating=True)
    request.save()
    audit_record(actor=actor, action="caf.request_sent", target=request, data={"recipient": recipient.pk})
    notify(
        actor=actor,
        recipients=[recipient],
        subject=f"{actor.get_full_name() or actor.username} asks you to undertake a CAF",
        body=note.strip(),
        link=f"/caf/requests/{request.pk}/",
    )
    return request


@transaction.atomic
def caf_request_answer(*, actor: Actor, request: CafRequest, accept: bool, answer: str = "") -> CafRequest:
    """The recipient accepts or declines (with a reason); the requester is told."""
    actor = actor_person(actor)
    require(request.recipient_id == actor.pk, "Only the person asked can answer.")
    require(request.status == RequestStatus.ROUTED, "This request has already been answered.")
    require(accept or bool(answer.strip()), "Say why you are declining.")
    request.status = RequestStatus.ACCEPTED if accept else RequestStatus.DECLINED
    request.decided_on = clock.today()
    request.answer = answer.strip()
    request.stamp(actor)
    request.save()
    audit_record(actor=actor, action="caf.request_answered", target=request, data={"status": request.status})
    notify(
        actor=actor,
        recipients=[request.requester],
        subject=f"Your request for a CAF was {request.get_status_display().lower()}",
        body=request.answer,
        link=f"/caf/checklist/{request.checklist_id}/",
    )
    return request
