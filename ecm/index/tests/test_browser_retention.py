"""A data manager records a death and an index administrator a consent to stay to 25, in a real
browser, with axe-core on every page and both forms usable at 320 px (no sideways scrolling)."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from conftest import axe_violations
from ecm.accounts.choices import Role
from ecm.accounts.tests.factories import TEST_PASSWORD, UserFactory
from ecm.core import clock
from ecm.index.choices import ChildStatus
from ecm.index.models import Child
from ecm.index.tests.factories import ChildFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fill_date(page, legend: str, day: dt.date) -> None:
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def open_record(page, child) -> None:
    page.goto(f"/index/children/{child.pk}/reason/")
    page.get_by_label("To confirm the child's identity").check()
    page.get_by_role("button", name="Open the record").click()


def test_death_and_consent_to_25_from_the_record(page, browser_sign_in) -> None:
    today = clock.today()
    child = ChildFactory(given_name="Ellis", family_name="Marsh", date_of_birth=today - dt.timedelta(days=365 * 17))
    data_manager = UserFactory(roles=[Role.DATA_MANAGER])
    browser_sign_in(page, data_manager, TEST_PASSWORD)
    page.set_viewport_size({"width": 320, "height": 800})
    open_record(page, child)
    page.get_by_role("link", name="Record consent to stay on the index after 18").click()
    expect(page.get_by_role("heading", name="Consent to stay on the index after 18")).to_be_visible()
    assert axe_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    page.get_by_role("button", name="Record the consent").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    assert axe_violations(page) == []
    fill_date(page, "Keep the record until", today + dt.timedelta(days=365 * 3))
    page.get_by_label("How the young person gave consent").fill("Care leaver: agreed at the pathway review")
    page.get_by_role("button", name="Record the consent").click()
    expect(page.get_by_text("The consent has been recorded")).to_be_visible()

    page.get_by_role("link", name="Record that the child has died").click()
    expect(page.get_by_role("heading", name="Record that the child has died")).to_be_visible()
    assert axe_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    fill_date(page, "Date of death", today)
    page.get_by_label("I have checked this with an official source").check()
    page.get_by_role("button", name="Record the death").click()
    expect(page.get_by_text("The death has been recorded")).to_be_visible()
    assert Child.objects.get(pk=child.pk).status == ChildStatus.DECEASED
