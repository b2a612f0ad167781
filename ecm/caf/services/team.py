"""The Team Around the Child, its meetings, the lead professional, the delivery plan and reviews.
Every function is atomic and audited; notifications go after commit."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction

from ecm.audit.services import audit_record
from ecm.caf.choices import CafStatus, LeadOfferStatus, MemberKind, Outcome, OutcomeRating, Progress
from ecm.caf.models import (
    ActionReview,
    Assessment,
    LeadOffer,
    LeadProfessional,
    Meeting,
    OutcomeProgress,
    PlanAction,
    Review,
    TeamMember,
)
from ecm.caf.services.common import notify, require, set_lead_flag
from ecm.core import clock
from ecm.core.actors import Actor
from ecm.sharing.choices import DisclosureMode, Information, Method
from ecm.sharing.selectors import share_basis, sharing_allowed
from ecm.sharing.services import disclosure_record

MIN_REVIEW_WEEKS, MAX_REVIEW_WEEKS = 4, 12


def _open(assessment: Assessment) -> None:
    require(assessment.is_open, "This CAF is closed.")


@transaction.atomic
def team_member_add(*, actor: Actor, assessment: Assessment, kind: str, user: Any = None, name: str = "") -> TeamMember:
    """Add a practitioner (whose agency consent or a recorded decision covers), the child or a parent/carer."""
    _open(assessment)
    require(kind in MemberKind.values, "Choose who is joining the team.")
    organisation = None
    if kind == MemberKind.PRACTITIONER:
        require(user is not None, "Choose the practitioner.")
        require(
            not assessment.members.filter(user=user, removed_on__isnull=True).exists(), "They are already in the team."
        )
        organisation = user.organisation
        require(
            user.pk == assessment.author_id or sharing_allowed(assessment.child, organisation),
            f"{organisation.name if organisation else 'Their agency'} is not covered by the family's consent to "
            "share and no decision to share without consent is recorded.",
        )
        name = user.get_full_name() or user.username
    require(bool(name.strip()), "Enter their name.")
    member = TeamMember(
        assessment=assessment,
        kind=kind,
        user=user,
        organisation=organisation,
        name=name.strip(),
        added_on=clock.today(),
    )
    member.stamp(actor, creating=True)
    member.save()
    audit_record(
        actor=actor,
        action="caf.team_member_added",
        target=assessment,
        data={"member": str(member.pk), "kind": kind, "user": getattr(user, "pk", None)},
    )
    if organisation is not None and organisation.pk != assessment.author_organisation_id:
        basis = share_basis(assessment.child, organisation)
        if basis is not None:  # a practitioner of another agency now sees the CAF: the disclosure log says so
            disclosure_record(
                actor=actor,
                child=assessment.child,
                organisation=organisation,
                information=Information.CAF,
                method=Method.ECM,
                mode=DisclosureMode.AUTOMATIC,
                consent=basis["consent"],
                decision=basis["decision"],
                reference=assessment.reference,
                recipient_person=name,
                description="The CAF, to a member of the Team Around the Child",
            )
    notify(
        actor=actor,
        recipients=[user],
        subject=f"You have been added to the Team Around the Child for CAF {assessment.reference}",
        link=f"/caf/{assessment.pk}/",
    )
    return member


@transaction.atomic
def team_member_remove(*, actor: Actor, member: TeamMember, reason: str) -> TeamMember:
    """Take someone off the team (the lead professional must be replaced first); the history stays."""
    assessment = member.assessment
    _open(assessment)
    require(member.removed_on is None, "They have already left the team.")
    require(bool(reason.strip()), "Say why they are leaving the team.")
    require(member.user_id != assessment.author_id, "The assessor stays in the team.")
    lead = current_lead(assessment)
    require(lead is None or lead.member_id != member.pk, "Appoint a new lead professional first.")
    member.removed_on = clock.today()
    member.stamp(actor)
    member.save()
    audit_record(
        actor=actor,
        action="caf.team_member_removed",
        target=assessment,
        reason=reason.strip(),
        data={"member": str(member.pk), "user": member.user_id},
    )
    notify(
        actor=actor,
        recipients=[member.user],
        subject=f"You are no longer in the Team Around the Child for CAF {assessment.reference}",
        body=reason.strip(),
    )
    return member


@transaction.atomic
def meeting_record(
    *,
    actor: Actor,
    assessment: Assessment,
    held_on: dt.date,
    invitees: Iterable[TeamMember],
    attendees: Iterable[TeamMember],
    notes: str,
) -> Meeting:
    """Record a TAC meeting; its notes go to every member."""
    _open(assessment)
    require(held_on <= clock.today(), "The meeting date cannot be in the future.")
    require(bool(notes.strip()), "Enter the meeting notes.")
    invited, came = list(invitees), list(attendees)
    require(bool(came), "Choose who attended.")
    require(all(m.assessment_id == assessment.pk for m in [*invited, *came]), "Choose members of this team.")
    meeting = Meeting(assessment=assessment, held_on=held_on, notes=notes.strip())
    meeting.stamp(actor, creating=True)
    meeting.save()
    meeting.invitees.set(invited)
    meeting.attendees.set(came)
    audit_record(
        actor=actor,
        action="caf.meeting_recorded",
        target=assessment,
        data={"meeting": str(meeting.pk), "held_on": held_on.isoformat(), "attendees": len(came)},
    )
    from ecm.caf.selectors import team_users

    notify(
        actor=actor,
        recipients=team_users(assessment),
        subject=f"Notes of the TAC meeting on {held_on:%-d %B %Y} (CAF {assessment.reference})",
        body=notes.strip(),
        link=f"/caf/{assessment.pk}/team/",
    )
    return meeting


@transaction.atomic
def meeting_schedule(
    *,
    actor: Actor,
    assessment: Assessment,
    held_on: dt.date,
    starts_at: dt.time | None,
    place: str,
    invitees: Iterable[TeamMember],
) -> Meeting:
    """Plan a TAC meeting ahead and invite the team: each invited practitioner is told at once.

    Family members on the team are invited in person by the lead professional (ECM sends them nothing).
    """
    _open(assessment)
    require(held_on >= clock.today(), "A meeting you plan must be today or later. Record a past meeting instead.")
    require(bool(place.strip()), "Enter where the meeting is.")
    invited = list(invitees)
    require(bool(invited), "Choose who to invite.")
    require(all(m.assessment_id == assessment.pk for m in invited), "Choose members of this team.")
    meeting = Meeting(assessment=assessment, held_on=held_on, starts_at=starts_at, place=place.strip(), is_planned=True)
    meeting.stamp(actor, creating=True)
    meeting.save()
    meeting.invitees.set(invited)
    audit_record(
        actor=actor,
        action="caf.meeting_scheduled",
        target=assessment,
        data={"meeting": str(meeting.pk), "held_on": held_on.isoformat(), "invitees": len(invited)},
    )
    when = f"{held_on:%-d %B %Y}" + (" at " + f"{starts_at:%-I:%M%p}".lower() if starts_at else "")
    notify(
        actor=actor,
        recipients=[m.user for m in invited if m.user_id],
        subject=f"Invitation: TAC meeting on {when} (CAF {assessment.reference})",
        body=f"You are invited to a Team Around the Child meeting on {when}, at {meeting.place}.",
        link=f"/caf/{assessment.pk}/team/",
    )
    return meeting


@transaction.atomic
def meeting_minute(*, actor: Actor, meeting: Meeting, attendees: Iterable[TeamMember], notes: str) -> Meeting:
    """Record what happened at a planned meeting, on its day or after; the notes go to every member."""
    assessment = meeting.assessment
    _open(assessment)
    require(meeting.is_planned, "This meeting is already recorded.")
    require(meeting.held_on <= clock.today(), "Record the meeting on its day or after it.")
    require(bool(notes.strip()), "Enter the meeting notes.")
    came = list(attendees)
    require(bool(came), "Choose who attended.")
    require(all(m.assessment_id == assessment.pk for m in came), "Choose members of this team.")
    meeting.is_planned = False
    meeting.notes = notes.strip()
    meeting.stamp(actor)
    meeting.save()
    meeting.attendees.set(came)
    audit_record(
        actor=actor,
        action="caf.meeting_recorded",
        target=assessment,
        data={"meeting": str(meeting.pk), "held_on": meeting.held_on.isoformat(), "attendees": len(came)},
    )
    from ecm.caf.selectors import team_users

    notify(
        actor=actor,
        recipients=team_users(assessment),
        subject=f"Notes of the TAC meeting on {meeting.held_on:%-d %B %Y} (CAF {assessment.reference})",
        body=meeting.notes,
        link=f"/caf/{assessment.pk}/team/",
    )
    return meeting


def current_lead(assessment: Assessment) -> LeadProfessional | None:
    return (
        assessment.leads.filter(ended_on__isnull=True)
        .select_related("member", "member__user", "supporting_member", "supporting_member__user")
        .first()
    )


def vetting_current(user: Any) -> bool:
    """An enhanced check within its validity: needed to be the lead professional or the family's contact."""
    expires = getattr(user, "vetting_expires_on", None)
    return expires is not None and expires >= clock.today()


