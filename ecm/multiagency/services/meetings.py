"""Panel meetings: planning from the schedule, the agenda, attendance, outcomes and actions, and the minutes.

An outcome takes effect when it is recorded (closing a referral ends members' access at once);
the minutes go to members when the administrator finalises the meeting. Notifications name
the panel and the date, never a child.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction

from ecm.accounts.access import actor_person
from ecm.audit.services import audit_record
from ecm.caf import services as caf_services
from ecm.caf.choices import CafStatus, MemberKind
from ecm.caf.models import Assessment
from ecm.core import clock
from ecm.core.actors import Actor
from ecm.multiagency.choices import AgendaSection, MeetingStatus, PanelOutcome, ReferralStatus
from ecm.multiagency.models import AgendaItem, Panel, PanelAction, PanelMeeting, PanelReferral
from ecm.multiagency.services.common import MultiagencyError, is_panel_officer, notify, require
from ecm.sharing.selectors import sharing_allowed

ALLOCATING = (PanelOutcome.CAF, PanelOutcome.LEAD, PanelOutcome.KEY_WORKER)
ROLE_NAMES: dict[str, str] = {PanelOutcome.LEAD: "lead professional", PanelOutcome.KEY_WORKER: "key worker"}


def _officer(actor: Actor, panel: Panel) -> None:
    require(is_panel_officer(actor, panel), "Only the panel's chair or administrator can do this.")


def _planned(meeting: PanelMeeting) -> None:
    require(not meeting.is_finalised, "The minutes of this meeting have been sent: it cannot change.")


def _held(meeting: PanelMeeting) -> None:
    require(meeting.held_on <= clock.today(), "Record this once the meeting has taken place.")


def current_member_ids(panel: Panel) -> set[Any]:
    return set(panel.members.filter(left_on__isnull=True).values_list("user_id", flat=True))


def may_take_on(referral: PanelReferral, user: Any) -> bool:
    """A practitioner who may own an action or be allocated: a current member or the referrer, whose agency
    the family's consent (or a recorded decision) still covers."""
    if user is None:
        return False
    if user.pk != referral.referrer_id and user.pk not in current_member_ids(referral.panel):
        return False
    return user.pk == referral.referrer_id or sharing_allowed(referral.child, user.organisation)


@transaction.atomic
def meeting_plan(*, actor: Actor, panel: Panel, held_on: dt.date) -> PanelMeeting:
    """Plan a meeting (usually on a date from the schedule)."""
    _officer(actor, panel)
    require(not panel.meetings.filter(held_on=held_on).exists(), "The panel already has a meeting on that day.")
    meeting = PanelMeeting(panel=panel, held_on=held_on)
    meeting.stamp(actor, creating=True)
    meeting.save()
    audit_record(actor=actor, action="multiagency.meeting_planned", target=meeting, data={"held_on": str(held_on)})
    return meeting


def _section(referral: PanelReferral, held_on: dt.date) -> str:
    if referral.status == ReferralStatus.REFERRED:
        return AgendaSection.NEW
    if referral.review_on is not None and referral.review_on <= held_on:
        return AgendaSection.REVIEW
    return AgendaSection.SUPPORTED


@transaction.atomic
def agenda_build(*, actor: Actor, meeting: PanelMeeting) -> list[AgendaItem]:
    """Put every open referral on the agenda (new, due for review, or already supported); running it again
    adds only referrals made since."""
    _officer(actor, meeting.panel)
    _planned(meeting)
    listed = set(meeting.items.values_list("referral_id", flat=True))
    open_referrals = meeting.panel.referrals.exclude(status=ReferralStatus.CLOSED).filter(
        referred_on__lte=meeting.held_on
    )
    added = []
    for referral in open_referrals:
        if referral.pk in listed:
            continue
        item = AgendaItem(meeting=meeting, referral=referral, section=_section(referral, meeting.held_on))
        item.stamp(actor, creating=True)
        item.save()
        added.append(item)
    audit_record(
        actor=actor,
        action="multiagency.agenda_built",
        target=meeting,
        data={"added": [str(i.referral_id) for i in added]},
    )
    return added


@transaction.atomic
def agenda_item_remove(*, actor: Actor, item: AgendaItem) -> None:
    """Take a child off an agenda before an outcome is recorded (they go on the next one)."""
    _officer(actor, item.meeting.panel)
    _planned(item.meeting)
    require(not item.outcome, "An outcome is recorded for this child: it stays on the agenda.")
    require(not item.actions.exists(), "Actions are recorded for this child: it stays on the agenda.")
    meeting, referral_id = item.meeting, item.referral_id
    item.delete()
    audit_record(
        actor=actor, action="multiagency.agenda_item_removed", target=meeting, data={"referral": str(referral_id)}
    )


