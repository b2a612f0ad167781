"""A lead plans a TAC meeting ahead and records a review action by action, in a real browser with axe."""

from __future__ import annotations

import datetime as dt
import os

import pytest
from playwright.sync_api import expect

from ecm.accounts.choices import Role
from ecm.accounts.tests.factories import TEST_PASSWORD, UserFactory
from ecm.caf import services
from ecm.caf.choices import MemberKind
from ecm.caf.models import Meeting
from ecm.caf.tests.factories import complete_caf
from ecm.core import clock
from ecm.index.tests.factories import ChildFactory
from ecm.notifications.models import Notification

pytestmark = [pytest.mark.browser, pytest.mark.axe_every_page, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("ECM_SCREENSHOTS", "")


def shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def test_plan_a_meeting_and_review_each_action(page, browser_sign_in) -> None:
    author = UserFactory(roles=[Role.PRACTITIONER], first_name="Ada", last_name="Teacher")
    nurse = UserFactory(roles=[Role.PRACTITIONER], first_name="Nia", last_name="Nurse")
    a = complete_caf(author, ChildFactory(given_name="Lily", family_name="Smith"), allowed=[nurse.organisation])
    member = services.team_member_add(actor=author, assessment=a, kind=MemberKind.PRACTITIONER, user=nurse)
    services.action_add(
        actor=author,
        assessment=a,
        what="Health check with the school nurse",
        responsible=member,
        due_on=clock.today() + dt.timedelta(days=10),
        outcome_wanted="Headaches explained",
        outcome="be_healthy",
    )
    browser_sign_in(page, author, TEST_PASSWORD)
    page.goto(f"/caf/{a.pk}/team/")
    page.get_by_role("link", name="Plan a TAC meeting").click()
    day = clock.today() + dt.timedelta(days=5)
    group = page.get_by_role("group", name="Date of the meeting")
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))
    page.get_by_label("Start time").fill("09:30")
    page.get_by_label("Where").fill("Hill Primary School, room 2")
    page.get_by_label("Nia Nurse").check()
    page.get_by_role("button", name="Plan the meeting and send invitations").click()
    expect(page.get_by_text("The meeting is planned")).to_be_visible()
    expect(page.get_by_text("Planned", exact=True)).to_be_visible()
    shot(page, "tac-planned")
    assert Meeting.objects.get(assessment=a).is_planned
    assert Notification.objects.filter(recipient=nurse, subject__startswith="Invitation").exists()

    page.goto(f"/caf/{a.pk}/reviews/add/")
    expect(page.get_by_text("Action 1: Health check with the school nurse")).to_be_visible()
    group = page.get_by_role("group", name="Date of the review")
    today = clock.today()
    group.get_by_label("Day").fill(str(today.day))
    group.get_by_label("Month").fill(str(today.month))
    group.get_by_label("Year").fill(str(today.year))
    page.get_by_label("Who was present").fill("Mum, nurse, teacher")
    page.get_by_role("group", name="Action 1").get_by_label("Good progress").check()
    page.get_by_role("group", name="Action 1").get_by_label("What happened").fill("Appointment booked")
    for radio in page.get_by_role("group", name="Progress on").all():
        radio.get_by_role("radio").first.check()
    shot(page, "review-per-action")
    page.get_by_role("button", name="Save the review").click()
    expect(page.get_by_text("The review is recorded.")).to_be_visible()
    expect(page.get_by_text("Good progress: Appointment booked")).to_be_visible()
