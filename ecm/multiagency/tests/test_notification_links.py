"""A notification about a team or a panel case links to it only while the page opens for its recipient; the
pages themselves still answer 404 to everyone else (forbidden and missing alike)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from ecm.audit.models import AuditEvent
from ecm.core import clock
from ecm.multiagency import services
from ecm.multiagency.choices import PanelOutcome, ReferralStatus
from ecm.multiagency.tests.factories import panel_world, refer, youth_offending_team
from ecm.notifications.models import Notification

pytestmark = pytest.mark.django_db


def inbox(client: Any) -> str:
    response = client.get(reverse("notifications:list"))
    assert response.status_code == 200
    return response.content.decode()


def linked(page: str, note: Notification) -> bool:
    return f'href="{reverse("notifications:open", args=[note.pk])}"' in page


@pytest.fixture
def yot():
    return youth_offending_team("Leeds North Youth Offending Team")


def test_the_manager_told_of_a_secondment_sees_the_message_without_a_link_to_the_team(
    yot, user_client, django_capture_on_commit_callbacks
) -> None:
    nurse, manager = yot["nurse"], yot["home_manager"]
    with django_capture_on_commit_callbacks(execute=True):  # notifications are sent after commit
        services.secondment_start(
            actor=yot["leader"], team=yot["team"], user=nurse, role_in_team="Health worker", starts_on=clock.today()
        )
    team_url = reverse("multiagency:team", args=[yot["team"].pk])
    told = Notification.objects.get(recipient=manager, subject__contains="is seconded to the")

    as_manager = user_client(manager)
    page = inbox(as_manager)
    assert "Nia Nurse is seconded to the Leeds North Youth Offending Team" in page
    assert "They stay employed and supervised by" in page  # the message itself is all there
    assert not linked(page, told) and team_url not in page
    assert "The page this message is about is not open to you." in page
    # Opening it (the e-mail's link) marks it read and shows the list, never the team's 404.
    response = as_manager.get(reverse("notifications:open", args=[told.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("notifications:list")
    told.refresh_from_db()
    assert told.read_at is not None
    # The team page is as closed to the manager as before.
    assert as_manager.get(team_url).status_code == 404

    # The secondee is told the same, and their link opens the team.
    theirs = Notification.objects.get(recipient=nurse, subject__contains="is seconded to the")
    as_nurse = user_client(nurse)
    assert linked(inbox(as_nurse), theirs)
    response = as_nurse.get(reverse("notifications:open", args=[theirs.pk]))
    assert response["Location"] == team_url and as_nurse.get(team_url).status_code == 200


def test_a_secondment_that_starts_later_links_to_the_team_from_its_first_day(
    yot, user_client, django_capture_on_commit_callbacks
) -> None:
    nurse = yot["nurse"]
    with django_capture_on_commit_callbacks(execute=True):
        services.secondment_start(
            actor=yot["leader"],
            team=yot["team"],
            user=nurse,
            role_in_team="Health worker",
            starts_on=clock.today() + dt.timedelta(days=3),
        )
    theirs = Notification.objects.get(recipient=nurse, subject__contains="is seconded to the")
    client = user_client(nurse)
    page = inbox(client)
    assert not linked(page, theirs) and "Mark as read" in page
    clock.advance(dt.timedelta(days=3))
    page = inbox(user_client(nurse))  # signed in again: the session ended while the days passed
    assert linked(page, theirs) and "The page this message is about is not open to you." not in page


def test_an_action_owner_loses_the_link_when_the_case_closes_and_the_referrer_keeps_theirs(
    user_client, django_capture_on_commit_callbacks
) -> None:
    world = panel_world()
    referral = refer(world)
    meeting = services.meeting_plan(actor=world.admin, panel=world.panel, held_on=clock.today())
    services.agenda_build(actor=world.admin, meeting=meeting)
    item = meeting.items.get()
    with django_capture_on_commit_callbacks(execute=True):
        for owner, what in ((world.member, "Call the family"), (world.referrer, "Ask the school nurse")):
            services.panel_action_add(actor=world.admin, item=item, what=what, owner=owner, due_on=clock.today())
    action_note = Notification.objects.get(recipient=world.member, subject__contains="An action for you")
    case_url = reverse("multiagency:case", args=[referral.pk])
    member = user_client(world.member)
    assert linked(inbox(member), action_note)  # the case is open to a member while it is open

    services.outcome_record(actor=world.admin, item=item, outcome=PanelOutcome.CLOSED, discussion="Needs met")
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.CLOSED
    refused_before = AuditEvent.objects.filter(action="multiagency.access_denied").count()
    page = inbox(member)
    assert "An action for you from the North Inclusion Panel" in page and "Call the family" in page
    assert not linked(page, action_note) and case_url not in page
    # Asking whether the link opens is not an attempt at the case: nothing is audited as refused.
    assert AuditEvent.objects.filter(action="multiagency.access_denied").count() == refused_before
    response = member.get(reverse("notifications:open", args=[action_note.pk]))
    assert response["Location"] == reverse("notifications:list")
    assert member.get(case_url).status_code == 404  # and the case stays closed to them

    # The referrer always sees their own referral: their action's notification still links to it.
    theirs = Notification.objects.get(recipient=world.referrer, subject__contains="An action for you")
    assert theirs.link == case_url
    referrer = user_client(world.referrer)
    assert linked(inbox(referrer), theirs) and referrer.get(case_url).status_code == 200


def test_an_action_owner_who_left_the_panel_no_longer_sees_it_among_their_actions(user_client) -> None:
    """The panels and teams page lists the actions a person owns, each linking to its case. A member who has left
    the panel can no longer open the case (404), so the action leaves their list; the chair still sees it
    on the case."""
    world = panel_world()
    referral = refer(world)
    meeting = services.meeting_plan(actor=world.admin, panel=world.panel, held_on=clock.today())
    services.agenda_build(actor=world.admin, meeting=meeting)
    action = services.panel_action_add(
        actor=world.admin, item=meeting.items.get(), what="Call the family", owner=world.member, due_on=clock.today()
    )
    case_url = reverse("multiagency:case", args=[referral.pk])
    member = user_client(world.member)
    panels_page = reverse("multiagency:home")
    assert "Call the family" in member.get(panels_page).content.decode()

    services.panel_member_remove(actor=world.admin, member=world.panel.members.get(user=world.member))
    page = member.get(panels_page).content.decode()
    assert "Call the family" not in page and case_url not in page
    assert member.get(case_url).status_code == 404
    chair_page = user_client(world.chair).get(case_url)
    assert chair_page.status_code == 200 and action.what in chair_page.content.decode()