@transaction.atomic
def family_invite(*, actor: Actor, item: AgendaItem, name: str) -> AgendaItem:
    """Record that a parent or carer is invited to the child's part of the meeting."""
    _officer(actor, item.meeting.panel)
    _planned(item.meeting)
    require(bool(name.strip()), "Enter the name of the parent or carer invited.")
    item.family_invited = name.strip()[:200]
    item.stamp(actor)
    item.save()
    audit_record(actor=actor, action="multiagency.family_invited", target=item.meeting, data={"item": str(item.pk)})
    return item


@transaction.atomic
def attendance_record(
    *, actor: Actor, meeting: PanelMeeting, attendees: Iterable[Any], others_present: str = ""
) -> PanelMeeting:
    """Record which members attended, and which parents, carers or guests were present."""
    _officer(actor, meeting.panel)
    _planned(meeting)
    _held(meeting)
    came = list(attendees)
    require(bool(came), "Choose the members who attended.")
    members = current_member_ids(meeting.panel)
    require(all(u.pk in members for u in came), "Choose members of this panel.")
    meeting.attendees.set(came)
    meeting.others_present = others_present.strip()
    meeting.stamp(actor)
    meeting.save()
    audit_record(
        actor=actor,
        action="multiagency.attendance_recorded",
        target=meeting,
        data={"attendees": sorted(u.pk for u in came), "others_present": bool(meeting.others_present)},
    )
    return meeting


def _action(*, actor: Actor, item: AgendaItem, what: str, owner: Any, due_on: dt.date) -> PanelAction:
    action = PanelAction(referral=item.referral, item=item, what=what.strip(), owner=owner, due_on=due_on)
    action.stamp(actor, creating=True)
    action.save()
    notify(
        actor=actor,
        recipients=[owner],
        subject=f"An action for you from the {item.meeting.panel.name}: due {due_on:%-d %B %Y}",
        body=action.what,
        link=f"/multiagency/cases/{item.referral_id}/",
    )
    return action


@transaction.atomic
def panel_action_add(*, actor: Actor, item: AgendaItem, what: str, owner: Any, due_on: dt.date) -> PanelAction:
    """An action agreed for the child: what, whose, by when. The owner is told."""
    _officer(actor, item.meeting.panel)
    _planned(item.meeting)
    require(item.referral.is_open, "This referral is closed.")
    require(bool(what.strip()), "Enter what will be done.")
    require(may_take_on(item.referral, owner), "Choose a member of the panel (or the referrer) to own the action.")
    require(due_on >= item.meeting.held_on, "The action must be due after the meeting.")
    action = _action(actor=actor, item=item, what=what, owner=owner, due_on=due_on)
    audit_record(
        actor=actor,
        action="multiagency.action_added",
        target=item.referral,
        data={"action": str(action.pk), "owner": owner.pk, "due_on": str(due_on)},
    )
    return action


@transaction.atomic
def panel_action_done(*, actor: Actor, action: PanelAction) -> PanelAction:
    """The owner (or a panel officer) marks an action done."""
    actor = actor_person(actor)
    require(
        actor.pk == action.owner_id or is_panel_officer(actor, action.referral.panel),
        "Only the owner or the panel's chair or administrator can mark it done.",
    )
    require(action.done_on is None, "It is already done.")
    action.done_on = clock.today()
    action.stamp(actor)
    action.save()
    audit_record(actor=actor, action="multiagency.action_done", target=action.referral, data={"action": str(action.pk)})
    return action


def open_caf_of(referral: PanelReferral) -> Assessment | None:
    """The child's most recent open CAF, if there is one."""
    return Assessment.objects.filter(child=referral.child).exclude(status=CafStatus.CLOSED).first()


def _appoint_on_caf(*, actor: Actor, item: AgendaItem, user: Any, handover_note: str) -> bool:
    """The panel's choice of lead professional is offered on the child's open CAF, through the eCAF's own
    handover: the CAF's current lead stays until the new one accepts (one lead per child). False when the
    child has no open CAF."""
    assessment = open_caf_of(item.referral)
    if assessment is None:
        return False
    meeting = item.meeting
    try:
        member = assessment.members.filter(user=user, removed_on__isnull=True).first()
        if member is None:
            member = caf_services.team_member_add(
                actor=actor, assessment=assessment, kind=MemberKind.PRACTITIONER, user=user
            )
        current = caf_services.current_lead(assessment)
        if current is not None and current.member_id == member.pk:
            return True
        caf_services.lead_professional_offer(
            actor=actor,
            assessment=assessment,
            member=member,
            meeting=None,
            reason=f"Proposed by the {meeting.panel.name} on {meeting.held_on:%-d %B %Y}: {item.discussion}",
            handover_note=handover_note.strip()
            or f"The {meeting.panel.name} proposed a new lead professional on {meeting.held_on:%-d %B %Y}.",
            source=f"{meeting.panel.name}, {meeting.held_on:%-d %B %Y}",
        )
    except caf_services.CafError as exc:
        raise MultiagencyError(f"CAF {assessment.reference}: {exc}") from exc
    return True


