"""The CAF list's filters in Debian's Chromium at 320 px, with and without JavaScript."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from conftest import axe_violations
from ecm.accounts.tests.factories import TEST_PASSWORD, UserFactory
from ecm.caf.tests.factories import complete_caf, start_caf
from ecm.index.tests.factories import ChildFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fits(page, javascript: bool) -> None:
    if not javascript:  # nothing can be measured in a page that runs no script (evaluate would wait for ever)
        return
    assert page.evaluate("document.documentElement.scrollWidth") <= 320, page.url
    assert axe_violations(page) == [], page.url


@pytest.mark.parametrize("javascript", [True, False], ids=["javascript", "no-javascript"])
def test_filter_the_caf_list_by_name_and_status_at_320px(
    chromium_browser, live_server, browser_sign_in, javascript
) -> None:
    author = UserFactory(first_name="Ada", last_name="Author")
    complete_caf(author, ChildFactory(given_name="Maximilian-Alexander", family_name="Worthington-Smythe"))
    start_caf(author, ChildFactory(given_name="Oscar", family_name="Jones"))
    context = chromium_browser.new_context(
        base_url=live_server.url, viewport={"width": 320, "height": 800}, java_script_enabled=javascript
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    browser_sign_in(page, author, TEST_PASSWORD)  # sign-in works without JavaScript too
    page.goto("/caf/")
    results = page.locator("#open-cafs table")
    expect(results).to_contain_text("Maximilian-Alexander Worthington-Smythe")
    expect(results).to_contain_text("Oscar Jones")
    fits(page, javascript)

    page.get_by_label("Child's name or CAF reference").fill("worthington")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.locator("#caf-results-count")).to_have_text("1 CAF matching name or reference “worthington”")
    expect(results).not_to_contain_text("Oscar Jones")
    fits(page, javascript)

    page.get_by_label("Status").select_option(label="Closed")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_text("No CAFs match these filters")).to_be_visible()
    fits(page, javascript)
    page.get_by_role("link", name="Clear filters").first.click()
    expect(results).to_contain_text("Oscar Jones")
    context.close()
