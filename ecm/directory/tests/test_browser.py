"""Real-browser journeys with axe-core: the practitioner search with filters, and the families'
easy-read search on a 320 px wide screen with JavaScript turned off."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from conftest import axe_violations
from ecm.accounts.choices import Role
from ecm.accounts.tests.factories import TEST_PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def no_sideways_scroll(page: Any) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_practitioner_filters_results_and_opens_a_service(page: Any, browser_sign_in: Any, demo: Any) -> None:
    practitioner = UserFactory(roles=[Role.PRACTITIONER])
    browser_sign_in(page, practitioner, TEST_PASSWORD)
    page.get_by_role("link", name="Find a service").first.click()
    expect(page.get_by_role("heading", name="Find a service", exact=True)).to_be_visible()
    assert axe_violations(page) == []

    page.get_by_label("Postcode", exact=True).fill("LS9 7TF")
    page.get_by_label("Distance from the postcode").select_option("2")
    page.get_by_label("Speech, language and communication").check()
    page.get_by_label("Child's age").select_option(label="2 years old")
    page.get_by_role("button", name="Apply filters").first.click()
    expect(page.get_by_role("heading", name="Selected filters")).to_be_visible()
    heading = page.locator("#results-heading").inner_text()
    assert heading.endswith("found") and not heading.startswith("0 ")
    assert axe_violations(page) == []

    # Removing the need widens the search; the postcode stays.
    before = int(heading.split()[0])
    page.get_by_role("link", name="Remove this filter Speech, language and communication").click()
    after = int(page.locator("#results-heading").inner_text().split()[0])
    assert after > before
    assert page.get_by_label("Postcode", exact=True).input_value() == "LS9 7TF"

    page.locator(".ecm-result h3 a").first.click()
    expect(page.get_by_role("heading", name="How to refer")).to_be_visible()
    expect(page.get_by_role("heading", name="Who it is for")).to_be_visible()
    assert axe_violations(page) == []

    page.goto("/directory/?postcode=LS99+9ZZ")
    expect(page.get_by_text("There is a problem")).to_be_visible()
    assert axe_violations(page) == []


def test_families_easy_read_search_at_320px_without_javascript(
    chromium_browser: Any, live_server: Any, demo: Any
) -> None:
    context = chromium_browser.new_context(
        base_url=live_server.url, viewport={"width": 320, "height": 640}, java_script_enabled=False
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        page.goto("/directory/families/")
        expect(page.get_by_role("heading", name="Find help for your family")).to_be_visible()
        assert no_sideways_scroll(page)
        page.get_by_label("Looking after someone at home").check()
        page.get_by_label("How old is your child?").select_option(label="12 years old")
        page.get_by_label("Your postcode").fill("LS8 5JN")
        page.get_by_label("5 miles", exact=True).check()
        page.get_by_role("button", name="Find help").click()
        expect(page.get_by_role("heading", name="places that can help")).to_be_visible()
        assert no_sideways_scroll(page)
        font_px = page.evaluate(
            "parseFloat(getComputedStyle(document.querySelector('.ecm-card .govuk-body')).fontSize)"
        )
        assert font_px >= 19

        page.locator(".ecm-card h3 a").first.click()
        expect(page.get_by_role("heading", name="How to get help")).to_be_visible()
        assert no_sideways_scroll(page)

        page.get_by_role("link", name="Report a problem with this page").click()
        page.get_by_role("button", name="Send report").click()
        expect(page.get_by_text("There is a problem")).to_be_visible()
        assert no_sideways_scroll(page)
        page.get_by_label("What is wrong with this page?").fill("The phone number has changed.")
        page.get_by_role("button", name="Send report").click()
        expect(page.get_by_text("Thank you for telling us").first).to_be_visible()
    finally:
        context.close()


def test_families_pages_pass_axe_at_320px(chromium_browser: Any, live_server: Any, demo: Any) -> None:
    """axe-core needs JavaScript, so the same pages are checked again with it on."""
    context = chromium_browser.new_context(base_url=live_server.url, viewport={"width": 320, "height": 640})
    page = context.new_page()
    try:
        for url in ["/directory/families/", "/directory/families/?postcode=LS7+3QR&distance=2&search=Find+help"]:
            page.goto(url)
            assert axe_violations(page) == [], url
            assert no_sideways_scroll(page), url
        # Each click loads a page: axe runs once it is there, not on the page being left (a race that
        # failed once in CI with "Cannot read properties of null (reading 'documentElement')").
        page.locator(".ecm-card h3 a").first.click()
        expect(page.get_by_role("link", name="Report a problem with this page")).to_be_visible()
        assert axe_violations(page) == []
        page.get_by_role("link", name="Report a problem with this page").click()
        page.get_by_role("button", name="Send report").click()
        expect(page.get_by_text("There is a problem").first).to_be_visible()
        assert axe_violations(page) == []
    finally:
        context.close()