@transaction.atomic
def outcome_record(
    *,
    actor: Actor,
    item: AgendaItem,
    outcome: str,
    discussion: str,
    allocated: Any = None,
    next_review_on: dt.date | None = None,
    handover_note: str = "",
) -> AgendaItem:
    """Record what the panel decided for one child, and make it so.

    Continue, a CAF, a lead professional or a key worker: the referral is supported and reviewed again
    (by default at the next scheduled meeting). A CAF: an action for the named practitioner to undertake
    one. A lead professional: recorded on the referral and, when the child has an open CAF, appointed
    there with the eCAF's handover. Closed: the referral closes and members no longer see the child.
    """
    meeting, referral = item.meeting, item.referral
    _officer(actor, meeting.panel)
    _planned(meeting)
    _held(meeting)
    require(not item.outcome, "An outcome is already recorded for this child at this meeting.")
    require(outcome in PanelOutcome.values, "Choose the outcome for the child.")
    require(bool(discussion.strip()), "Summarise the discussion.")
    require(referral.is_open, "This referral is closed.")
    item.outcome, item.discussion = outcome, discussion.strip()
    if outcome in ALLOCATING:
        require(allocated is not None, "Choose the practitioner.")
        require(may_take_on(referral, allocated), "Choose a member of the panel (or the referrer) covered by consent.")
        item.allocated = allocated
    if outcome == PanelOutcome.CLOSED:
        referral.status, referral.closed_on, referral.closure_note = (
            ReferralStatus.CLOSED,
            clock.today(),
            item.discussion,
        )
        referral.review_on = None
    else:
        after = meeting.held_on + dt.timedelta(days=1)
        review = next_review_on or meeting.panel.meeting_dates(on_or_after=after, count=1)[0]
        require(review > meeting.held_on, "The next review must be after this meeting.")
        item.next_review_on = referral.review_on = review
        referral.status = ReferralStatus.SUPPORTED
    item.stamp(actor)
    item.save()
    if outcome == PanelOutcome.LEAD and not _appoint_on_caf(
        actor=actor, item=item, user=allocated, handover_note=handover_note
    ):
        # No CAF: the panel's lead professional, unless the child already has one elsewhere.
        from ecm.index.selectors import lead_held_elsewhere

        held = lead_held_elsewhere(referral.child, allocated)
        require(
            not held,
            f"{held} is already the child's lead professional. A child has one lead professional at a time: "
            "agree a handover with them first.",
        )
        referral.lead_professional = allocated
    if outcome == PanelOutcome.KEY_WORKER:
        referral.key_worker = allocated
    referral.stamp(actor)
    referral.save()
    if outcome == PanelOutcome.CAF:
        _action(
            actor=actor,
            item=item,
            what="Undertake a CAF with the child and family (asked by the panel)",
            owner=allocated,
            due_on=item.next_review_on or meeting.held_on,
        )
    if outcome in (PanelOutcome.LEAD, PanelOutcome.KEY_WORKER):
        notify(
            actor=actor,
            recipients=[allocated],
            subject=f"The {meeting.panel.name} allocated you as {ROLE_NAMES[outcome]} for a child",
            link=f"/multiagency/cases/{referral.pk}/",
        )
    audit_record(
        actor=actor,
        action="multiagency.outcome_recorded",
        target=referral,
        data={
            "meeting": str(meeting.pk),
            "outcome": outcome,
            "allocated": getattr(allocated, "pk", None),
            "child_id": str(referral.child_id),
        },
    )
    return item


@transaction.atomic
def meeting_finalise(*, actor: Actor, meeting: PanelMeeting) -> PanelMeeting:
    """Close the record of the meeting and send the minutes to every member."""
    _officer(actor, meeting.panel)
    _planned(meeting)
    _held(meeting)
    require(meeting.attendees.exists(), "Record who attended first.")
    waiting = meeting.items.filter(outcome="").count()
    require(waiting == 0, f"Record an outcome for every child on the agenda ({waiting} still to do).")
    meeting.status, meeting.finalised_on = MeetingStatus.FINALISED, clock.today()
    meeting.stamp(actor)
    meeting.save()
    items = meeting.items.count()
    audit_record(actor=actor, action="multiagency.meeting_finalised", target=meeting, data={"items": items})
    members = [m.user for m in meeting.panel.members.filter(left_on__isnull=True).select_related("user")]
    notify(
        actor=actor,
        recipients=members,
        subject=f"Minutes of the {meeting.panel.name} meeting on {meeting.held_on:%-d %B %Y}",
        body=f"{items} child{'ren' if items != 1 else ''} discussed. Read the minutes in ECM.",
        link=f"/multiagency/meetings/{meeting.pk}/minutes/",
    )
    return meeting
