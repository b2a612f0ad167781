"""The inbox in a real browser: the count in the navigation, the list, opening one; axe-core on every page."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from playwright.sync_api import expect

from ecm.accounts.tests.factories import TEST_PASSWORD, UserFactory
from ecm.core import clock
from ecm.core.actors import SystemActor
from ecm.notifications.models import Notification
from ecm.notifications.services import notification_send

pytestmark = [pytest.mark.browser, pytest.mark.axe_every_page, pytest.mark.django_db(transaction=True)]
ACTOR = SystemActor("test-suite")


def test_a_practitioner_finds_and_opens_a_notification(page: Any, browser_sign_in: Any) -> None:
    person = UserFactory()
    notification_send(actor=ACTOR, recipient=person, subject="You were added to a Team Around the Child", link="/caf/")
    clock.advance(dt.timedelta(minutes=1))
    newest = notification_send(
        actor=ACTOR, recipient=person, subject="New referral to Parenting course", link="/account/"
    )
    browser_sign_in(page, person, TEST_PASSWORD)

    nav = page.get_by_role("navigation", name="Main menu")
    expect(nav.get_by_role("link", name="Notifications (2)")).to_be_visible()
    nav.get_by_role("link", name="Notifications (2)").click()
    expect(page.get_by_role("heading", name="Notifications", level=1)).to_be_visible()
    headings = page.get_by_role("heading", level=2).all_inner_texts()
    assert "New referral to Parenting course" in headings[0]

    page.get_by_role("link", name="New referral to Parenting course").click()
    page.wait_for_url("**/account/")
    expect(
        page.get_by_role("navigation", name="Main menu").get_by_role("link", name="Notifications (1)")
    ).to_be_visible()
    assert Notification.objects.get(pk=newest.pk).read_at is not None

    page.set_viewport_size({"width": 320, "height": 640})
    page.goto("/notifications/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
