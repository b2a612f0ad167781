"""A panel chair calls a meeting for today (not a scheduled day) and minutes it on the day; the case shows the
child's lead professional from the CAF. Real browser, axe-core on every page."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from playwright.sync_api import expect

from ecm.accounts.tests.factories import TEST_PASSWORD
from ecm.caf import services as caf_services
from ecm.caf.tests.factories import complete_caf
from ecm.core import clock
from ecm.multiagency import services
from ecm.multiagency.models import PanelMeeting
from ecm.multiagency.tests.factories import panel_world

pytestmark = [pytest.mark.browser, pytest.mark.axe_every_page, pytest.mark.django_db(transaction=True)]


def test_an_urgent_panel_meeting_called_and_minuted_today(page, browser_sign_in) -> None:
    today = clock.today()
    world = panel_world(weekday=(today.weekday() + 2) % 5, schedule_starts_on=today - dt.timedelta(weeks=8))
    caf = complete_caf(world.referrer, world.child, allowed=world.agencies)
    caf_services.lead_professional_offer(
        actor=world.referrer, assessment=caf, member=caf.members.get(user=world.referrer), meeting=None, reason="r"
    )
    services.panel_referral_make(actor=world.referrer, panel=world.panel, child=world.child, reason="Excluded today")

    browser_sign_in(page, world.admin, TEST_PASSWORD)
    page.goto(f"/multiagency/panels/{world.panel.pk}/")
    page.get_by_role("button", name=f"Call a meeting for today, {today:%-d %B %Y}").click()
    expect(page.get_by_text("Today's meeting is called.")).to_be_visible()
    page.get_by_role("button", name="Build the agenda").click()
    page.get_by_role("link", name="Record who attended").click()
    page.get_by_label("Ada Admin").check()
    page.get_by_label("Carl Chair").check()
    page.get_by_role("button", name="Save attendance").click()
    page.get_by_role("link", name="Record the outcome for Lily Smith").click()
    page.get_by_label("Summary of the discussion").fill("Seen today; school place kept open; review next time.")
    page.get_by_label("Continue the support agreed and review again").check()
    page.get_by_role("button", name="Record the outcome").click()
    page.get_by_role("button", name="Finalise and send the minutes").click()
    meeting = PanelMeeting.objects.get(held_on=today)
    assert meeting.is_finalised
    page.goto(f"/multiagency/cases/{meeting.items.get().referral_id}/")
    expect(page.get_by_text("lead professional across all services")).to_be_visible()
    shots = Path("/tmp/pa_shots")
    shots.mkdir(exist_ok=True)
    page.screenshot(path=str(shots / "panel-case-lead.png"), full_page=True)