def _check_lead(assessment: Assessment, member: TeamMember, supporting_member: TeamMember | None) -> None:
    require(member.assessment_id == assessment.pk and member.removed_on is None, "Choose a member of this team.")
    contact: TeamMember | None = member
    if member.kind == MemberKind.PRACTITIONER:
        require(member.user_id is not None, "Choose a practitioner in the team.")
        require(supporting_member is None, "A supporting practitioner is named only when the family leads.")
    else:
        require(
            supporting_member is not None
            and supporting_member.assessment_id == assessment.pk
            and supporting_member.removed_on is None
            and supporting_member.kind == MemberKind.PRACTITIONER
            and supporting_member.user_id is not None,
            "Name the practitioner in the team who supports the young person, parent or carer as lead.",
        )
        contact = supporting_member
    assert contact is not None
    require(
        vetting_current(contact.user),
        f"{contact.name}'s criminal records check has expired or is not recorded: they cannot be the lead "
        "professional or the family's contact until it is renewed.",
    )


def _check_lead_change(
    assessment: Assessment,
    member: TeamMember,
    supporting_member: TeamMember | None,
    meeting: Meeting | None,
    reason: str,
    handover_note: str,
) -> LeadProfessional | None:
    """What an offer of the lead role and an appointment both check; the current lead (if any)."""
    _open(assessment)
    _check_lead(assessment, member, supporting_member)
    require(meeting is None or meeting.assessment_id == assessment.pk, "Choose a meeting of this team.")
    require(bool(reason.strip()), "Record why they were chosen (needs, the family's wishes, an existing relationship).")
    previous = current_lead(assessment)
    require(
        previous is None
        or previous.member_id != member.pk
        or (previous.supporting_member_id != (supporting_member.pk if supporting_member else None)),
        "They are already the lead professional.",
    )
    require(previous is None or bool(handover_note.strip()), "Write a handover note for the new lead professional.")
    return previous


