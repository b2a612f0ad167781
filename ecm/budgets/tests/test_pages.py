"""Every budget page for every role (expected status), and the forms doing what the services do."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.urls import reverse

from conftest import page_text
from ecm.accounts.choices import Role
from ecm.audit.models import AuditEvent
from ecm.budgets import services
from ecm.budgets.choices import AllocationStatus, PurchaseStatus
from ecm.budgets.models import Budget, Purchase
from ecm.budgets.tests.factories import buy, user_in, world
from ecm.core import clock

pytestmark = pytest.mark.django_db

ROLES = ("lead", "colleague", "manager", "other_manager", "admin", "gated_manager")


@pytest.fixture
def w():
    w = world()
    w["other_manager"] = user_in(w["area"], Role.MANAGER, Role.PRACTITIONER)
    w["admin"] = user_in(w["area"], Role.SYSTEM_ADMIN)
    w["gated_manager"] = user_in(w["area"], Role.MANAGER, Role.PRACTITIONER, training_completed_on=None)
    w["requested"] = services.allocation_request(
        actor=w["lead"], budget=w["budget"], assessment=w["assessment"], amount_pence=5_000, reason="Bus fares"
    )
    w["pending"] = buy(w["allocation"], w["action"], 60_000, description="Summer activity week")
    return w


def _matrix(w) -> list[tuple[str, tuple[int, ...]]]:
    """(url, expected status for each of ROLES). 404: not theirs or not their role; 403: the child-data gate."""
    a, b = w["allocation"].pk, w["budget"].pk
    everyone, nobody_but_manager = (200, 200, 200, 200, 200, 200), (404, 404, 200, 404, 404, 403)
    return [
        (reverse("budgets:home"), everyone),
        (reverse("budgets:mine"), (200, 200, 200, 200, 404, 403)),
        (reverse("budgets:allocation_request"), (200, 200, 200, 200, 404, 403)),
        (reverse("budgets:allocation", args=[a]), (200, 404, 200, 404, 404, 403)),
        (reverse("budgets:purchase_record", args=[a]), (200, 404, 404, 404, 404, 403)),
        (reverse("budgets:allocation_decide", args=[w["requested"].pk]), nobody_but_manager),
        (reverse("budgets:purchase_decide", args=[w["pending"].pk]), nobody_but_manager),
        (reverse("budgets:approvals"), (404, 404, 200, 200, 404, 403)),
        (reverse("budgets:list"), (404, 404, 200, 200, 200, 200)),
        (reverse("budgets:create"), (404, 404, 200, 200, 200, 200)),
        (reverse("budgets:budget", args=[b]), nobody_but_manager),
        (reverse("budgets:threshold", args=[b]), nobody_but_manager),
        (reverse("budgets:reports"), (404, 404, 200, 200, 200, 200)),
        (reverse("budgets:reports_csv"), (404, 404, 200, 200, 200, 200)),
    ]


def test_permission_matrix(w, user_client, client) -> None:
    clients = {role: user_client(w[role]) for role in ROLES}
    for url, expected in _matrix(w):
        got = tuple(clients[role].get(url).status_code for role in ROLES)
        assert got == expected, f"{url}: {dict(zip(ROLES, got, strict=True))}"
        response = client.get(url)
        assert response.status_code == 302 and "/sign-in/" in response["Location"], url
    # Missing answers exactly as forbidden does.
    missing = uuid.uuid4()
    for name in ("allocation", "purchase_record", "allocation_decide", "purchase_decide", "budget", "threshold"):
        for role in ("lead", "manager"):
            assert clients[role].get(reverse(f"budgets:{name}", args=[missing])).status_code == 404, (name, role)
    assert AuditEvent.objects.filter(action="budgets.access_denied", actor_id=str(w["colleague"].pk)).exists()


def test_pages_that_name_a_child_or_a_purchase_record_the_read(w, user_client) -> None:
    user_client(w["lead"]).get(reverse("budgets:allocation", args=[w["allocation"].pk]))
    user_client(w["lead"]).get(reverse("budgets:mine"))
    user_client(w["manager"]).get(reverse("budgets:approvals"))
    user_client(w["manager"]).get(reverse("budgets:budget", args=[w["budget"].pk]))
    for action in ("allocation_viewed", "allocations_listed", "approvals_listed", "budget_viewed"):
        assert AuditEvent.objects.filter(action=f"budgets.{action}").exists(), action


def test_the_budget_manager_does_not_see_the_childs_name(w, user_client) -> None:
    child = w["assessment"].child.display_name
    lead_page = user_client(w["lead"]).get(reverse("budgets:allocation", args=[w["allocation"].pk]))
    assert child in page_text(lead_page)
    for url in (
        reverse("budgets:allocation", args=[w["allocation"].pk]),
        reverse("budgets:approvals"),
        reverse("budgets:budget", args=[w["budget"].pk]),
        reverse("budgets:purchase_decide", args=[w["pending"].pk]),
    ):
        page = page_text(user_client(w["manager"]).get(url))
        assert w["assessment"].reference in page and child not in page, url


def _purchase_form(w, cost: str, **extra: str) -> dict[str, str]:
    today = clock.today()
    return {
        "kind": "goods",
        "service": "",
        "supplier_name": "Sports shop",
        "description": "Football boots",
        "cost": cost,
        "bought_on_0": str(today.day),
        "bought_on_1": str(today.month),
        "bought_on_2": str(today.year),
        "action": str(w["action"].pk),
        "outcome": "enjoy_achieve",
        "need": "participation_learning",
        **extra,
    }


def test_recording_a_purchase_through_the_form(w, user_client) -> None:
    lead = user_client(w["lead"])
    url = reverse("budgets:purchase_record", args=[w["allocation"].pk])
    page = lead.post(url, _purchase_form(w, "12.505")).content.decode()
    assert "Enter the cost in pounds and pence, like 12.50" in page
    page = lead.post(url, _purchase_form(w, "£1,000")).content.decode()
    assert "This allocation has £400.00 left; the cost is £1,000.00." in page
    page = lead.post(url, _purchase_form(w, "", supplier_name="")).content.decode()
    assert "Enter the cost" in page and "Choose a service from the directory or enter another supplier" in page

    response = lead.post(url, _purchase_form(w, "£12.50"), follow=True)
    assert "The purchase of £12.50 is committed." in response.content.decode()
    purchase = Purchase.objects.get(description="Football boots")
    assert (purchase.cost_pence, purchase.status) == (1250, PurchaseStatus.COMMITTED)

    response = lead.post(url, _purchase_form(w, "300.01", description="Laptop"), follow=True)
    assert "The purchase of £300.01 is committed." in response.content.decode()  # not above £500
    services.budget_threshold_set(actor=w["manager"], budget=w["budget"], threshold_pence=5_000)
    response = lead.post(url, _purchase_form(w, "10", description="Bus pass"), follow=True)
    assert Purchase.objects.get(description="Bus pass").status == PurchaseStatus.COMMITTED
    response = lead.post(url, _purchase_form(w, "50.01", description="Tablet"), follow=True)
    assert Purchase.objects.get(description="Tablet").status == PurchaseStatus.PENDING
    assert "waiting for the budget manager" in response.content.decode()


def test_deciding_through_the_forms(w, user_client) -> None:
    manager = user_client(w["manager"])
    url = reverse("budgets:purchase_decide", args=[w["pending"].pk])
    assert "Say why you are refusing it" in manager.post(url, {"decision": "refuse", "note": ""}).content.decode()
    response = manager.post(url, {"decision": "approve", "note": ""}, follow=True)
    assert "The purchase is committed." in response.content.decode()
    w["pending"].refresh_from_db()
    assert w["pending"].status == PurchaseStatus.COMMITTED

    url = reverse("budgets:allocation_decide", args=[w["requested"].pk])
    response = manager.post(url, {"decision": "refuse", "note": "Use the bus pass"}, follow=True)
    assert "The allocation is refused." in response.content.decode()
    w["requested"].refresh_from_db()
    assert w["requested"].status == AllocationStatus.REFUSED


def test_asking_for_an_allocation_through_the_form(w, user_client) -> None:
    lead = user_client(w["lead"])
    url = reverse("budgets:allocation_request")
    data = {"assessment": str(w["assessment"].pk), "budget": str(w["budget"].pk), "amount": "250", "reason": "Kit"}
    response = lead.post(url, data, follow=True)
    assert "Your request has gone to the budget manager." in response.content.decode()
    assert w["lead"].budget_allocations.filter(amount_pence=25_000, status=AllocationStatus.REQUESTED).exists()
    # Someone who leads no CAF is told why they cannot ask.
    page = user_client(w["other_manager"]).get(url).content.decode()
    assert "You are not the lead professional for any open CAF." in page


def test_creating_a_budget_and_changing_its_threshold_through_the_forms(w, user_client) -> None:
    admin = user_client(w["admin"])
    today = clock.today()
    end = today + dt.timedelta(days=365)
    data = {
        "name": "Families first",
        "funding_source": "Council",
        "amount": "£20,000",
        "starts_on_0": str(today.day),
        "starts_on_1": str(today.month),
        "starts_on_2": str(today.year),
        "ends_on_0": str(end.day),
        "ends_on_1": str(end.month),
        "ends_on_2": str(end.year),
        "area": str(w["area"].pk),
        "manager": str(w["lead"].pk),
        "threshold": "",
    }
    page = admin.post(reverse("budgets:create"), data).content.decode()
    assert "Select a valid choice" in page  # the lead is not a manager, so not offered
    response = admin.post(reverse("budgets:create"), {**data, "manager": str(w["other_manager"].pk)}, follow=True)
    assert "Families first is created." in response.content.decode()
    budget = Budget.objects.get(name="Families first")
    assert (budget.amount_pence, budget.approval_threshold_pence, budget.manager) == (
        2_000_000,
        50_000,
        w["other_manager"],
    )

    manager = user_client(w["manager"])
    url = reverse("budgets:threshold", args=[w["budget"].pk])
    assert "like 12.50" in manager.post(url, {"threshold": "lots"}).content.decode()
    response = manager.post(url, {"threshold": "£250.00"}, follow=True)
    assert "Purchases above £250.00 now need your approval." in response.content.decode()
    w["budget"].refresh_from_db()
    assert w["budget"].approval_threshold_pence == 25_000


def test_reports_page_shows_each_breakdown(w, user_client) -> None:
    page = page_text(user_client(w["other_manager"]).get(reverse("budgets:reports")))
    for caption in ("Against each budget", "By outcome", "By need", "By provider", "By lead professional"):
        assert caption in page
    assert "£600.00" in page and "Enjoy and achieve" in page and "Lee Lead" in page and "Town shoe shop" in page
    assert w["assessment"].child.display_name not in page


def test_reports_download_as_csv_and_the_download_is_audited(w, user_client) -> None:
    response = user_client(w["admin"]).get(reverse("budgets:reports_csv"))
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode()
    assert "Budget-holding lead professional pilot" in text and ",5000.00,1000.00,0.00,600.00,4400.00" in text
    assert "Outcome,Enjoy and achieve,1,0.00,600.00" in text
    assert "Provider,Town shoe shop,1,0.00,600.00" in text
    assert w["assessment"].child.display_name not in text
    assert AuditEvent.objects.filter(action="budgets.report_exported", actor_id=str(w["admin"].pk)).exists()
