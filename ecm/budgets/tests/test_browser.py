"""A purchase that needs approval, in a real browser with axe-core on every page: the lead professional
records it, the budget manager approves it, the lead professional sees it committed."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from ecm.accounts.tests.factories import TEST_PASSWORD
from ecm.budgets.choices import PurchaseStatus
from ecm.budgets.models import Purchase
from ecm.budgets.tests.factories import world
from ecm.core import clock
from ecm.notifications.models import Notification

pytestmark = [pytest.mark.browser, pytest.mark.axe_every_page, pytest.mark.django_db(transaction=True)]


def test_purchase_above_the_threshold_is_approved_by_the_budget_manager(page, browser_sign_in, another_page) -> None:
    w = world()  # allocation of £1,000 for the lead; purchases above £500 need approval
    today = clock.today()

    # The lead professional records a £650 commission.
    browser_sign_in(page, w["lead"], TEST_PASSWORD)
    page.get_by_role("link", name="Budgets", exact=True).first.click()
    expect(page.get_by_role("heading", name="Budgets", exact=True)).to_be_visible()
    page.get_by_role("link", name="Your allocations and purchases").click()
    expect(page.get_by_role("heading", name="Your allocations")).to_be_visible()
    page.get_by_role("link", name=f"{w['assessment'].reference}").click()
    expect(page.get_by_role("heading", name=f"Allocation for {w['assessment'].reference}")).to_be_visible()
    page.get_by_role("link", name="Record a purchase").click()
    expect(page.get_by_role("heading", name="Record a purchase")).to_be_visible()

    page.get_by_label("Service commissioned").check()
    page.get_by_label("Other supplier").fill("City youth activities")
    page.get_by_label("What was bought").fill("Summer activity week")
    page.get_by_label("Cost").fill("six hundred")
    group = page.get_by_role("group", name="Date bought")
    group.get_by_label("Day").fill(str(today.day))
    group.get_by_label("Month").fill(str(today.month))
    group.get_by_label("Year").fill(str(today.year))
    page.get_by_label("Place at the lunchtime club (Enjoy and achieve)").check()
    page.get_by_label("Make a positive contribution").check()
    page.get_by_label("Which need does it meet?").select_option(label="Development of the child: Aspirations")
    page.get_by_role("button", name="Record the purchase").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    expect(page.get_by_role("link", name="Enter the cost in pounds and pence, like 12.50")).to_be_visible()
    page.get_by_label("Cost").fill("£650.00")
    page.get_by_role("button", name="Record the purchase").click()
    expect(page.get_by_text("The purchase of £650.00 is waiting for the budget manager")).to_be_visible()
    expect(page.get_by_role("cell", name="Waiting for approval")).to_be_visible()
    allocation_url = page.url
    purchase = Purchase.objects.get(description="Summer activity week")
    assert (purchase.cost_pence, purchase.status) == (65_000, PurchaseStatus.PENDING)
    assert Notification.objects.filter(recipient=w["manager"], subject__contains="needs your approval").exists()

    # The budget manager approves it from the approvals queue.
    manager_page = another_page()
    manager_page.set_default_timeout(15_000)
    browser_sign_in(manager_page, w["manager"], TEST_PASSWORD)
    expect(manager_page.get_by_text("1 request waiting for your approval.")).to_be_visible()
    manager_page.get_by_role("link", name="See approvals").click()
    expect(manager_page.get_by_role("heading", name="Approvals")).to_be_visible()
    manager_page.get_by_role("link", name="Summer activity week").click()
    expect(manager_page.get_by_role("heading", name="Purchase of £650.00")).to_be_visible()
    manager_page.get_by_label("Approve").check()
    manager_page.get_by_role("button", name="Save the decision").click()
    expect(manager_page.get_by_text("The purchase is committed.")).to_be_visible()
    expect(manager_page.get_by_text("No purchases are waiting.")).to_be_visible()
    manager_page.close()

    # The lead professional sees it committed.
    page.goto(allocation_url)
    row = page.get_by_role("row").filter(has_text="Summer activity week")
    expect(row.get_by_role("cell", name="Committed")).to_be_visible()
    expect(page.get_by_text("£350.00")).to_be_visible()  # left to spend
    assert Notification.objects.filter(recipient=w["lead"], subject__contains="was approved").exists()


def test_the_other_budget_pages_pass_axe(page, browser_sign_in, another_page) -> None:
    """The budget manager's and the lead professional's remaining pages, each with axe-core."""
    from ecm.budgets import services

    w = world()
    requested = services.allocation_request(
        actor=w["lead"], budget=w["budget"], assessment=w["assessment"], amount_pence=5_000, reason="Bus fares"
    )

    browser_sign_in(page, w["manager"], TEST_PASSWORD)
    page.goto(f"/budgets/budgets/{w['budget'].pk}/")
    expect(page.get_by_role("heading", name=w["budget"].name)).to_be_visible()
    page.get_by_role("link", name="Change the approval threshold").click()
    page.get_by_label("Purchases above this amount need your approval").fill("£250")
    page.get_by_role("button", name="Save the threshold").click()
    expect(page.get_by_text("Purchases above £250.00 now need your approval.")).to_be_visible()
    page.goto(f"/budgets/allocations/{requested.pk}/decide/")
    page.get_by_label("Refuse").check()
    page.get_by_role("button", name="Save the decision").click()
    expect(page.get_by_role("link", name="Say why you are refusing it")).to_be_visible()
    page.get_by_label("Approve").check()
    page.get_by_role("button", name="Save the decision").click()
    expect(page.get_by_text("The allocation is approved.")).to_be_visible()
    for url, heading in (
        ("/budgets/budgets/", "Budgets"),
        ("/budgets/reports/", "Spending reports"),
        ("/budgets/budgets/new/", "Create a budget"),
    ):
        page.goto(url)
        expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
    page.get_by_role("button", name="Create the budget").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()

    lead_page = another_page()
    lead_page.set_default_timeout(15_000)
    browser_sign_in(lead_page, w["lead"], TEST_PASSWORD)
    lead_page.goto("/budgets/allocations/request/")
    expect(lead_page.get_by_role("heading", name="Ask for an allocation")).to_be_visible()
    lead_page.get_by_role("button", name="Ask the budget manager").click()
    expect(lead_page.get_by_role("link", name="Choose the child's CAF")).to_be_visible()
    lead_page.close()
