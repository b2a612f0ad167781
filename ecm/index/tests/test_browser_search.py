"""The search page in a real browser, with axe on every page: results first, fuzzy only when it can run."""

from __future__ import annotations

import datetime as dt
import os

import pytest
from playwright.sync_api import expect

from ecm.accounts.choices import Role
from ecm.accounts.tests.factories import TEST_PASSWORD, UserFactory
from ecm.index.tests.factories import ChildFactory

pytestmark = [pytest.mark.browser, pytest.mark.axe_every_page, pytest.mark.django_db(transaction=True)]
DOB = dt.date(2016, 4, 12)
SHOTS = os.environ.get("ECM_SCREENSHOTS", "")


def shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def fill_dob(page, day: str, month: str, year: str) -> None:
    group = page.get_by_role("group", name="Date of birth")
    group.get_by_label("Day").fill(day)
    group.get_by_label("Month").fill(month)
    group.get_by_label("Year").fill(year)


def test_swapped_date_then_miss_then_fuzzy_then_results_first(page, browser_sign_in) -> None:
    practitioner = UserFactory(roles=[Role.PRACTITIONER], first_name="Sam", last_name="Okafor")
    ChildFactory(given_name="Katherine", family_name="Smith", date_of_birth=DOB)
    browser_sign_in(page, practitioner, TEST_PASSWORD)
    page.set_viewport_size({"width": 320, "height": 800})
    page.goto("/index/")

    page.get_by_label("Family name").fill("Smyth")
    fill_dob(page, "4", "12", "2016")  # US order: a real date, but not hers
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_text("No exact matches.")).to_be_visible()
    expect(page.get_by_text("also enter the given name")).to_be_visible()
    assert page.get_by_role("button", name="Search again for similar matches").count() == 0
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    shot(page, "search-asks-for-given-name")

    fill_dob(page, "12", "20", "2016")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    expect(page.get_by_text("check the day and month are the right way round").first).to_be_visible()
    shot(page, "search-swapped-date")

    fill_dob(page, "12", "4", "2016")
    page.get_by_label("Given name").fill("Catherine")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page.get_by_text("No exact matches.")).to_be_visible()
    page.get_by_role("button", name="Search again for similar matches").click()
    expect(page.get_by_role("link", name="Katherine Smith")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    # Results first; the form is folded away under "Change your search".
    assert not page.get_by_label("Family name").is_visible()
    shot(page, "search-results-first")
    page.get_by_text("Change your search").click()
    expect(page.get_by_label("Family name")).to_be_visible()
