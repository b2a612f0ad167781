"""A practitioner finds a child and records their involvement, in a real browser with axe-core on every page."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from conftest import axe_violations
from ecm.accounts.choices import Role
from ecm.accounts.tests.factories import TEST_PASSWORD, UserFactory
from ecm.audit.models import AuditEvent
from ecm.index.models import Involvement
from ecm.index.tests.factories import ChildFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
DOB = dt.date(2016, 4, 12)


def fill_date(page, label_prefix: str, day: dt.date) -> None:
    group = page.get_by_role("group", name=label_prefix)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def test_search_refine_reason_record_and_add_involvement(page, browser_sign_in) -> None:
    practitioner = UserFactory(roles=[Role.PRACTITIONER], first_name="Sam", last_name="Okafor")
    for n in range(11):
        ChildFactory(given_name=f"Child{chr(65 + n)}", family_name="Smith", date_of_birth=DOB)
    ChildFactory(given_name="Lily", family_name="Smith", date_of_birth=DOB)
    browser_sign_in(page, practitioner, TEST_PASSWORD)

    page.get_by_role("link", name="Find a child").first.click()
    expect(page.get_by_role("heading", name="Find a child")).to_be_visible()
    assert axe_violations(page) == []

    page.get_by_role("button", name="Search").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    assert axe_violations(page) == []

    page.get_by_label("Family name").fill("Smith")
    fill_date(page, "Date of birth", DOB)
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_text("Too many matches")).to_be_visible()
    assert page.get_by_text("ChildA").count() == 0
    assert axe_violations(page) == []

    page.get_by_label("Given name").fill("Lily")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page.get_by_text("Exact match")).to_be_visible()
    assert axe_violations(page) == []

    page.get_by_role("link", name="Lily Smith").click()
    expect(page.get_by_role("heading", name="Why do you need to open this record?")).to_be_visible()
    page.get_by_role("button", name="Open the record").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_label("To record or update my involvement").check()
    page.get_by_role("button", name="Open the record").click()
    expect(page.get_by_role("heading", name="Lily Smith")).to_be_visible()
    expect(page.get_by_text("No school recorded")).to_be_visible()
    assert axe_violations(page) == []

    page.get_by_role("button", name="Add my involvement").click()
    page.get_by_label("Service", exact=True).fill("Health visiting")
    page.get_by_label("Kind of service").select_option("health")
    page.get_by_label("I am the lead professional for this child").check()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Add my involvement").click()
    expect(page.get_by_text("Your involvement has been added.")).to_be_visible()
    expect(page.get_by_text("Lead professional").first).to_be_visible()
    assert axe_violations(page) == []

    mine = Involvement.objects.get(practitioner=practitioner)
    assert mine.is_lead_professional and mine.child.given_name == "Lily"
    assert AuditEvent.objects.filter(action="index.record_view", actor_id=str(practitioner.pk)).exists()
    assert AuditEvent.objects.filter(action="index.search_match", data__returned=False).count() == 12
