"""A health visitor starts a checklist and a CAF from the child's record, in a real browser with axe on every page."""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import expect

from ecm.accounts.choices import Role
from ecm.accounts.tests.factories import TEST_PASSWORD, UserFactory
from ecm.caf.models import Checklist
from ecm.index.tests.factories import ChildFactory

pytestmark = [pytest.mark.browser, pytest.mark.axe_every_page, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("ECM_SCREENSHOTS", "")


def shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def test_checklist_then_caf_started_from_the_record(page, browser_sign_in) -> None:
    visitor = UserFactory(roles=[Role.PRACTITIONER], first_name="Hana", last_name="Visitor")
    child = ChildFactory(given_name="Lily", family_name="Smith")
    browser_sign_in(page, visitor, TEST_PASSWORD)

    page.goto(f"/index/children/{child.pk}/")
    page.get_by_label("To record or update my involvement").check()
    page.get_by_role("button", name="Open the record").click()
    expect(page.get_by_role("heading", name="Common Assessment Framework")).to_be_visible()
    shot(page, "record-journeys")

    page.get_by_role("button", name="Start a pre-assessment checklist").click()
    expect(page.get_by_text("Lily Smith, born")).to_be_visible()
    assert page.get_by_label("A name or initials").count() == 0
    for group in page.locator("fieldset.govuk-fieldset").filter(has=page.get_by_label("Not sure")).all():
        if group.get_by_label("Not sure").count() == 1:
            group.get_by_label("Not sure").check()
    page.get_by_label("Undertake a full CAF").check()
    page.get_by_role("button", name="Save the checklist").click()
    expect(page.get_by_role("heading", name="Before you start a CAF")).to_be_visible()
    expect(page.get_by_text("Lily Smith").first).to_be_visible()
    shot(page, "record-checklist-to-start")
    assert Checklist.objects.get(practitioner=visitor).child_id == child.pk


def test_identifying_details_from_lists_at_320px(page, browser_sign_in) -> None:
    from ecm.caf import services
    from ecm.caf.tests.factories import start_caf

    author = UserFactory(roles=[Role.PRACTITIONER], first_name="Ada", last_name="Teacher", job_title="Class teacher")
    assessment = start_caf(author, ChildFactory(given_name="Lily", family_name="Smith"))
    browser_sign_in(page, author, TEST_PASSWORD)
    page.set_viewport_size({"width": 320, "height": 800})
    page.goto(f"/caf/{assessment.pk}/section/identifying/")
    page.get_by_label("Ethnic group").select_option("White: Other White")
    page.get_by_label("Describe the background").fill("Polish")
    page.get_by_role("group", name="Religion").get_by_label("Christian").check()
    page.get_by_label("First language of the child").select_option("Polish")
    page.get_by_role("group", name="Does the child have a disability?").get_by_label("No", exact=True).check()
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    shot(page, "caf-identifying-320")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("Draft saved")).to_be_visible()
    data = services.latest_data(assessment)
    assert data["ethnicity"] == "White: Other White: Polish" and data["religion"] == "Christian"
    assert data["disability"] == "No"

    page.goto(f"/caf/{assessment.pk}/section/assessor/")
    expect(page.get_by_text("Filled in from the child index")).to_be_visible()
    assert "Ada Teacher, Class teacher" in page.get_by_label("Assessor").input_value()
    shot(page, "caf-assessor-prefilled")
