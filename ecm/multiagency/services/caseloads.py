"""Reallocating a case: a manager moves the lead professional role of a CAF from one of their practitioners
to someone else, through the eCAF's own handover (``lead_professional_offer``: the new lead accepts)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from ecm.accounts.access import actor_person
from ecm.audit.services import audit_record
from ecm.caf import services as caf_services
from ecm.caf.choices import MemberKind
from ecm.caf.models import Assessment, LeadOffer
from ecm.core.actors import Actor
from ecm.multiagency.services.common import MultiagencyError, require


@transaction.atomic
def case_reallocate(
    *, actor: Actor, assessment: Assessment, practitioner: Any, new_lead: Any, reason: str, handover_note: str
) -> LeadOffer:
    """Offer ``new_lead`` the CAF's lead professional role in place of ``practitioner`` (one of the actor's
    staff); the handover happens when they accept, and ``practitioner`` stays the lead until then.

    The new lead joins the Team Around the Child first when they are not in it (their agency must be
    covered by consent or a recorded decision, as the eCAF checks).
    """
    actor = actor_person(actor)
    require(
        practitioner is not None and practitioner.manager_id == actor.pk, "You can only reallocate your staff's cases."
    )
    require(new_lead is not None and new_lead.pk != practitioner.pk, "Choose someone else to take the case.")
    require(bool(reason.strip()), "Say why the case is being reallocated.")
    require(bool(handover_note.strip()), "Write a handover note for the new lead professional.")
    try:
        member = assessment.members.filter(user=new_lead, removed_on__isnull=True).first()
        if member is None:
            member = caf_services.team_member_add(
                actor=actor, assessment=assessment, kind=MemberKind.PRACTITIONER, user=new_lead
            )
        lead = caf_services.lead_professional_offer(
            actor=actor,
            assessment=assessment,
            member=member,
            meeting=None,
            reason=reason,
            handover_note=handover_note,
            source="reallocated by their manager",
        )
    except caf_services.CafError as exc:
        raise MultiagencyError(str(exc)) from exc
    audit_record(
        actor=actor,
        action="multiagency.case_reallocated",
        target=assessment,
        reason=reason.strip(),
        data={"from": practitioner.pk, "to": new_lead.pk, "child_id": str(assessment.child_id)},
    )
    return lead
