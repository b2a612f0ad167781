"""A real browser loads pages under the Content Security Policy without a single violation."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from ecm.accounts.tests.factories import TEST_PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_pages_load_with_no_csp_errors(page: Any, browser_sign_in: Any) -> None:
    problems: list[str] = []
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation',"
        " e => console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI));"
    )
    page.goto("/directory/families/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    # The nonced inline script ran: GOV.UK Frontend's js-enabled class is on the body.
    assert "js-enabled" in (page.locator("body").get_attribute("class") or "")
    browser_sign_in(page, UserFactory(), TEST_PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert [p for p in problems if "Content Security Policy" in p or "CSP" in p] == []
    assert problems == []


def test_all_page_content_is_in_landmarks_as_axe_sees_it(page: Any, browser_sign_in: Any) -> None:
    """axe's "region" rule (moderate, so the every-page sweep, which fails on serious and critical, passes it by):
    the phase banner and the footer were outside every landmark."""
    from axe_playwright_python.sync_playwright import Axe

    def region() -> list[Any]:
        results = Axe().run(page, options={"runOnly": {"type": "rule", "values": ["region"]}})
        return [node["target"] for v in results.response["violations"] for node in v["nodes"]]

    page.goto("/directory/families/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert region() == []
    browser_sign_in(page, UserFactory(), TEST_PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert region() == []
    expect(page.get_by_role("banner").locator(".govuk-phase-banner")).to_contain_text("Signed in as")
    expect(page.get_by_role("contentinfo").locator(".govuk-footer")).to_be_visible()
    expect(page.get_by_role("main")).to_have_count(1)
