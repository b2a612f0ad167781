"""Who may see and change a CAF. Forbidden and missing both answer 404; refused attempts are audited.

The author always sees their CAF. Anyone else sees it only while the family's consent to
share names their agency (and does not exclude it) or a decision to share without
consent is recorded (``ecm.sharing.selectors.sharing_allowed``): withdrawing consent
stops all of it at once. The author and the current lead professional change it.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.http import Http404, HttpResponse

from ecm.accounts.access import child_data_required, role_required
from ecm.accounts.choices import Role
from ecm.audit.services import audit_record
from ecm.caf.models import Assessment, CafRequest, Checklist, PlanAction, TeamMember, Transfer
from ecm.consent.models import ConsentRecord
from ecm.core.actors import Actor
from ecm.index.visibility import child_readable
from ecm.sharing.selectors import sharing_allowed

View = Callable[..., HttpResponse]
CAF_ROLES = (Role.PRACTITIONER, Role.MANAGER)


def caf_user_required(view: View) -> View:
    """Every CAF page: the child-data gate and a practitioner or manager role."""
    return child_data_required(role_required(*CAF_ROLES)(view))


def _uuid(raw: Any) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(raw))
    except (ValueError, TypeError):
        return None


def can_view(user: Any, assessment: Assessment) -> bool:
    if getattr(user, "pk", None) is None or not child_readable(user, assessment.child):
        return False  # an archived child's CAF is for data managers only, and they have no CAF role
    if user.pk == assessment.author_id:
        return True
    return sharing_allowed(assessment.child, user.organisation)


def can_edit(user: Any, assessment: Assessment) -> bool:
    if not can_view(user, assessment):
        return False
    if user.pk == assessment.author_id:
        return True
    return assessment.leads.filter(ended_on__isnull=True, member__user=user).exists()


def assessment_for(*, actor: Actor, assessment_id: Any, edit: bool = False) -> Assessment:
    """The CAF the actor may see (or change, with ``edit``); 404 otherwise, and a refusal is audited."""
    pk = _uuid(assessment_id)
    assessment = (
        Assessment.objects.select_related("child", "author", "author_organisation", "consent").filter(pk=pk).first()
        if pk
        else None
    )
    if assessment is None:
        raise Http404("No such CAF")
    allowed = can_edit(actor, assessment) if edit else can_view(actor, assessment)
    if not allowed:
        with transaction.atomic():
            audit_record(
                actor=actor,
                action="caf.access_denied",
                target=assessment,
                data={"child_id": str(assessment.child_id), "edit": edit},
            )
        raise Http404("No such CAF")
    return assessment


def checklist_for(*, actor: Actor, checklist_id: Any) -> Checklist:
    """One of the actor's own checklists."""
    pk = _uuid(checklist_id)
    checklist = (
        Checklist.objects.select_related("child").filter(pk=pk, practitioner_id=getattr(actor, "pk", None)).first()
        if pk
        else None
    )
    if checklist is None or not child_readable(actor, checklist.child):
        raise Http404("No such checklist")
    return checklist


def consent_for(*, actor: Actor, consent_id: Any) -> ConsentRecord:
    """A consent the actor recorded (their own organisation's record of it)."""
    pk = _uuid(consent_id)
    consent = (
        ConsentRecord.objects.select_related("child").filter(pk=pk, practitioner_id=getattr(actor, "pk", None)).first()
        if pk
        else None
    )
    if consent is None or not child_readable(actor, consent.child):
        raise Http404("No such consent")
    return consent


def member_of(assessment: Assessment, member_id: Any) -> TeamMember | None:
    pk = _uuid(member_id)
    return assessment.members.filter(pk=pk, removed_on__isnull=True).first() if pk else None


def action_for(assessment: Assessment, action_id: Any) -> PlanAction:
    pk = _uuid(action_id)
    action = PlanAction.objects.filter(pk=pk, assessment=assessment).first() if pk else None
    if action is None:
        raise Http404("No such action")
    return action


def transfer_for(*, actor: Actor, assessment: Assessment) -> Transfer:
    transfer = assessment.transfers.filter(to_user_id=getattr(actor, "pk", None), accepted_on__isnull=True).first()
    if transfer is None:
        raise Http404("No such transfer")
    return transfer


def request_for(*, actor: Actor, request_id: Any) -> CafRequest:
    """A request for a CAF the actor sent or received."""
    pk = _uuid(request_id)
    request = (
        CafRequest.objects.select_related("requester", "recipient", "checklist__child").filter(pk=pk).first()
        if pk
        else None
    )
    if (
        request is None
        or getattr(actor, "pk", None) not in (request.requester_id, request.recipient_id)
        or not child_readable(actor, request.checklist.child)
    ):
        raise Http404("No such request")
    return request