@transaction.atomic
def lead_professional_appoint(
    *,
    actor: Actor,
    assessment: Assessment,
    member: TeamMember,
    meeting: Meeting | None,
    reason: str,
    handover_note: str = "",
    supporting_member: TeamMember | None = None,
) -> LeadProfessional:
    """Make the lead professional so (after the new lead accepted), ending the previous one with a handover note.

    The index flags follow: set on the new lead's involvement (for a family lead, on the supporting
    practitioner's, saying that the family leads), cleared on the old one's.
    """
    previous = _check_lead_change(assessment, member, supporting_member, meeting, reason, handover_note)
    today = clock.today()
    if previous is not None:
        previous.ended_on = today
        previous.handover_note = handover_note.strip()
        previous.stamp(actor)
        previous.save()
        set_lead_flag(actor=actor, child=assessment.child, user=previous.contact_member.user, on=False)
    lead = LeadProfessional(
        assessment=assessment,
        member=member,
        supporting_member=supporting_member,
        meeting=meeting,
        reason=reason.strip(),
        started_on=today,
    )
    lead.stamp(actor, creating=True)
    lead.save()
    family_lead = f"{member.name} ({member.get_kind_display().lower()})" if lead.family_leads else ""
    set_lead_flag(actor=actor, child=assessment.child, user=lead.contact_member.user, on=True, family_lead=family_lead)
    audit_record(
        actor=actor,
        action="caf.lead_professional_appointed",
        target=assessment,
        reason=reason.strip(),
        data={
            "lead": member.user_id,
            "lead_kind": member.kind,
            "supporting": supporting_member.user_id if supporting_member else None,
            "previous": previous.contact_member.user_id if previous else None,
        },
    )
    from ecm.caf.selectors import team_users

    who = f"{member.name} (supported by {supporting_member.name})" if supporting_member else member.name
    notify(
        actor=actor,
        recipients=team_users(assessment),
        subject=f"{who} is now the lead professional for CAF {assessment.reference}",
        body=handover_note.strip(),
        link=f"/caf/{assessment.pk}/team/",
    )
    return lead


