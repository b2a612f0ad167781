"""Recording decisions (immutable), countersigning them, and correcting them by a new record. Atomic, audited."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.urls import reverse

from ecm.accounts.access import actor_person
from ecm.accounts.models import Organisation
from ecm.audit.services import audit_record
from ecm.consent.choices import Scope
from ecm.consent.models import ConsentRecord
from ecm.consent.selectors import consent_covers
from ecm.core import clock
from ecm.core.actors import Actor
from ecm.index.models import Child
from ecm.index.visibility import ARCHIVED_READ_ONLY, child_writable
from ecm.sharing.choices import (
    ConsentStatus,
    DisclosureMode,
    Ground,
    Information,
    Method,
    Outcome,
)
from ecm.sharing.models import Countersignature, SharingDecision
from ecm.sharing.services.common import notify, require
from ecm.sharing.services.disclosures import disclosure_record
from ecm.sharing.workdays import next_working_day

NOT_CONFIDENTIAL_GROUNDS = (Ground.NON_CONFIDENTIAL, Ground.NOT_IDENTIFYING)

# A child is suffering or at risk of significant harm: share without delay, the manager reviews afterwards
# (DOMAIN section 3, "Urgency"; seed 002: LSCB procedures "followed without delay").
URGENT_GROUNDS = (Ground.SIGNIFICANT_HARM, Ground.REASONABLE_CAUSE)

# The fields a correction may change (everything a decision says).
DECISION_FIELDS = (
    "organisation",
    "outcome",
    "ground",
    "duty_or_order",
    "reason",
    "information",
    "what_shared",
    "recipient_person",
    "purpose",
    "method",
    "consent_status",
    "consent_reason",
    "consent",
    "family_told",
    "not_told_reason",
)


def countersigners_for(decision: SharingDecision) -> list[Any]:
    """Who may countersign: the author's manager and anyone with the manager role in the author's organisation."""
    from ecm.accounts.choices import Role
    from ecm.accounts.models import User

    author = decision.created_by
    if author is None or author.organisation_id is None:
        return [author.manager] if author is not None and author.manager is not None else []
    people = list(
        User.objects.filter(
            organisation_id=author.organisation_id, role_assignments__role=Role.MANAGER, is_active=True
        ).exclude(pk=author.pk)
    )
    manager = author.manager
    if manager is not None and manager.pk != author.pk and all(p.pk != manager.pk for p in people):
        people.insert(0, manager)
    return people


def _validate(values: dict[str, Any], child: Child) -> None:
    outcome = values["outcome"]
    require(outcome in Outcome.values, "Choose whether to share.")
    require(bool(values["reason"]), "Enter the reasons for the decision.")
    require(values["information"] in Information.values, "Choose which information the decision is about.")
    if outcome != Outcome.SHARE:
        return
    require(values["method"] in Method.values, "Choose how the information will be shared.")
    require(bool(values["what_shared"]) and bool(values["purpose"]), "Say what is shared and for what purpose.")
    status = values["consent_status"]
    require(status in ConsentStatus.values, "Say whether consent was given, refused or not sought.")
    if status == ConsentStatus.GIVEN:
        consent = values["consent"]
        require(
            consent is not None
            and consent.child_id == child.pk
            and consent.is_active
            and consent_covers(child, values["organisation"], Scope.SHARE),
            f"The consent register has no standing consent to share with {values['organisation'].name}.",
        )
    else:
        require(status != ConsentStatus.NOT_SOUGHT or bool(values["consent_reason"]), "Say why consent was not sought.")
        ground = values["ground"]
        require(ground in Ground.values, "Choose the ground for sharing without consent.")
        require(
            ground != Ground.STATUTORY_DUTY or bool(values["duty_or_order"]), "Name the statutory duty or court order."
        )
        require(
            not values["confidential"] or ground not in NOT_CONFIDENTIAL_GROUNDS,
            "Confidential information needs a statutory duty, a court order or a public-interest ground.",
        )
    require(values["family_told"] or bool(values["not_told_reason"]), "Say why the child and family were not told.")


def _carry_out(*, actor: Actor, decision: SharingDecision) -> None:
    """A decision to share through ECM that comes into force is carried out at once: from this moment the
    agency's practitioners may see the information here, so the disclosure log says so now, as shared by
    the practitioner who decided. Any other method (phone, secure email, a meeting, post) is logged by the
    practitioner when they actually share (:func:`ecm.sharing.services.disclosures.disclosure_share_record`)."""
    if decision.outcome != Outcome.SHARE or decision.method != Method.ECM:
        return
    old = decision.supersedes
    if (
        old is not None
        and old.organisation_id == decision.organisation_id
        and old.outcome == Outcome.SHARE
        and old.method == Method.ECM
        and (old.countersign_status in ("not_needed", "agreed") or (old.urgent and old.countersign_status == "pending"))
    ):
        return  # already shared under the record this one corrects
    disclosure_record(
        actor=actor,
        child=decision.child,
        organisation=decision.organisation,
        information=decision.information,
        method=decision.method,
        mode=DisclosureMode.AUTOMATIC,
        decision=decision,
        description=decision.what_shared,
        reference=decision.source_label,
        recipient_person=decision.recipient_person,
        shared_by=decision.created_by,
    )


@transaction.atomic
def sharing_decision_record(
    *,
    actor: Actor,
    child: Child,
    organisation: Organisation,
    outcome: str = Outcome.SHARE,
    ground: str = "",
    reason: str,
    duty_or_order: str = "",
    what_shared: str = "",
    purpose: str = "",
    family_told: bool = False,
    not_told_reason: str = "",
    information: str = Information.OTHER,
    recipient_person: str = "",
    method: str = Method.ECM,
    consent_status: str = ConsentStatus.REFUSED,
    consent_reason: str = "",
    consent: ConsentRecord | None = None,
    confidential: bool | None = None,
    answers: dict[str, Any] | None = None,
    source_label: str = "",
    supersedes: SharingDecision | None = None,
    correction_reason: str = "",
) -> SharingDecision:
    """Record a decision whether to share, with its answers, ground and reasons. The record never changes.

    Sharing confidential information without consent waits for a manager's countersignature
    (the managers are told); any other decision to share is in force at once and is carried
    out, which writes the disclosure log.
    """
    share = outcome == Outcome.SHARE
    values: dict[str, Any] = {
        "organisation": organisation,
        "outcome": outcome,
        "ground": ground if share and consent_status != ConsentStatus.GIVEN else "",
        "duty_or_order": duty_or_order.strip() if share else "",
        "reason": reason.strip(),
        "information": information,
        "what_shared": what_shared.strip(),
        "recipient_person": recipient_person.strip(),
        "purpose": purpose.strip(),
        "method": method if share else "",
        "consent_status": consent_status if share else "",
        "consent_reason": consent_reason.strip() if share and consent_status == ConsentStatus.NOT_SOUGHT else "",
        "consent": consent if share and consent_status == ConsentStatus.GIVEN else None,
        "family_told": family_told,
        "not_told_reason": "" if family_told else not_told_reason.strip(),
        "confidential": ground not in NOT_CONFIDENTIAL_GROUNDS if confidential is None else confidential,
    }
    require(child_writable(child), ARCHIVED_READ_ONLY)
    _validate(values, child)
    if supersedes is not None:
        require(supersedes.child_id == child.pk, "A correction must be about the same child.")
        require(not supersedes.is_corrected, "This record has already been corrected: correct the latest record.")
        require(bool(correction_reason.strip()), "Say what is being corrected and why.")
    needs_countersignature = share and values["consent_status"] != ConsentStatus.GIVEN and values["confidential"]
    urgent = needs_countersignature and values["ground"] in URGENT_GROUNDS
    today = clock.today()
    decision = SharingDecision(
        child=child,
        answers=answers or {},
        needs_countersignature=needs_countersignature,
        urgent=urgent,
        review_due_on=next_working_day(today) if urgent else None,
        supersedes=supersedes,
        correction_reason=correction_reason.strip(),
        source_label=source_label.strip(),
        decided_on=today,
        **values,
    )
    decision.stamp(actor, creating=True)
    decision.save()
    audit_record(
        actor=actor,
        action="sharing.decision_corrected" if supersedes else "sharing.decision_recorded",
        target=decision,
        # The reasons stay on the decision (purged with the child); the audit carries ids only.
        data={
            "child_id": str(child.pk),
            "organisation_id": str(organisation.pk),
            "outcome": outcome,
            "ground": decision.ground,
            "consent_status": decision.consent_status,
            "needs_countersignature": decision.needs_countersignature,
            "urgent": decision.urgent,
            "supersedes": str(supersedes.pk) if supersedes else None,
        },
    )
    link = reverse("sharing:decision", args=[decision.pk])
    if decision.urgent:
        notify(
            actor=actor,
            recipients=countersigners_for(decision),
            subject="Urgent: a child at risk of significant harm. Review a decision to share, "
            f"by {decision.review_due_on:%-d %B %Y}",
            body=f"{decision.created_by_label} shared confidential information with {organisation.name} "
            "without consent, at once, because a child is at risk of significant harm. Review the decision.",
            link=link,
        )
        _carry_out(actor=actor, decision=decision)
    elif decision.needs_countersignature:
        notify(
            actor=actor,
            recipients=countersigners_for(decision),
            subject="A decision to share without consent needs your countersignature",
            body=f"{decision.created_by_label} decided to share confidential information with "
            f"{organisation.name} without consent.",
            link=link,
        )
    else:
        _carry_out(actor=actor, decision=decision)
    return decision


@transaction.atomic
def sharing_decision_countersign(
    *, actor: Actor, decision: SharingDecision, agreed: bool, comment: str = ""
) -> Countersignature:
    """A manager countersigns (or refuses) a decision to share confidential information without consent.

    The manager is the author's manager or holds the manager role in the author's organisation,
    and is never the author. Once countersigned the decision is in force and carried out.

    For an urgent decision (already in force and shared) this is the manager's review afterwards: it
    agrees, or disagrees with a reason, which stops any further sharing under the decision.
    """
    actor = actor_person(actor)
    require(decision.needs_countersignature, "This decision does not need a countersignature.")
    require(getattr(decision, "countersignature", None) is None, "This decision has already been countersigned.")
    require(not decision.is_corrected, "This record has been corrected: countersign the latest record.")
    require(getattr(actor, "pk", None) != decision.created_by_id, "You cannot countersign your own decision.")
    require(
        any(p.pk == getattr(actor, "pk", None) for p in countersigners_for(decision)),
        "Only the practitioner's manager, or a manager in their organisation, can countersign.",
    )
    require(
        agreed or bool(comment.strip()),
        "Say why you do not agree with the decision."
        if decision.urgent
        else "Say why you do not countersign the decision.",
    )
    signature = Countersignature(
        decision=decision, manager=actor, agreed=agreed, comment=comment.strip(), signed_at=clock.now()
    )
    signature.stamp(actor, creating=True)
    signature.save()
    audit_record(
        actor=actor,
        action="sharing.decision_countersigned" if agreed else "sharing.countersignature_refused",
        target=decision,
        reason=signature.comment,
        data={
            "child_id": str(decision.child_id),
            "agreed": agreed,
            "urgent": decision.urgent,
            "review_late": decision.urgent
            and decision.review_due_on is not None
            and clock.today() > decision.review_due_on,
        },
    )
    if decision.urgent:
        subject = (
            "A manager reviewed your urgent decision to share and agreed"
            if agreed
            else "A manager reviewed your urgent decision to share and did not agree: share nothing more under it"
        )
    else:
        subject = (
            "Your decision to share has been countersigned"
            if agreed
            else "Your decision to share was not countersigned"
        )
    notify(
        actor=actor,
        recipients=[decision.created_by],
        subject=subject,
        body=signature.comment,
        link=reverse("sharing:decision", args=[decision.pk]),
    )
    if agreed and not decision.urgent:
        _carry_out(actor=actor, decision=decision)
    return signature


def sharing_decision_correct(
    *, actor: Actor, decision: SharingDecision, correction_reason: str, **changes: Any
) -> SharingDecision:
    """Correct a record by writing a new one that supersedes it; the old one stays, marked "corrected by"."""
    unknown = set(changes) - set(DECISION_FIELDS)
    require(not unknown, f"These cannot be corrected: {', '.join(sorted(unknown))}.")
    values = {name: getattr(decision, name) for name in DECISION_FIELDS}
    values.update(changes)
    return sharing_decision_record(
        actor=actor,
        child=decision.child,
        answers=decision.answers,
        source_label=decision.source_label,
        confidential=decision.confidential if "ground" not in changes else None,
        supersedes=decision,
        correction_reason=correction_reason,
        **values,
    )
