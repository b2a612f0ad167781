"""May this child's information go to that organisation? And the reads of decisions, drafts and the log.

The reads that show child data to a person are audited (:func:`decision_open`,
:func:`disclosure_log_open`); :func:`decisions_for` and :func:`disclosures_for` return
everything for a child, for other apps (the CAF, subject access) that audit their own reads.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Q

from ecm.accounts.access import actor_person
from ecm.audit.services import audit_record
from ecm.consent.choices import Scope
from ecm.consent.models import ConsentRecord
from ecm.consent.selectors import consent_covers
from ecm.core.actors import Actor
from ecm.index.models import Child
from ecm.index.visibility import children_visible
from ecm.sharing.choices import ConsentStatus, DraftStatus, Outcome
from ecm.sharing.models import AdviceRequest, DecisionDraft, Disclosure, SharingAdviser, SharingDecision

_DECISION_RELATED = ("organisation", "countersignature", "countersignature__manager", "consent", "supersedes")


def _child_ids(child: Child) -> list[Any]:
    """The child, and any duplicate records merged into it (their history belongs to this child now)."""
    return [child.pk, *Child.objects.filter(merged_into=child).values_list("pk", flat=True)]


def decision_in_force(child: Child, organisation: Any) -> SharingDecision | None:
    """The decision that stands for this child and organisation: the latest one not corrected and,
    where a countersignature is needed, countersigned. A decision awaiting or refused countersignature
    does not replace an earlier one."""
    if organisation is None:
        return None
    rows = (
        SharingDecision.objects.filter(child=child, organisation=organisation, corrected_by__isnull=True)
        .select_related("countersignature", "consent")
        .order_by("-created_at")
    )
    for decision in rows:
        if decision.in_force:
            return decision
    return None


def decision_to_share_exists(child: Child, organisation: Any) -> bool:
    """Is a decision to share with this organisation in force?

    The latest decision in force counts: a later "do not share" replaces an earlier "share". A decision
    resting on consent lapses when that consent is withdrawn.
    """
    decision = decision_in_force(child, organisation)
    if decision is None or decision.outcome != Outcome.SHARE:
        return False
    if decision.consent_status == ConsentStatus.GIVEN and decision.consent is not None:
        return decision.consent.is_active
    return True


def sharing_allowed(child: Child, organisation: Any) -> bool:
    """Consent covers sharing with the organisation, or a decision to share is in force."""
    return consent_covers(child, organisation, Scope.SHARE) or decision_to_share_exists(child, organisation)


def covering_consent(child: Child, organisation: Any) -> ConsentRecord | None:
    """The newest standing consent that covers sharing with the organisation, if any."""
    if organisation is None or not consent_covers(child, organisation, Scope.SHARE):
        return None
    return (
        ConsentRecord.objects.filter(
            child=child, withdrawn_at__isnull=True, share=True, allowed_organisations=organisation
        )
        .order_by("-given_on", "-created_at")
        .first()
    )


def share_basis(child: Child, organisation: Any) -> dict[str, Any] | None:
    """What allows sharing with the organisation now: ``{"consent": ...}`` or ``{"decision": ...}``; None if nothing."""
    consent = covering_consent(child, organisation)
    if consent is not None:
        return {"consent": consent, "decision": None}
    if decision_to_share_exists(child, organisation):
        return {"consent": None, "decision": decision_in_force(child, organisation)}
    return None


def decisions_for(child: Child) -> list[SharingDecision]:
    """Every decision about the child (and records merged into it), newest first, corrected ones included."""
    return list(
        SharingDecision.objects.filter(child_id__in=_child_ids(child))
        .select_related(*_DECISION_RELATED)
        .order_by("-decided_on", "-created_at")
    )


def disclosures_for(child: Child) -> list[Disclosure]:
    """Every disclosure of the child's information (and of records merged into it), newest first."""
    return list(
        Disclosure.objects.filter(child_id__in=_child_ids(child))
        .select_related("organisation", "decision", "consent")
        .order_by("-disclosed_at")
    )


@transaction.atomic
def disclosure_log_open(*, actor: Actor, child: Child) -> dict[str, Any]:
    """The child's disclosure log and decisions for a page; the showing is audited (no audit, no page)."""
    disclosures = disclosures_for(child)
    decisions = decisions_for(child)
    audit_record(
        actor=actor,
        action="sharing.disclosure_log_viewed",
        target=child,
        data={"child_id": str(child.pk), "disclosures": len(disclosures), "decisions": len(decisions)},
    )
    return {"disclosures": disclosures, "decisions": decisions}