def open_lead_offer(assessment: Assessment) -> LeadOffer | None:
    return (
        assessment.lead_offers.filter(status=LeadOfferStatus.OFFERED)
        .select_related("member", "member__user", "supporting_member", "supporting_member__user")
        .first()
    )


@transaction.atomic
def lead_professional_offer(
    *,
    actor: Actor,
    assessment: Assessment,
    member: TeamMember,
    meeting: Meeting | None,
    reason: str,
    handover_note: str = "",
    supporting_member: TeamMember | None = None,
    source: str = "",
) -> LeadOffer:
    """Offer the lead professional role: the new lead (or the practitioner supporting a family lead) accepts.

    The current lead stays until then. When the person who accepts is the one recording it, it is
    accepted at once. An earlier offer still open is withdrawn.
    """
    _check_lead_change(assessment, member, supporting_member, meeting, reason, handover_note)
    earlier = open_lead_offer(assessment)
    if earlier is not None:
        earlier.status = LeadOfferStatus.WITHDRAWN
        earlier.answered_on = clock.today()
        earlier.answer_note = "Replaced by a later offer"
        earlier.stamp(actor)
        earlier.save()
    offer = LeadOffer(
        assessment=assessment,
        member=member,
        supporting_member=supporting_member,
        meeting=meeting,
        reason=reason.strip(),
        handover_note=handover_note.strip(),
        source=source.strip(),
    )
    offer.stamp(actor, creating=True)
    offer.save()
    audit_record(
        actor=actor,
        action="caf.lead_professional_offered",
        target=assessment,
        reason=offer.reason,
        data={"offer": str(offer.pk), "member": str(member.pk), "source": offer.source},
    )
    acceptor = offer.acceptor_member.user
    if getattr(acceptor, "pk", None) == getattr(actor, "pk", None):
        lead_offer_accept(actor=actor, offer=offer)
        return offer
    notify(
        actor=actor,
        recipients=[acceptor],
        subject=f"You are asked to be the lead professional for CAF {assessment.reference}"
        if member.kind == MemberKind.PRACTITIONER
        else f"You are asked to support {member.name} as lead for CAF {assessment.reference}",
        body=offer.reason,
        link=f"/caf/{assessment.pk}/lead/offer/{offer.pk}/",
    )
    return offer


@transaction.atomic
def lead_offer_accept(*, actor: Actor, offer: LeadOffer) -> LeadProfessional:
    """The new lead (or the supporting practitioner of a family lead) accepts: the handover happens now."""
    require(offer.status == LeadOfferStatus.OFFERED, "This offer is no longer open.")
    require(
        getattr(actor, "pk", None) == offer.acceptor_member.user_id,
        "Only the person asked to take on the role can accept it.",
    )
    lead = lead_professional_appoint(
        actor=actor,
        assessment=offer.assessment,
        member=offer.member,
        meeting=offer.meeting,
        reason=offer.reason,
        handover_note=offer.handover_note,
        supporting_member=offer.supporting_member,
    )
    offer.status = LeadOfferStatus.ACCEPTED
    offer.answered_on = clock.today()
    offer.stamp(actor)
    offer.save()
    audit_record(
        actor=actor, action="caf.lead_professional_accepted", target=offer.assessment, data={"offer": str(offer.pk)}
    )
    return lead


