"""A panel meeting in a real browser, from the referral and the agenda to outcomes and minutes, with axe-core
on every page."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from ecm.accounts.tests.factories import TEST_PASSWORD
from ecm.core import clock
from ecm.index.tests.factories import ChildFactory
from ecm.multiagency import services
from ecm.multiagency.choices import MeetingStatus, ReferralStatus
from ecm.multiagency.models import PanelMeeting, PanelReferral
from ecm.multiagency.tests.factories import panel_world
from ecm.notifications.models import Notification

pytestmark = [pytest.mark.browser, pytest.mark.axe_every_page, pytest.mark.django_db(transaction=True)]


def fill_date(page, legend: str, day: dt.date) -> None:
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def test_a_panel_meeting_from_agenda_to_outcomes(page, browser_sign_in, another_page) -> None:
    world = panel_world()
    no_consent = ChildFactory(given_name="Noah", family_name="Jones")
    meeting = services.meeting_plan(actor=world.admin, panel=world.panel, held_on=clock.today())

    # The referrer: the consent check refuses one child and accepts the other.
    browser_sign_in(page, world.referrer, TEST_PASSWORD)
    page.get_by_role("link", name="Panels and teams").first.click()
    expect(page.get_by_role("heading", name="Panels and teams", exact=True)).to_be_visible()
    page.get_by_role("link", name="All panels").click()
    page.get_by_role("link", name="North Inclusion Panel").click()
    expect(page.get_by_role("heading", name="North Inclusion Panel")).to_be_visible()
    page.get_by_role("button", name="Refer a child").click()
    page.get_by_label("The child's index number").fill(no_consent.index_number)
    page.get_by_label("Why you are referring the child").fill("Missing school, low mood")
    page.get_by_role("button", name="Refer", exact=True).click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    expect(page.get_by_text("does not cover Hill Primary School").first).to_be_visible()
    page.get_by_label("The child's index number").fill(world.child.index_number)
    page.get_by_role("button", name="Refer", exact=True).click()
    expect(page.get_by_text("The child is referred")).to_be_visible()
    expect(page.get_by_role("heading", name="Lily Smith")).to_be_visible()

    # The administrator builds the agenda, records attendance, an action and the outcome, and finalises.
    admin = another_page()
    admin.set_default_timeout(15_000)
    browser_sign_in(admin, world.admin, TEST_PASSWORD)
    admin.goto(f"/multiagency/meetings/{meeting.pk}/")
    admin.get_by_role("button", name="Build the agenda").click()
    expect(admin.get_by_text("1 child added to the agenda.")).to_be_visible()
    expect(admin.get_by_role("heading", name="New referrals")).to_be_visible()
    expect(admin.get_by_role("link", name="Lily Smith", exact=True)).to_be_visible()

    admin.get_by_role("link", name="Invite a parent or carer for Lily Smith").click()
    admin.get_by_label("Name of the parent or carer invited").fill("Jo Smith (mother)")
    admin.get_by_role("button", name="Record the invitation").click()
    expect(admin.get_by_text("Jo Smith (mother)")).to_be_visible()

    admin.get_by_role("link", name="Record who attended").click()
    admin.get_by_role("button", name="Save attendance").click()
    expect(admin.get_by_text("There is a problem")).to_be_visible()
    admin.get_by_label("Ada Admin").check()
    admin.get_by_label("Meg Member").check()
    admin.get_by_label("Parents, carers and guests present").fill("Jo Smith, Lily's mother")
    admin.get_by_role("button", name="Save attendance").click()
    expect(admin.get_by_text("Attendance saved.")).to_be_visible()

    admin.get_by_role("link", name="Add an action for Lily Smith").click()
    admin.get_by_label("What will be done").fill("Home visit with the school nurse")
    admin.get_by_label("Who owns the action").select_option(label="Meg Member, Riverside Health")
    fill_date(admin, "By when", clock.today() + dt.timedelta(days=14))
    admin.get_by_role("button", name="Add the action").click()
    expect(admin.get_by_text("The action is added")).to_be_visible()

    admin.get_by_role("link", name="Record the outcome for Lily Smith").click()
    admin.get_by_label("Summary of the discussion").fill("Attendance support agreed; Meg will be key worker.")
    admin.get_by_label("Allocate a key worker").check()
    admin.get_by_role("button", name="Record the outcome").click()
    expect(admin.get_by_role("link", name="Choose the practitioner")).to_be_visible()  # the allocation is missing
    admin.get_by_label("Allocate a key worker").check()
    admin.get_by_label("Practitioner (for a CAF").select_option(label="Meg Member, Riverside Health")
    admin.get_by_role("button", name="Record the outcome").click()
    expect(admin.get_by_text("The outcome is recorded.")).to_be_visible()

    admin.get_by_role("button", name="Finalise and send the minutes").click()
    expect(admin.get_by_role("heading", name=f"Minutes of the meeting on {clock.today():%-d %B %Y}")).to_be_visible()
    expect(admin.get_by_text("Allocate a key worker: Meg Member")).to_be_visible()
    admin.close()

    assert PanelMeeting.objects.get(pk=meeting.pk).status == MeetingStatus.FINALISED
    referral = PanelReferral.objects.get(child=world.child)
    assert referral.status == ReferralStatus.SUPPORTED and referral.key_worker == world.member
    assert Notification.objects.filter(recipient=world.member, subject__startswith="Minutes of the").exists()
