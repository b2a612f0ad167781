"""Closing a CAF, stepping up to children's social care, transfer to another area, and review reminders."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from ecm.accounts.access import actor_person
from ecm.audit.services import audit_record
from ecm.caf.choices import CafStatus, ClosureReason, FamilyRating, MemberKind
from ecm.caf.models import Assessment, Transfer
from ecm.caf.services.common import flag_writer, notify, open_involvement, require, set_lead_flag
from ecm.caf.services.team import current_lead, lead_professional_appoint, outcome_progress_write, team_member_add
from ecm.core import clock
from ecm.core.actors import Actor
from ecm.index import services as index_services
from ecm.index.choices import CafStatus as IndexCafStatus
from ecm.index.visibility import children_writable
from ecm.sharing.choices import DisclosureMode, Information, Method
from ecm.sharing.selectors import share_basis, sharing_allowed
from ecm.sharing.services import disclosure_record

DUE_SOON = dt.timedelta(days=7)


@transaction.atomic
def assessment_close(
    *,
    actor: Actor,
    assessment: Assessment,
    reason: str,
    notes: str = "",
    outcome_progress: dict[str, tuple[str, str]] | None = None,
    family_feedback_rating: str = "",
    family_feedback: str = "",
) -> Assessment:
    """Close the CAF with one of the closure reasons; the index shows it closed and the lead flag goes.

    ``outcome_progress`` maps each outcome the plan addresses to (rating, short note); the family may
    give feedback on the process (a rating and a comment), both optional.
    """
    require(assessment.is_open, "This CAF is already closed.")
    require(reason in ClosureReason.values, "Choose why the CAF is closing.")
    if reason == ClosureReason.STEPPED_UP:
        require(
            assessment.step_up_accepted_on is not None,
            "A CAF closes as stepped up only once children's social care has accepted the referral.",
        )
    if reason == ClosureReason.MOVED:
        require(
            assessment.transfers.filter(accepted_on__isnull=False).exists(),
            "A CAF closes as moved only once the new area has accepted the transfer.",
        )
    require(reason != ClosureReason.OTHER or bool(notes.strip()), "Say why the CAF is closing.")
    require(family_feedback_rating in ("", *FamilyRating.values), "Choose how helpful the family found the process.")
    outcome_progress_write(actor=actor, assessment=assessment, review=None, progress=outcome_progress or {})
    today = clock.today()
    lead = current_lead(assessment)
    if lead is not None:
        lead.ended_on = today
        lead.stamp(actor)
        lead.save()
        set_lead_flag(actor=actor, child=assessment.child, user=lead.member.user, on=False)
    assessment.status = CafStatus.CLOSED
    assessment.closed_on = today
    assessment.closure_reason = reason
    assessment.closure_notes = notes.strip()
    assessment.family_feedback_rating = family_feedback_rating
    assessment.family_feedback = family_feedback.strip()
    assessment.next_review_on = None
    assessment.stamp(actor)
    assessment.save()
    involvement = open_involvement(assessment.child, assessment.author)
    if involvement is not None and involvement.has_undertaken_caf:
        index_services.involvement_set_flags(
            actor=flag_writer(actor, assessment.author), involvement=involvement, caf_status=IndexCafStatus.CLOSED
        )
    audit_record(
        actor=actor,
        action="caf.closed",
        target=assessment,
        reason=notes.strip(),
        data={
            "reason": reason,
            "outcome_progress": {k: v[0] for k, v in (outcome_progress or {}).items()},
            "family_feedback_rating": family_feedback_rating,
        },
    )
    from ecm.caf.selectors import team_users

    notify(
        actor=actor,
        recipients=team_users(assessment),
        subject=f"CAF {assessment.reference} is closed: {ClosureReason(reason).label}",
        link=f"/caf/{assessment.pk}/",
    )
    return assessment


@transaction.atomic
def assessment_step_up(
    *, actor: Actor, assessment: Assessment, referred_on: dt.date, notes: str, accepted_on: dt.date | None = None
) -> Assessment:
    """Record a referral to children's social care and, once accepted, close the CAF as stepped up."""
    require(assessment.is_open, "This CAF is closed.")
    require(referred_on <= clock.today(), "The referral date cannot be in the future.")
    require(accepted_on is None or referred_on <= accepted_on <= clock.today(), "Check the date social care accepted.")
    require(bool(notes.strip()), "Enter what was referred and to whom.")
    assessment.step_up_referred_on = referred_on
    assessment.step_up_accepted_on = accepted_on
    assessment.step_up_notes = notes.strip()
    assessment.stamp(actor)
    assessment.save()
    audit_record(
        actor=actor,
        action="caf.stepped_up",
        target=assessment,
        data={"referred_on": referred_on.isoformat(), "accepted_on": accepted_on.isoformat() if accepted_on else None},
    )
    if accepted_on is not None:
        assessment_close(actor=actor, assessment=assessment, reason=ClosureReason.STEPPED_UP, notes=notes)
    return assessment


