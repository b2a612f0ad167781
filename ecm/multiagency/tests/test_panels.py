"""Panels: the consent check on referral, the agenda, outcomes, minutes, and a member's access ending with
the referral."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from ecm.accounts.choices import Role
from ecm.accounts.tests.factories import UserFactory
from ecm.audit.models import AuditEvent
from ecm.caf import services as caf_services
from ecm.caf.choices import MemberKind
from ecm.caf.tests.factories import complete_caf
from ecm.consent.services import consent_withdraw
from ecm.core import clock
from ecm.core.actors import SYSTEM_SEED
from ecm.index.tests.factories import ChildFactory
from ecm.multiagency import services
from ecm.multiagency.choices import AgendaSection, MeetingStatus, PanelOutcome, ReferralStatus
from ecm.multiagency.models import PanelAction
from ecm.multiagency.services import MultiagencyError
from ecm.multiagency.tests.factories import consenting_child, panel_world, refer
from ecm.notifications.models import Notification
from ecm.sharing.selectors import disclosures_for
from ecm.sharing.services import sharing_decision_countersign, sharing_decision_record

pytestmark = pytest.mark.django_db


def _meeting_today(world):
    return services.meeting_plan(actor=world.admin, panel=world.panel, held_on=clock.today())


def test_referral_needs_consent_or_a_decision_for_every_agency() -> None:
    world = panel_world()
    school, health, yot = world.agencies
    child = ChildFactory(given_name="Tom")
    from ecm.consent.tests.factories import give_consent

    give_consent(world.referrer, child, allowed_organisations=[school, health])
    with pytest.raises(MultiagencyError, match="Youth Justice Service") as refused:
        refer(world, child)
    assert "Hill Primary School" not in str(refused.value)
    assert not AuditEvent.objects.filter(action="multiagency.referral_made").exists()

    decision = sharing_decision_record(
        actor=world.referrer,
        child=child,
        organisation=yot,
        ground="prevent_harm",
        reason="Risk of exploitation reported by the school",
        what_shared="Name, school and the concern",
        purpose="Panel discussion",
        family_told=True,
    )
    # Confidential information without consent: in force only once a manager countersigns.
    with pytest.raises(MultiagencyError, match="Youth Justice Service"):
        refer(world, child)
    manager = UserFactory(roles=[Role.MANAGER], organisation=world.referrer.organisation)
    sharing_decision_countersign(actor=manager, decision=decision, agreed=True)
    referral = refer(world, child)
    assert referral.status == ReferralStatus.REFERRED
    assert AuditEvent.objects.filter(action="multiagency.referral_made", object_id=str(referral.pk)).exists()
    # Every other agency on the panel now sees the child: each share is in the disclosure log.
    logged = {d.organisation: d for d in disclosures_for(child) if d.reference == str(referral.pk)}
    others = set(world.panel.organisations.exclude(pk=world.referrer.organisation_id))
    assert set(logged) == others and logged[yot].decision == decision


def test_an_excluded_agency_blocks_the_referral() -> None:
    world = panel_world()
    from ecm.consent.tests.factories import give_consent

    child = ChildFactory()
    give_consent(world.referrer, child, allowed_organisations=world.agencies)
    give_consent(world.member, child, allowed_organisations=[], excluded_organisations=[world.agencies[2]])
    with pytest.raises(MultiagencyError, match="does not cover Youth Justice Service"):
        refer(world, child)


def test_a_child_is_referred_once_while_open() -> None:
    world = panel_world()
    refer(world)
    with pytest.raises(MultiagencyError, match="already referred"):
        refer(world)


def test_a_member_loses_sight_of_the_child_when_the_referral_closes(user_client) -> None:
    world = panel_world()
    referral = refer(world)
    url = reverse("multiagency:case", args=[referral.pk])
    member, referrer, stranger = user_client(world.member), user_client(world.referrer), user_client(world.stranger)
    assert member.get(url).status_code == 200
    assert b"Lily Smith" in member.get(reverse("multiagency:panel", args=[world.panel.pk])).content
    assert stranger.get(url).status_code == 404

    meeting = _meeting_today(world)
    services.agenda_build(actor=world.admin, meeting=meeting)
    item = meeting.items.get()
    services.outcome_record(actor=world.admin, item=item, outcome=PanelOutcome.CLOSED, discussion="Needs met at school")
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.CLOSED

    assert member.get(url).status_code == 404
    assert user_client(world.admin).get(url).status_code == 404
    assert b"Lily Smith" not in member.get(reverse("multiagency:panel", args=[world.panel.pk])).content
    assert AuditEvent.objects.filter(action="multiagency.access_denied", actor_id=str(world.member.pk)).exists()
    assert referrer.get(url).status_code == 200  # the referrer keeps their own referral


def test_a_member_loses_sight_when_consent_is_withdrawn(user_client) -> None:
    world = panel_world()
    referral = refer(world)
    url = reverse("multiagency:case", args=[referral.pk])
    assert user_client(world.member).get(url).status_code == 200
    from ecm.consent.models import ConsentRecord

    for consent in ConsentRecord.objects.filter(child=world.child, withdrawn_at__isnull=True):
        consent_withdraw(actor=world.referrer, consent=consent, reason="Family withdrew")
    assert user_client(world.member).get(url).status_code == 404


def test_a_member_who_leaves_the_panel_loses_sight(user_client) -> None:
    world = panel_world()
    referral = refer(world)
    membership = world.panel.members.get(user=world.member)
    services.panel_member_remove(actor=world.chair, member=membership)
    assert user_client(world.member).get(reverse("multiagency:case", args=[referral.pk])).status_code == 404


def test_agenda_sections_new_review_and_supported() -> None:
    world = panel_world()
    clock.advance(dt.timedelta(days=-2))
    first = refer(world)
    second = refer(world, consenting_child(world, given_name="Ben"))
    clock.reset()
    earlier = services.meeting_plan(actor=world.admin, panel=world.panel, held_on=clock.today() - dt.timedelta(days=1))
    services.agenda_build(actor=world.admin, meeting=earlier)
    one, two = earlier.items.order_by("created_at")
    services.outcome_record(
        actor=world.admin,
        item=one,
        outcome=PanelOutcome.CONTINUE,
        discussion="Review today",
        next_review_on=clock.today(),
    )
    services.outcome_record(
        actor=world.admin,
        item=two,
        outcome=PanelOutcome.CONTINUE,
        discussion="Review later",
        next_review_on=clock.today() + dt.timedelta(weeks=8),
    )
    third = refer(world, consenting_child(world, given_name="Cat"))
    meeting = _meeting_today(world)
    added = services.agenda_build(actor=world.admin, meeting=meeting)
    sections = {i.referral_id: i.section for i in added}
    assert sections == {
        first.pk: AgendaSection.REVIEW,
        second.pk: AgendaSection.SUPPORTED,
        third.pk: AgendaSection.NEW,
    }
    assert services.agenda_build(actor=world.admin, meeting=meeting) == []  # idempotent
    with pytest.raises(MultiagencyError):
        services.agenda_build(actor=world.member, meeting=meeting)  # only the chair or administrator


def test_outcomes_actions_caf_request_key_worker_and_lead_on_the_open_caf(django_capture_on_commit_callbacks) -> None:
    world = panel_world()
    assessment = complete_caf(world.referrer, world.child, allowed=world.agencies)
    referral = refer(world)
    meeting = _meeting_today(world)
    services.agenda_build(actor=world.admin, meeting=meeting)
    item = meeting.items.get()
    with django_capture_on_commit_callbacks(execute=True):
        services.panel_action_add(
            actor=world.admin,
            item=item,
            what="Call the family",
            owner=world.member,
            due_on=clock.today() + dt.timedelta(days=7),
        )
    assert Notification.objects.filter(recipient=world.member, subject__contains="An action for you").exists()
    with pytest.raises(MultiagencyError):
        services.panel_action_add(actor=world.admin, item=item, what="x", owner=world.stranger, due_on=clock.today())
    with django_capture_on_commit_callbacks(execute=True):
        services.outcome_record(
            actor=world.admin,
            item=item,
            outcome=PanelOutcome.LEAD,
            discussion="Health needs predominate",
            allocated=world.member,
        )
    referral.refresh_from_db()
    # The child has an open CAF: the panel's choice is offered there; nothing changes until it is accepted.
    assert referral.lead_professional is None and referral.status == ReferralStatus.SUPPORTED
    assert referral.review_on == world.panel.meeting_dates(on_or_after=clock.today() + dt.timedelta(days=1), count=1)[0]
    assert caf_services.current_lead(assessment) is None
    offer = caf_services.open_lead_offer(assessment)
    assert offer is not None and offer.member.user == world.member and "North Inclusion Panel" in offer.source
    assert Notification.objects.filter(recipient=world.member, subject__contains="lead professional").exists()
    caf_services.lead_offer_accept(actor=world.member, offer=offer)
    lead = caf_services.current_lead(assessment)
    assert lead is not None and lead.member.user == world.member
    assert "North Inclusion Panel" in lead.reason
    with pytest.raises(MultiagencyError, match="already recorded"):
        services.outcome_record(actor=world.admin, item=item, outcome=PanelOutcome.CLOSED, discussion="again")

    # Next meeting: a new lead hands over through the eCAF, and a CAF request becomes an action.
    later = services.meeting_plan(actor=world.admin, panel=world.panel, held_on=clock.today() + dt.timedelta(days=1))
    clock.freeze(clock.now() + dt.timedelta(days=1))
    services.agenda_build(actor=world.admin, meeting=later)
    services.outcome_record(
        actor=world.admin,
        item=later.items.get(),
        outcome=PanelOutcome.LEAD,
        discussion="The family asked for Carl",
        allocated=world.chair,
        handover_note="Carl knows the family from school",
    )
    assert caf_services.current_lead(assessment).member.user == world.member  # until Carl accepts
    caf_services.lead_offer_accept(actor=world.chair, offer=caf_services.open_lead_offer(assessment))
    previous = assessment.leads.get(member__user=world.member)
    assert previous.ended_on is not None and previous.handover_note == "Carl knows the family from school"
    assert caf_services.current_lead(assessment).member.user == world.chair


def test_a_caf_request_becomes_an_action_and_a_key_worker_is_recorded() -> None:
    world = panel_world()
    referral = refer(world)
    meeting = _meeting_today(world)
    services.agenda_build(actor=world.admin, meeting=meeting)
    services.outcome_record(
        actor=world.admin,
        item=meeting.items.get(),
        outcome=PanelOutcome.CAF,
        discussion="A CAF is needed",
        allocated=world.referrer,
    )
    action = PanelAction.objects.get(referral=referral)
    assert action.owner == world.referrer and "CAF" in action.what
    later = services.meeting_plan(actor=world.admin, panel=world.panel, held_on=clock.today() + dt.timedelta(days=1))
    clock.freeze(clock.now() + dt.timedelta(days=1))
    services.agenda_build(actor=world.admin, meeting=later)
    services.outcome_record(
        actor=world.admin,
        item=later.items.get(),
        outcome=PanelOutcome.KEY_WORKER,
        discussion="Key worker",
        allocated=world.member,
    )
    referral.refresh_from_db()
    assert referral.key_worker == world.member


def test_finalise_sends_minutes_to_members_without_naming_children(user_client, django_capture_on_commit_callbacks):
    world = panel_world()
    refer(world)
    meeting = _meeting_today(world)
    services.agenda_build(actor=world.admin, meeting=meeting)
    with pytest.raises(MultiagencyError, match="who attended"):
        services.meeting_finalise(actor=world.admin, meeting=meeting)
    services.attendance_record(
        actor=world.admin, meeting=meeting, attendees=[world.admin, world.member], others_present="Jo Smith (mother)"
    )
    with pytest.raises(MultiagencyError, match="1 still to do"):
        services.meeting_finalise(actor=world.admin, meeting=meeting)
    services.outcome_record(actor=world.admin, item=meeting.items.get(), outcome=PanelOutcome.CLOSED, discussion="Done")
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_finalise(actor=world.admin, meeting=meeting)
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.FINALISED
    notes = Notification.objects.filter(subject__startswith="Minutes of the North Inclusion Panel")
    assert {n.recipient for n in notes} == {world.chair, world.member}  # the administrator sent them
    assert all("Lily" not in n.subject + n.body for n in notes)
    minutes = user_client(world.member).get(reverse("multiagency:minutes", args=[meeting.pk]))
    assert minutes.status_code == 200
    assert b"Lily Smith" not in minutes.content  # closed: members no longer see the child
    assert b"A child whose referral has since closed" in minutes.content
    assert (
        b"Lily Smith"
        in user_client(world.referrer).get(reverse("multiagency:case", args=[meeting.items.get().referral_id])).content
    )
    with pytest.raises(MultiagencyError, match="cannot change"):
        services.attendance_record(actor=world.admin, meeting=meeting, attendees=[world.admin])


def test_outcomes_wait_for_the_meeting_day() -> None:
    world = panel_world()
    refer(world)
    meeting = services.meeting_plan(actor=world.admin, panel=world.panel, held_on=clock.today() + dt.timedelta(days=3))
    services.agenda_build(actor=world.admin, meeting=meeting)
    with pytest.raises(MultiagencyError, match="taken place"):
        services.outcome_record(
            actor=world.admin, item=meeting.items.get(), outcome=PanelOutcome.CLOSED, discussion="x"
        )


def test_schedule_gives_dates_every_n_weeks_on_the_weekday() -> None:
    world = panel_world(schedule_starts_on=dt.date(2026, 1, 1), weekday=1, interval_weeks=2)  # Thursday start, Tuesday
    dates = world.panel.meeting_dates(on_or_after=dt.date(2026, 1, 1), count=3)
    assert dates == [dt.date(2026, 1, 6), dt.date(2026, 1, 20), dt.date(2026, 2, 3)]
    assert world.panel.meeting_dates(on_or_after=dt.date(2026, 1, 7), count=1) == [dt.date(2026, 1, 20)]
    assert world.panel.schedule_label == "Every 2 weeks on Tuesday"


def test_panel_rules() -> None:
    world = panel_world()
    with pytest.raises(MultiagencyError, match="not one of the panel's agencies"):
        services.panel_member_add(actor=world.chair, panel=world.panel, user=world.stranger)
    with pytest.raises(MultiagencyError, match="stay members"):
        services.panel_member_remove(actor=world.chair, member=world.panel.members.get(user=world.admin))
    with pytest.raises(MultiagencyError, match="at least two agencies"):
        services.panel_create(
            actor=SYSTEM_SEED,
            name="X",
            local_authority=world.panel.local_authority,
            organisations=[world.agencies[0]],
            chair=world.chair,
            administrator=world.admin,
            weekday=1,
            interval_weeks=4,
            schedule_starts_on=clock.today(),
        )
    for action in ("multiagency.panel_created", "multiagency.panel_member_added"):
        assert AuditEvent.objects.filter(action=action).exists()


def test_caf_team_member_for_a_lead_not_in_the_team() -> None:
    """A lead professional allocated by the panel who is not yet in the TAC joins it first."""
    world = panel_world()
    assessment = complete_caf(world.referrer, world.child, allowed=world.agencies)
    caf_services.team_member_add(actor=world.referrer, assessment=assessment, kind=MemberKind.PARENT, name="Jo Smith")
    refer(world)
    meeting = _meeting_today(world)
    services.agenda_build(actor=world.admin, meeting=meeting)
    services.outcome_record(
        actor=world.admin, item=meeting.items.get(), outcome=PanelOutcome.LEAD, discussion="x", allocated=world.chair
    )
    assert assessment.members.filter(user=world.chair, removed_on__isnull=True).exists()


def test_officer_actions_through_the_pages(user_client) -> None:
    world = panel_world()
    referral = refer(world)
    admin = user_client(world.admin)
    panel_url = reverse("multiagency:panel", args=[world.panel.pk])
    day = world.panel.meeting_dates(on_or_after=clock.today(), count=1)[0]
    assert (
        f'Plan this meeting<span class="govuk-visually-hidden"> on {day:%-d %B %Y}'.encode()
        in admin.get(panel_url).content
    )
    response = admin.post(reverse("multiagency:meeting_plan", args=[world.panel.pk]), {"held_on": day.isoformat()})
    meeting = world.panel.meetings.get(held_on=day)
    assert response.status_code == 302 and response["Location"] == reverse("multiagency:meeting", args=[meeting.pk])
    admin.post(reverse("multiagency:agenda_build", args=[meeting.pk]))
    item = meeting.items.get()
    assert item.referral == referral
    admin.post(reverse("multiagency:item_remove", args=[meeting.pk, item.pk]))
    assert not meeting.items.exists()
    member = world.panel.members.get(user=world.member)
    assert (
        user_client(world.chair)
        .post(reverse("multiagency:member_remove", args=[world.panel.pk, member.pk]))
        .status_code
        == 302
    )
    member.refresh_from_db()
    assert member.left_on == clock.today()
    home = user_client(world.referrer).get(reverse("multiagency:home"))
    assert b"Lily Smith" in home.content  # the referrer's own referrals


def test_the_schedule_can_change(user_client) -> None:
    world = panel_world()
    url = reverse("multiagency:schedule", args=[world.panel.pk])
    response = user_client(world.admin).post(
        url,
        {
            "weekday": "3",
            "interval_weeks": "2",
            "schedule_starts_on_0": "1",
            "schedule_starts_on_1": "1",
            "schedule_starts_on_2": "2026",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    world.panel.refresh_from_db()
    assert world.panel.schedule_label == "Every 2 weeks on Thursday"
    assert AuditEvent.objects.filter(action="multiagency.panel_schedule_set").exists()
    with pytest.raises(MultiagencyError):
        services.panel_schedule_set(
            actor=world.member, panel=world.panel, weekday=1, interval_weeks=4, schedule_starts_on=clock.today()
        )
