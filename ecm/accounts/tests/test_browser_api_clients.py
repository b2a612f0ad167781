"""The API clients pages in a real browser: list, expiry, rotate (token shown once), revoke;
axe-core clean and no sideways scrolling at 320 px."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from conftest import axe_violations
from ecm.accounts.access import api_client_authenticate
from ecm.accounts.choices import Role
from ecm.accounts.services import api_client_create
from ecm.accounts.tests.factories import TEST_PASSWORD, OrganisationFactory, UserFactory
from ecm.core.actors import SYSTEM_COMMAND

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def no_sideways_scroll(page) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, page.url


def test_administrator_rotates_and_revokes_a_client(page, browser_sign_in):
    organisation = OrganisationFactory(name="Northside Community Health Services NHS Trust")
    client, old = api_client_create(actor=SYSTEM_COMMAND, organisation=organisation, name="Community health EPR")
    admin = UserFactory(roles=[Role.SYSTEM_ADMIN])
    browser_sign_in(page, admin, TEST_PASSWORD)

    page.get_by_role("link", name="API clients").first.click()
    expect(page.get_by_role("heading", name="API clients")).to_be_visible()
    expect(page.get_by_role("table")).to_contain_text("Active")
    assert axe_violations(page) == []
    page.set_viewport_size({"width": 320, "height": 640})
    no_sideways_scroll(page)
    assert axe_violations(page) == []

    page.get_by_role("link", name="Community health EPR").click()
    expect(page.get_by_role("heading", name="Community health EPR")).to_be_visible()
    no_sideways_scroll(page)
    assert axe_violations(page) == []

    page.get_by_role("button", name="Give it a new token").click()
    page.get_by_label("Reason").fill("Yearly rotation")
    page.get_by_role("button", name="Give it a new token").click()
    expect(page.get_by_role("heading", name="New token for Community health EPR")).to_be_visible()
    new = page.get_by_label("Token").input_value()
    no_sideways_scroll(page)
    assert axe_violations(page) == []
    assert api_client_authenticate(old).status == 401
    assert api_client_authenticate(new).status == 200

    page.get_by_role("link", name="Back to Community health EPR").click()
    page.get_by_role("button", name="Revoke", exact=True).click()
    expect(page.get_by_text("stops working at once")).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Revoke API client").click()
    expect(page.get_by_text("Enter the reason").first).to_be_visible()
    page.get_by_label("Reason").fill("System decommissioned")
    page.get_by_role("button", name="Revoke API client").click()
    expect(page.get_by_text("its token no longer works")).to_be_visible()
    expect(page.get_by_text("Revoked").first).to_be_visible()
    assert api_client_authenticate(new).status == 401
