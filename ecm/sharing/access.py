"""Who may reach which sharing page and object. Forbidden and missing both answer 404.

- Decisions are started by practitioners and managers who may open the child on the index
  (``ecm.index.access.child_for``) and pass the child-data gate.
- A draft is its practitioner's; a question sent for advice is its adviser's.
- A decision record is seen by its author, the managers who may countersign it, the advisers
  asked about it, and privacy officers and data managers; it is corrected by its author or a
  manager who may countersign it.
- The disclosure log of a child: practitioners and managers who may open the child, privacy
  officers and data managers.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.http import Http404, HttpResponse

from ecm.accounts.access import child_data_required, role_required
from ecm.accounts.choices import Role
from ecm.accounts.models import User
from ecm.audit.services import audit_record
from ecm.core.actors import Actor
from ecm.index.access import child_for
from ecm.index.models import Child
from ecm.index.visibility import child_readable
from ecm.sharing.models import AdviceRequest, DecisionDraft, SharingAdviser, SharingDecision
from ecm.sharing.services.decisions import countersigners_for

View = Callable[..., HttpResponse]
SHARING_ROLES = (Role.PRACTITIONER, Role.MANAGER)
OVERSIGHT_ROLES = (Role.PRIVACY_OFFICER, Role.DATA_MANAGER)


def sharing_user_required(view: View) -> View:
    """Pages of the decision flow: the child-data gate and a practitioner or manager role."""
    return child_data_required(role_required(*SHARING_ROLES)(view))


def log_reader_required(view: View) -> View:
    """The disclosure log and decision records: practitioners, managers, privacy officers, data managers."""
    return child_data_required(role_required(*SHARING_ROLES, *OVERSIGHT_ROLES)(view))


def adviser_admin_required(view: View) -> View:
    """Naming advisers: managers (for their organisation) and system administrators."""
    return role_required(Role.MANAGER, Role.SYSTEM_ADMIN)(view)


def _uuid(raw: Any) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(raw))
    except (ValueError, TypeError):
        return None


def _refuse(actor: Actor, target: Any, child_id: Any, what: str) -> None:
    with transaction.atomic():
        audit_record(actor=actor, action="sharing.access_denied", target=target, data={"child_id": str(child_id)})
    raise Http404(f"No such {what}")


def child_for_sharing(*, actor: Actor, child_id: Any) -> Child:
    """The child the actor may open on the index (404 otherwise, audited by the index)."""
    return child_for(actor=actor, child_id=child_id)


def draft_for(*, actor: Actor, draft_id: Any) -> DecisionDraft:
    """One of the actor's own decisions in progress."""
    pk = _uuid(draft_id)
    draft = (
        DecisionDraft.objects.select_related("child", "organisation", "practitioner", "decision").filter(pk=pk).first()
        if pk
        else None
    )
    if draft is None:
        raise Http404("No such decision")
    if draft.practitioner_id != getattr(actor, "pk", None) or not child_readable(actor, draft.child):
        _refuse(actor, draft, draft.child_id, "decision")
    return draft


def advice_for(*, actor: Actor, advice_id: Any) -> AdviceRequest:
    """A question sent to the actor as adviser."""
    pk = _uuid(advice_id)
    request = (
        AdviceRequest.objects.select_related("draft__child", "draft__organisation", "draft__practitioner", "adviser")
        .filter(pk=pk)
        .first()
        if pk
        else None
    )
    if request is None:
        raise Http404("No such question")
    if request.adviser_id != getattr(actor, "pk", None) or not child_readable(actor, request.draft.child):
        _refuse(actor, request, request.draft.child_id, "question")
    return request


def may_countersign(user: Any, decision: SharingDecision) -> bool:
    return user.has_role(Role.MANAGER) and any(p.pk == user.pk for p in countersigners_for(decision))


def may_correct(user: Any, decision: SharingDecision) -> bool:
    return not decision.is_corrected and (user.pk == decision.created_by_id or may_countersign(user, decision))


def _may_see(user: Any, decision: SharingDecision) -> bool:
    if not child_readable(user, decision.child):
        return False  # an archived child's decisions are for data managers only
    if user.pk == decision.created_by_id or user.has_any_role(*OVERSIGHT_ROLES):
        return True
    if may_countersign(user, decision):
        return True
    draft = getattr(decision, "draft", None) if hasattr(decision, "draft") else None
    return draft is not None and draft.advice.filter(adviser=user).exists()


def decision_for(*, actor: Actor, decision_id: Any) -> SharingDecision:
    """A decision record the actor may see."""
    pk = _uuid(decision_id)
    decision = (
        SharingDecision.objects.select_related(
            "child", "organisation", "created_by", "consent", "supersedes", "countersignature"
        )
        .filter(pk=pk)
        .first()
        if pk
        else None
    )
    if decision is None:
        raise Http404("No such decision")
    if not _may_see(actor, decision):
        _refuse(actor, decision, decision.child_id, "decision")
    return decision


def adviser_for_admin(*, actor: Actor, adviser_id: Any) -> SharingAdviser:
    """A named adviser the actor administers."""
    pk = _uuid(adviser_id)
    adviser = SharingAdviser.objects.filter(pk=pk, ended_at__isnull=True).first() if pk else None
    if adviser is None:
        raise Http404("No such adviser")
    if not isinstance(actor, User) or (
        not actor.has_role(Role.SYSTEM_ADMIN) and adviser.organisation_id != actor.organisation_id
    ):
        raise Http404("No such adviser")
    return adviser
