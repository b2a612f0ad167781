"""TAC, lead professional (with the index flags), plan, reviews and reminders, closure, step-up, transfer."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.management import call_command

from ecm.accounts.tests.factories import LocalAuthorityFactory, OrganisationFactory, UserFactory
from ecm.audit.models import AuditEvent
from ecm.caf import services
from ecm.caf.choices import CafStatus, ClosureReason, MemberKind, Outcome, Progress
from ecm.caf.selectors import overdue_for_manager, overdue_for_practitioner
from ecm.caf.services import CafError
from ecm.caf.tests.factories import complete_caf
from ecm.core import clock
from ecm.index.choices import CafStatus as IndexCafStatus
from ecm.index.models import Involvement
from ecm.index.tests.factories import ChildFactory
from ecm.notifications.models import Notification
from ecm.sharing.tests.test_sharing import _decide

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(django_capture_on_commit_callbacks):
    author, child = UserFactory(), ChildFactory()
    nurse = UserFactory(first_name="Nia", last_name="Nurse")
    excluded = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        assessment = complete_caf(
            author, child, allowed=[nurse.organisation], excluded_organisations=[excluded.organisation]
        )
        member = services.team_member_add(actor=author, assessment=assessment, kind=MemberKind.PRACTITIONER, user=nurse)
    return {"author": author, "child": child, "nurse": nurse, "member": member, "a": assessment, "excluded": excluded}


def test_added_to_tac_is_notified_and_excluded_agency_is_refused(team) -> None:
    assert Notification.objects.filter(recipient=team["nurse"], subject__contains="Team Around the Child").exists()
    assert any(team["nurse"].email in m.to for m in mail.outbox)
    with pytest.raises(CafError, match="not covered"):
        services.team_member_add(
            actor=team["author"], assessment=team["a"], kind=MemberKind.PRACTITIONER, user=team["excluded"]
        )
    services.team_member_add(actor=team["author"], assessment=team["a"], kind=MemberKind.PARENT, name="Mum")


def test_lead_professional_appointed_at_a_meeting_with_history_and_index_flags(
    team, django_capture_on_commit_callbacks
) -> None:
    a, author, nurse = team["a"], team["author"], team["nurse"]
    author_member = a.members.get(user=author)
    with django_capture_on_commit_callbacks(execute=True):
        meeting = services.meeting_record(
            actor=author,
            assessment=a,
            held_on=clock.today(),
            invitees=[author_member, team["member"]],
            attendees=[author_member, team["member"]],
            notes="First TAC: agreed the plan",
        )
        services.lead_professional_appoint(
            actor=author, assessment=a, member=author_member, meeting=meeting, reason="Sees the child daily"
        )
    assert Involvement.objects.get(child=team["child"], practitioner=author).is_lead_professional
    assert Notification.objects.filter(recipient=nurse, subject__contains="TAC meeting").exists()

    with pytest.raises(CafError, match="handover"):
        services.lead_professional_appoint(
            actor=author, assessment=a, member=team["member"], meeting=meeting, reason="Health needs"
        )
    with django_capture_on_commit_callbacks(execute=True):
        services.lead_professional_appoint(
            actor=author,
            assessment=a,
            member=team["member"],
            meeting=meeting,
            reason="Health needs now predominate",
            handover_note="Family prefer mornings",
        )
    assert not Involvement.objects.get(child=team["child"], practitioner=author).is_lead_professional
    assert Involvement.objects.get(child=team["child"], practitioner=nurse).is_lead_professional
    history = list(a.leads.order_by("started_on", "created_at"))
    assert [h.member.user for h in history] == [author, nurse]
    assert history[0].ended_on and history[0].handover_note == "Family prefer mornings"
    assert Notification.objects.filter(recipient=author, subject__contains="now the lead professional").count() == 0
    assert Notification.objects.filter(recipient=nurse, subject__contains="now the lead professional").exists()


def test_actions_are_assigned_and_rated(team, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        action = services.action_add(
            actor=team["author"],
            assessment=team["a"],
            what="Health check",
            responsible=team["member"],
            due_on=clock.today() + dt.timedelta(days=14),
            outcome_wanted="Headaches explained",
            outcome=Outcome.BE_HEALTHY,
        )
    assert Notification.objects.filter(recipient=team["nurse"], subject__contains="An action for you").exists()
    services.action_progress_set(actor=team["nurse"], action=action, progress=Progress.GOOD_PROGRESS, comments="Seen")
    assert action.progress == Progress.GOOD_PROGRESS


def test_reviews_fall_due_every_six_weeks_and_overdue_lists_follow_the_clock(
    team, django_capture_on_commit_callbacks
) -> None:
    a, author = team["a"], team["author"]
    manager = UserFactory()
    author.manager = manager
    author.save()
    assert overdue_for_practitioner(author) == []
    clock.freeze(clock.now() + dt.timedelta(weeks=6, days=1))
    assert overdue_for_practitioner(author) == [a]
    assert overdue_for_manager(manager) == [a]
    assert overdue_for_manager(UserFactory()) == []
    review = services.review_record(
        actor=author, assessment=a, held_on=clock.today(), present="Mum, nurse", progress_notes="Attendance up"
    )
    assert review.next_review_on == clock.today() + dt.timedelta(weeks=6)
    assert overdue_for_practitioner(author) == []
    services.review_interval_set(actor=author, assessment=a, weeks=4)
    assert a.next_review_on == review.held_on + dt.timedelta(weeks=4)
    with pytest.raises(CafError, match="4 to 12"):
        services.review_interval_set(actor=author, assessment=a, weeks=13)


def test_daily_reminders_tell_of_due_and_overdue_reviews_once(team, django_capture_on_commit_callbacks) -> None:
    author = team["author"]
    clock.freeze(clock.now() + dt.timedelta(weeks=5, days=2))
    with django_capture_on_commit_callbacks(execute=True):
        call_command("caf_reminders")
        call_command("caf_reminders")
    assert Notification.objects.filter(recipient=author, subject__startswith="Review due").count() == 1
    clock.advance(dt.timedelta(days=7))
    with django_capture_on_commit_callbacks(execute=True):
        call_command("caf_reminders")
    assert Notification.objects.filter(recipient=author, subject__startswith="Review overdue").count() == 1
    assert AuditEvent.objects.filter(action="caf.review_overdue_reminded", actor_label="ecaf-reminders").exists()


def test_closure_updates_the_index_and_needs_a_reason(team) -> None:
    a, author = team["a"], team["author"]
    services.lead_professional_appoint(
        actor=author, assessment=a, member=team["member"], meeting=None, reason="Health needs"
    )
    with pytest.raises(CafError, match="social care has accepted"):
        services.assessment_close(actor=author, assessment=a, reason=ClosureReason.STEPPED_UP)
    with pytest.raises(CafError, match="new area has accepted"):
        services.assessment_close(actor=author, assessment=a, reason=ClosureReason.MOVED)
    services.assessment_close(actor=author, assessment=a, reason=ClosureReason.NEEDS_MET, notes="Back on track")
    assert a.status == CafStatus.CLOSED and a.next_review_on is None
    mine = Involvement.objects.get(child=team["child"], practitioner=author)
    assert mine.has_undertaken_caf and mine.caf_status == IndexCafStatus.CLOSED
    assert not Involvement.objects.get(child=team["child"], practitioner=team["nurse"]).is_lead_professional
    with pytest.raises(CafError, match="closed"):
        services.assessment_save_section(actor=author, assessment=a, values={"reason": "x"})


def test_step_up_closes_once_social_care_accepts(team) -> None:
    a, author = team["a"], team["author"]
    services.assessment_step_up(actor=author, assessment=a, referred_on=clock.today(), notes="Referred to front door")
    assert a.is_open
    services.assessment_step_up(
        actor=author, assessment=a, referred_on=clock.today(), accepted_on=clock.today(), notes="Accepted by MASH"
    )
    assert a.status == CafStatus.CLOSED and a.closure_reason == ClosureReason.STEPPED_UP


def test_transfer_to_another_area_with_consent(team) -> None:
    a, author = team["a"], team["author"]
    elsewhere = UserFactory(organisation=OrganisationFactory(local_authority=LocalAuthorityFactory()))
    with pytest.raises(CafError, match="consent to share"):
        services.transfer_request(actor=author, assessment=a, to_user=elsewhere, consent_confirmed=True)
    _decide(author, team["child"], elsewhere.organisation, ground="non_confidential")
    with pytest.raises(CafError, match="Confirm"):
        services.transfer_request(actor=author, assessment=a, to_user=elsewhere, consent_confirmed=False)
    transfer = services.transfer_request(actor=author, assessment=a, to_user=elsewhere, consent_confirmed=True)
    with pytest.raises(CafError, match="named receiver"):
        services.transfer_accept(actor=author, transfer=transfer)
    services.transfer_accept(actor=elsewhere, transfer=transfer)
    assert services.current_lead(a).member.user == elsewhere
    assert Involvement.objects.get(child=team["child"], practitioner=elsewhere).is_lead_professional
    services.assessment_close(actor=author, assessment=a, reason=ClosureReason.MOVED)


def test_consent_withdrawal_notifies_the_team(team, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        services.assessment_consent_withdraw(actor=team["author"], assessment=team["a"], reason="Mum withdrew")
    assert Notification.objects.filter(recipient=team["nurse"], subject__startswith="Consent withdrawn").exists()
    assert AuditEvent.objects.filter(action="consent.withdrawn").exists()


def test_every_step_writes_its_audit_event(team) -> None:
    a, author = team["a"], team["author"]
    services.meeting_record(
        actor=author, assessment=a, held_on=clock.today(), invitees=[], attendees=[team["member"]], notes="TAC"
    )
    services.lead_professional_appoint(actor=author, assessment=a, member=team["member"], meeting=None, reason="r")
    action = services.action_add(
        actor=author,
        assessment=a,
        what="w",
        responsible=team["member"],
        due_on=clock.today(),
        outcome_wanted="o",
        outcome=Outcome.STAY_SAFE,
    )
    services.action_progress_set(actor=author, action=action, progress=Progress.ACHIEVED)
    services.review_interval_set(actor=author, assessment=a, weeks=8)
    services.review_record(actor=author, assessment=a, held_on=clock.today(), present="p", progress_notes="n")
    services.family_copy_set(actor=author, assessment=a, withheld=True, reason="risk")
    services.assessment_close(actor=author, assessment=a, reason=ClosureReason.OTHER, notes="n")
    actions = set(AuditEvent.objects.filter(object_id=str(a.pk)).values_list("action", flat=True))
    assert {
        "caf.started",
        "caf.version_saved",
        "caf.completed",
        "caf.team_member_added",
        "caf.meeting_recorded",
        "caf.lead_professional_appointed",
        "caf.action_added",
        "caf.action_progress_set",
        "caf.review_interval_set",
        "caf.review_recorded",
        "caf.family_copy_set",
        "caf.closed",
    } <= actions


def test_a_member_leaves_the_team_but_not_while_lead(team, django_capture_on_commit_callbacks) -> None:
    a, author, member = team["a"], team["author"], team["member"]
    services.lead_professional_appoint(actor=author, assessment=a, member=member, meeting=None, reason="Health")
    with pytest.raises(CafError, match="new lead professional first"):
        services.team_member_remove(actor=author, member=member, reason="Moving job")
    services.lead_professional_appoint(
        actor=author, assessment=a, member=a.members.get(user=author), meeting=None, reason="r", handover_note="h"
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.team_member_remove(actor=author, member=member, reason="Moving job")
    assert member.removed_on == clock.today()
    assert Notification.objects.filter(recipient=team["nurse"], subject__startswith="You are no longer").exists()
    with pytest.raises(CafError, match="assessor stays"):
        services.team_member_remove(actor=author, member=a.members.get(user=author), reason="x")


def test_a_specialist_assessment_is_linked_and_the_caf_carries_on(team) -> None:
    a, author = team["a"], team["author"]
    with pytest.raises(CafError, match="Enter the outcome"):
        services.specialist_referral_record(
            actor=author,
            assessment=a,
            kind="sen",
            agency="SEN team",
            referred_on=clock.today(),
            outcome_on=clock.today(),
        )
    referral = services.specialist_referral_record(
        actor=author, assessment=a, kind="sen", agency="Leeds SEN team", referred_on=clock.today()
    )
    assert referral.get_kind_display() == "Statutory special educational needs assessment"
    assert a.is_open
    assert AuditEvent.objects.filter(action="caf.specialist_referral_recorded").exists()