@transaction.atomic
def lead_offer_decline(*, actor: Actor, offer: LeadOffer, note: str) -> LeadOffer:
    """The person asked declines, with a reason; the current lead stays and whoever offered is told."""
    require(offer.status == LeadOfferStatus.OFFERED, "This offer is no longer open.")
    require(
        getattr(actor, "pk", None) == offer.acceptor_member.user_id,
        "Only the person asked to take on the role can decline it.",
    )
    require(bool(note.strip()), "Say why you decline.")
    offer.status = LeadOfferStatus.DECLINED
    offer.answered_on = clock.today()
    offer.answer_note = note.strip()
    offer.stamp(actor)
    offer.save()
    audit_record(
        actor=actor,
        action="caf.lead_professional_declined",
        target=offer.assessment,
        reason=offer.answer_note,
        data={"offer": str(offer.pk)},
    )
    notify(
        actor=actor,
        recipients=[offer.created_by],
        subject=f"The lead professional role for CAF {offer.assessment.reference} was declined",
        body=offer.answer_note,
        link=f"/caf/{offer.assessment_id}/team/",
    )
    return offer


@transaction.atomic
def action_add(
    *,
    actor: Actor,
    assessment: Assessment,
    what: str,
    responsible: TeamMember,
    due_on: dt.date,
    outcome_wanted: str,
    outcome: str,
) -> PlanAction:
    """Add an action to the delivery plan; the practitioner responsible is told."""
    _open(assessment)
    require(bool(what.strip()), "Enter what will be done.")
    require(responsible.assessment_id == assessment.pk and responsible.removed_on is None, "Choose who is responsible.")
    require(bool(outcome_wanted.strip()), "Enter the outcome wanted.")
    require(outcome in Outcome.values, "Choose which of the five outcomes it serves.")
    action = PlanAction(
        assessment=assessment,
        what=what.strip(),
        responsible=responsible,
        due_on=due_on,
        outcome_wanted=outcome_wanted.strip(),
        outcome=outcome,
    )
    action.stamp(actor, creating=True)
    action.save()
    audit_record(
        actor=actor,
        action="caf.action_added",
        target=assessment,
        data={"action": str(action.pk), "responsible": str(responsible.pk), "due_on": due_on.isoformat()},
    )
    notify(
        actor=actor,
        recipients=[responsible.user],
        subject=f"An action for you in CAF {assessment.reference}: {action.what[:80]}",
        body=f"By {due_on:%-d %B %Y}. Outcome wanted: {action.outcome_wanted}",
        link=f"/caf/{assessment.pk}/plan/",
    )
    return action


@transaction.atomic
def action_progress_set(*, actor: Actor, action: PlanAction, progress: str, comments: str = "") -> PlanAction:
    """Rate an action's progress and add comments."""
    _open(action.assessment)
    require(progress in Progress.values, "Choose the progress made.")
    action.progress = progress
    action.comments = comments.strip()
    action.stamp(actor)
    action.save()
    audit_record(
        actor=actor,
        action="caf.action_progress_set",
        target=action.assessment,
        data={"action": str(action.pk), "progress": progress},
    )
    return action


@transaction.atomic
def review_interval_set(*, actor: Actor, assessment: Assessment, weeks: int) -> Assessment:
    """Set how often reviews fall due (4 to 12 weeks; 6 by default)."""
    require(MIN_REVIEW_WEEKS <= weeks <= MAX_REVIEW_WEEKS, "Reviews must be every 4 to 12 weeks.")
    assessment.review_interval_weeks = weeks
    base = assessment.reviews.first()
    start = base.held_on if base else assessment.completed_on
    if start is not None:
        assessment.next_review_on = start + dt.timedelta(weeks=weeks)
    assessment.stamp(actor)
    assessment.save()
    audit_record(actor=actor, action="caf.review_interval_set", target=assessment, data={"weeks": weeks})
    return assessment