@transaction.atomic
def transfer_request(*, actor: Actor, assessment: Assessment, to_user: Any, consent_confirmed: bool) -> Transfer:
    """Offer the CAF to a named co-ordinator or lead professional in another area, with the family's consent."""
    require(assessment.is_open, "This CAF is closed.")
    require(consent_confirmed, "Confirm the family consents to the transfer.")
    area = to_user.organisation.local_authority if to_user.organisation else None
    require(
        area is not None and area.pk != assessment.author_organisation.local_authority_id,
        "Choose someone in another area.",
    )
    require(
        sharing_allowed(assessment.child, to_user.organisation),
        "The family's consent to share does not name their agency: record it before transferring.",
    )
    require(not assessment.transfers.filter(accepted_on__isnull=True).exists(), "A transfer is already waiting.")
    transfer = Transfer(assessment=assessment, to_area=area, to_user=to_user, consent_confirmed=True)
    transfer.stamp(actor, creating=True)
    transfer.save()
    audit_record(actor=actor, action="caf.transfer_requested", target=assessment, data={"to_user": to_user.pk})
    basis = share_basis(assessment.child, to_user.organisation) or {}
    disclosure_record(
        actor=actor,
        child=assessment.child,
        organisation=to_user.organisation,
        information=Information.CAF,
        method=Method.ECM,
        mode=DisclosureMode.AUTOMATIC,
        consent=basis.get("consent"),
        decision=basis.get("decision"),
        reference=assessment.reference,
        recipient_person=to_user.get_full_name(),
        description="The CAF, offered on transfer to another area",
    )
    notify(
        actor=actor,
        recipients=[to_user],
        subject=f"CAF {assessment.reference} is being transferred to you",
        link=f"/caf/{assessment.pk}/",
    )
    return transfer


@transaction.atomic
def transfer_accept(*, actor: Actor, transfer: Transfer) -> Transfer:
    """The receiving practitioner accepts: they join the team and become lead; the old lead hands over."""
    actor = actor_person(actor)
    require(transfer.to_user_id == actor.pk and transfer.accepted_on is None, "Only the named receiver can accept.")
    assessment = transfer.assessment
    transfer.accepted_on = clock.today()
    transfer.stamp(actor)
    transfer.save()
    member = assessment.members.filter(user=actor, removed_on__isnull=True).first() or team_member_add(
        actor=actor, assessment=assessment, kind=MemberKind.PRACTITIONER, user=actor
    )
    lead_professional_appoint(
        actor=actor,
        assessment=assessment,
        member=member,
        meeting=None,
        reason="Transferred to the child's new area",
        handover_note="Handed over on transfer to another area." if current_lead(assessment) else "",
    )
    audit_record(actor=actor, action="caf.transfer_accepted", target=assessment)
    return transfer


@transaction.atomic
def review_reminders_send(*, actor: Actor) -> dict[str, int]:
    """Tell lead professionals (or authors) of reviews due within a week and of overdue reviews, once each."""
    today = clock.today()
    counts = {"due": 0, "overdue": 0}
    open_cafs = Assessment.objects.filter(
        children_writable("child__"), status=CafStatus.COMPLETED, next_review_on__isnull=False
    ).select_related("author")
    for assessment in open_cafs:
        due = assessment.next_review_on
        assert due is not None
        lead = current_lead(assessment)
        holder = lead.member.user if lead else assessment.author
        if due < today and assessment.review_overdue_notified_for != due:
            kind, assessment.review_overdue_notified_for = "overdue", due
        elif today <= due <= today + DUE_SOON and assessment.review_due_notified_for != due:
            kind, assessment.review_due_notified_for = "due", due
        else:
            continue
        assessment.stamp(actor)
        assessment.save()
        counts[kind] += 1
        audit_record(
            actor=actor, action=f"caf.review_{kind}_reminded", target=assessment, data={"due": due.isoformat()}
        )
        notify(
            actor=actor,
            recipients=[holder],
            subject=f"Review {kind} for CAF {assessment.reference}: {due:%-d %B %Y}",
            link=f"/caf/{assessment.pk}/reviews/",
        )
    return counts


@transaction.atomic
def specialist_referral_record(
    *,
    actor: Actor,
    assessment: Assessment,
    kind: str,
    agency: str,
    referred_on: dt.date,
    outcome: str = "",
    outcome_on: dt.date | None = None,
) -> Any:
    """Record a referral to (or link with) a specialist assessment; the CAF carries on alongside it."""
    from ecm.caf.choices import SpecialistKind
    from ecm.caf.models import SpecialistReferral

    require(assessment.is_open, "This CAF is closed.")
    require(kind in SpecialistKind.values, "Choose the specialist assessment.")
    require(bool(agency.strip()), "Enter the agency.")
    require(referred_on <= clock.today(), "The referral date cannot be in the future.")
    require(outcome_on is None or referred_on <= outcome_on <= clock.today(), "Check the date of the outcome.")
    require(outcome_on is None or bool(outcome.strip()), "Enter the outcome.")
    referral = SpecialistReferral(
        assessment=assessment,
        kind=kind,
        agency=agency.strip(),
        referred_on=referred_on,
        outcome=outcome.strip(),
        outcome_on=outcome_on,
    )
    referral.stamp(actor, creating=True)
    referral.save()
    audit_record(
        actor=actor,
        action="caf.specialist_referral_recorded",
        target=assessment,
        data={"kind": kind, "referred_on": referred_on.isoformat()},
    )
    return referral