@transaction.atomic
def decision_open(*, actor: Actor, decision: SharingDecision) -> dict[str, Any]:
    """One decision record, with its advice, countersignature and correction chain; the showing is audited."""
    audit_record(
        actor=actor, action="sharing.decision_viewed", target=decision, data={"child_id": str(decision.child_id)}
    )
    corrected_by = getattr(decision, "corrected_by", None) if decision.is_corrected else None
    return {
        "decision": decision,
        "signature": getattr(decision, "countersignature", None),
        "corrected_by": corrected_by,
        "disclosures": list(Disclosure.objects.filter(decision=decision).select_related("organisation")),
    }


def drafts_of(user: Any) -> list[DecisionDraft]:
    """The practitioner's decisions still in progress or waiting for advice."""
    return list(
        DecisionDraft.objects.filter(
            children_visible(user, "child__"),
            practitioner=user,
            status__in=(DraftStatus.IN_PROGRESS, DraftStatus.WAITING_FOR_ADVICE),
        ).select_related("child", "organisation")
    )


def decisions_by(user: Any, *, limit: int = 50) -> list[SharingDecision]:
    """Decisions the user recorded, newest first (the page shows which wait for a countersignature)."""
    return list(
        SharingDecision.objects.filter(children_visible(user, "child__"), created_by=user)
        .select_related("child", *_DECISION_RELATED)
        .order_by("-created_at")[:limit]
    )


def advice_waiting_for(user: Any) -> list[AdviceRequest]:
    """Questions sent to this adviser that have no reply yet."""
    return list(
        AdviceRequest.objects.filter(
            children_visible(user, "draft__child__"), adviser=user, answered_at__isnull=True
        ).select_related("draft__child", "draft__practitioner", "draft__organisation")
    )


def countersignatures_waiting_for(user: Any) -> list[SharingDecision]:
    """Decisions waiting for a countersignature that this manager may give."""
    from ecm.sharing.services.decisions import countersigners_for

    if not user.has_role("manager"):
        return []
    rows = (
        SharingDecision.objects.filter(
            children_visible(user, "child__"),
            needs_countersignature=True,
            countersignature__isnull=True,
            corrected_by__isnull=True,
        )
        .filter(Q(created_by__manager=user) | Q(created_by__organisation_id=user.organisation_id))
        .exclude(created_by=user)
        .select_related("child", "organisation", "created_by")
    )
    waiting = [d for d in rows if any(p.pk == user.pk for p in countersigners_for(d))]
    # Urgent reviews first (oldest due date first), then the others oldest first.
    return sorted(waiting, key=lambda d: (not d.urgent, d.review_due_on or d.decided_on, d.created_at))


def reviews_overdue(user: Any) -> list[SharingDecision]:
    """Urgent decisions (shared at once) whose manager's review, due within one working day, is late."""
    return [d for d in countersignatures_waiting_for(user) if d.review_overdue]


def advisers_listed(*, actor: Actor) -> list[SharingAdviser]:
    """Named advisers the actor administers: everyone for a system administrator, else their organisation's."""
    actor = actor_person(actor)
    rows = SharingAdviser.objects.filter(ended_at__isnull=True).select_related(
        "user", "organisation", "local_authority"
    )
    if not actor.has_role("system_admin"):
        # Their own organisation's only; nobody's for someone with none (organisation_id=None would match NULL).
        rows = rows.filter(organisation_id=actor.organisation_id) if actor.organisation_id else rows.none()
    return list(rows)


def organisation_choices(*, exclude: Any = None) -> list[tuple[str, str]]:
    """Organisations information could go to (the practitioner's own is left out)."""
    from ecm.accounts.models import Organisation

    rows = Organisation.objects.order_by("name")
    if exclude is not None:
        rows = rows.exclude(pk=exclude)
    return [(str(o.pk), o.name) for o in rows]


def organisation_by_id(organisation_id: Any) -> Any:
    from ecm.accounts.models import Organisation

    try:
        return Organisation.objects.filter(pk=organisation_id).first()
    except (ValueError, TypeError, Exception):
        return None


def people_for_adviser_choice(*, actor: Actor) -> list[tuple[str, str]]:
    """Whom the actor may name as an adviser: practitioners and managers of their organisation (of any
    organisation, for a system administrator); advisers answer on practitioners' pages."""
    actor = actor_person(actor)
    from ecm.accounts.models import User

    rows = (
        User.objects.filter(is_active=True, role_assignments__role__in=("practitioner", "manager"))
        .select_related("organisation")
        .distinct()
        .order_by("last_name", "first_name")
    )
    if not actor.has_role("system_admin"):
        # Their own organisation's only; nobody's for someone with none (organisation_id=None would match NULL).
        rows = rows.filter(organisation_id=actor.organisation_id) if actor.organisation_id else rows.none()
    return [
        (str(u.pk), f"{u.get_full_name() or u.username}, {u.organisation.name if u.organisation else ''}") for u in rows
    ]


def user_by_id(user_id: Any) -> Any:
    from ecm.accounts.models import User

    try:
        return User.objects.select_related("organisation").filter(pk=int(user_id)).first()
    except (TypeError, ValueError):
        return None
