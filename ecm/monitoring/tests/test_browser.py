"""The monitoring dashboard in a real browser: charts and tables, axe-core clean, readable at 320px wide."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from conftest import axe_violations
from ecm.accounts.choices import OrganisationType, Role
from ecm.accounts.tests.factories import TEST_PASSWORD, LocalAuthorityFactory, OrganisationFactory, UserFactory
from ecm.caf.tests.factories import complete_caf
from ecm.index.tests.factories import ChildFactory
from ecm.monitoring.services import SYSTEM_MONITORING, aggregates_refresh

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_dashboard_charts_and_tables_at_desktop_and_320px(page, browser_sign_in) -> None:
    area = LocalAuthorityFactory(code="E08000035", name="Leeds")
    school = OrganisationFactory(local_authority=area, organisation_type=OrganisationType.SCHOOL)
    la = OrganisationFactory(local_authority=area, organisation_type=OrganisationType.LOCAL_AUTHORITY_SERVICE)
    author = UserFactory(organisation=school)
    for _ in range(7):
        complete_caf(author, ChildFactory())
    aggregates_refresh(actor=SYSTEM_MONITORING, area=area)
    coordinator = UserFactory(organisation=la, roles=[Role.CAF_COORDINATOR], first_name="Cora", last_name="Ordinator")

    browser_sign_in(page, coordinator, TEST_PASSWORD)
    page.get_by_role("link", name="Monitoring").first.click()
    expect(page.get_by_role("heading", name="CAF monitoring")).to_be_visible()
    chart = page.get_by_role(
        "img", name="Bar chart: Activity by month. The same figures are in the table that follows."
    )
    expect(chart).to_be_visible()
    table = page.get_by_role("table", name="Activity by month")
    expect(table).to_be_attached()
    expect(table.get_by_role("row", name="Total")).to_contain_text("7")
    expect(page.get_by_role("table", name="CAFs started by gender")).to_contain_text("7")
    assert axe_violations(page) == [], page.url

    # The filters: one agency.
    page.get_by_text("Change the period, locality or agency").click()
    page.get_by_label("Agency").select_option(label="School")
    page.get_by_role("button", name="Show figures").click()
    expect(page.get_by_text("School.", exact=False).first).to_be_visible()
    assert axe_violations(page) == [], page.url

    # 320 CSS pixels: no horizontal scrolling of the page itself (tables scroll in their own region).
    page.set_viewport_size({"width": 320, "height": 640})
    page.reload()
    expect(chart).to_be_visible()
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0
    assert axe_violations(page) == [], page.url

    page.get_by_role("link", name="CAF register and quality lists").click()
    expect(page.get_by_role("heading", name="CAF register")).to_be_visible()
    assert axe_violations(page) == [], page.url
    page.get_by_role("link", name="quality review").first.click()
    expect(page.get_by_role("heading", name="Quality review", exact=True)).to_be_visible()
    page.get_by_role("button", name="Record the quality review").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    assert axe_violations(page) == [], page.url