@transaction.atomic
def review_record(
    *,
    actor: Actor,
    assessment: Assessment,
    held_on: dt.date,
    present: str,
    progress_notes: str,
    new_needs: str = "",
    child_comments: str = "",
    parent_comments: str = "",
    next_review_on: dt.date | None = None,
    outcome_progress: dict[str, tuple[str, str]] | None = None,
    action_progress: dict[PlanAction, tuple[str, str]] | None = None,
) -> Review:
    """Record a review of the plan and schedule the next one (by default after the review interval).

    ``outcome_progress`` maps each outcome the plan addresses to (rating, short note);
    ``action_progress`` each action of the plan to (progress, what happened), which also
    becomes the action's current progress.
    """
    _open(assessment)
    require(assessment.status == CafStatus.COMPLETED, "Complete the assessment before reviewing the plan.")
    require(held_on <= clock.today(), "The review date cannot be in the future.")
    require(bool(present.strip()), "Enter who was present.")
    per_action = action_progress or {}
    require(bool(progress_notes.strip()) or bool(per_action), "Enter the progress on the actions.")
    for action, (progress, note) in per_action.items():
        require(action.assessment_id == assessment.pk, "Choose actions of this plan.")
        require(progress in Progress.values, f"Choose the progress on: {action.what}")
        require(bool(note.strip()), f"Enter what happened on: {action.what}")
    next_review_on = next_review_on or held_on + dt.timedelta(weeks=assessment.review_interval_weeks)
    require(next_review_on > held_on, "The next review must be after this one.")
    review = Review(
        assessment=assessment,
        held_on=held_on,
        present=present.strip(),
        progress_notes=progress_notes.strip(),
        new_needs=new_needs.strip(),
        child_comments=child_comments.strip(),
        parent_comments=parent_comments.strip(),
        next_review_on=next_review_on,
    )
    review.stamp(actor, creating=True)
    review.save()
    for action, (progress, note) in per_action.items():
        entry = ActionReview(review=review, action=action, progress=progress, note=note.strip())
        entry.stamp(actor, creating=True)
        entry.save()
        action.progress = progress
        action.comments = note.strip()
        action.stamp(actor)
        action.save()
    outcome_progress_write(actor=actor, assessment=assessment, review=review, progress=outcome_progress or {})
    assessment.next_review_on = next_review_on
    assessment.stamp(actor)
    assessment.save()
    audit_record(
        actor=actor,
        action="caf.review_recorded",
        target=assessment,
        data={
            "held_on": held_on.isoformat(),
            "next_review_on": next_review_on.isoformat(),
            "outcome_progress": {k: v[0] for k, v in (outcome_progress or {}).items()},
            "action_progress": {str(a.pk): v[0] for a, v in per_action.items()},
        },
    )
    return review


def plan_outcomes(assessment: Assessment) -> list[str]:
    """The outcomes the delivery plan addresses (those its actions serve), in the statutory order."""
    used = set(assessment.actions.values_list("outcome", flat=True))
    return [code for code in Outcome.values if code in used]


def outcome_progress_write(
    *, actor: Actor, assessment: Assessment, review: Review | None, progress: dict[str, tuple[str, str]]
) -> list[OutcomeProgress]:
    """Write progress on each outcome (at a review, or at closure when ``review`` is None).

    Only outcomes the plan addresses may be rated; the caller's transaction and audit event cover it.
    """
    allowed = plan_outcomes(assessment) if progress else []
    written = []
    for outcome, (rating, note) in progress.items():
        require(
            outcome in allowed,
            f"The plan does not address {Outcome(outcome).label if outcome in Outcome.values else outcome}.",
        )
        require(rating in OutcomeRating.values, f"Choose the progress on {Outcome(outcome).label}.")
        require(len(note.strip()) <= 500, f"Keep the note on {Outcome(outcome).label} to 500 characters.")
        row = OutcomeProgress(
            assessment=assessment,
            review=review,
            at_closure=review is None,
            outcome=outcome,
            rating=rating,
            note=note.strip(),
        )
        row.stamp(actor, creating=True)
        row.save()
        written.append(row)
    return written
