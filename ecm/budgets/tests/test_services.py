"""Budgets, allocations, purchases and approvals: the money rules, the approval threshold, who may act,
the audit of every write and the notifications."""

from __future__ import annotations

import datetime as dt

import pytest

from ecm.accounts.choices import Role
from ecm.audit.models import AuditEvent
from ecm.budgets import services
from ecm.budgets.choices import AllocationStatus, PurchaseStatus
from ecm.budgets.models import Allocation
from ecm.budgets.selectors import allocation_totals, budget_totals, spend_report
from ecm.budgets.services import BudgetError
from ecm.budgets.tests.factories import (
    approved_allocation,
    budget_manager,
    buy,
    led_caf,
    user_in,
    world,
)
from ecm.caf import services as caf_services
from ecm.caf.choices import ClosureReason, MemberKind
from ecm.core import clock
from ecm.core.actors import SYSTEM_COMMAND
from ecm.directory.tests.factories import ServiceFactory
from ecm.notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def w(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return world()


def _events(action: str) -> int:
    return AuditEvent.objects.filter(action=action).count()


# Budgets ---------------------------------------------------------------------------------------


def test_budget_takes_the_default_threshold_from_settings(settings) -> None:
    settings.ECM_BUDGET_APPROVAL_THRESHOLD_PENCE = 12_345
    manager = budget_manager()
    budget = services.budget_create(
        actor=manager,
        name="Pilot",
        funding_source="Grant",
        amount_pence=100,
        starts_on=clock.today(),
        ends_on=clock.today(),
        area=manager.organisation.local_authority,
        manager=manager,
    )
    assert budget.approval_threshold_pence == 12_345
    assert _events("budgets.budget_created") == 1


def test_budget_manager_must_be_a_manager_of_the_area_and_creator_a_manager_or_admin() -> None:
    manager = budget_manager()
    area = manager.organisation.local_authority
    practitioner = user_in(area, Role.PRACTITIONER)
    elsewhere = budget_manager()
    admin = user_in(area, Role.SYSTEM_ADMIN)
    args = {
        "name": "Pilot",
        "funding_source": "Grant",
        "amount_pence": 100,
        "starts_on": clock.today(),
        "ends_on": clock.today(),
        "area": area,
    }
    with pytest.raises(BudgetError, match="must be a manager"):
        services.budget_create(actor=manager, manager=practitioner, **args)
    with pytest.raises(BudgetError, match="organisation in"):
        services.budget_create(actor=manager, manager=elsewhere, **args)
    with pytest.raises(BudgetError, match="Only a manager or system administrator"):
        services.budget_create(actor=practitioner, manager=manager, **args)
    with pytest.raises(BudgetError, match="end on or after"):
        services.budget_create(actor=admin, manager=manager, **{**args, "ends_on": clock.today() - dt.timedelta(1)})
    assert services.budget_create(actor=admin, manager=manager, **args).manager == manager
    assert services.budget_create(actor=SYSTEM_COMMAND, manager=manager, **args).created_by_label.startswith("system:")


def test_only_the_budget_manager_changes_the_threshold(w) -> None:
    with pytest.raises(BudgetError, match="Only the budget manager"):
        services.budget_threshold_set(actor=w["lead"], budget=w["budget"], threshold_pence=1)
    services.budget_threshold_set(actor=w["manager"], budget=w["budget"], threshold_pence=2_000)
    w["budget"].refresh_from_db()
    assert w["budget"].approval_threshold_pence == 2_000
    assert AuditEvent.objects.get(action="budgets.threshold_set").data["after_pence"] == 2_000


# Allocations -----------------------------------------------------------------------------------


def test_allocation_is_asked_for_by_the_current_lead_and_approved_by_the_budget_manager(
    w, django_capture_on_commit_callbacks
) -> None:
    assert w["allocation"].status == AllocationStatus.APPROVED
    assert Notification.objects.filter(recipient=w["manager"], subject__contains="waiting for you").exists()
    assert Notification.objects.filter(recipient=w["lead"], subject__contains="approved").exists()
    assert _events("budgets.allocation_requested") == _events("budgets.allocation_approved") == 1

    # Someone else in the team (not the lead) cannot ask for money for the child.
    colleague = w["colleague"]
    caf_services.team_member_add(
        actor=w["lead"], assessment=w["assessment"], kind=MemberKind.PRACTITIONER, user=colleague
    )
    with pytest.raises(BudgetError, match="current lead professional"):
        services.allocation_request(
            actor=colleague, budget=w["budget"], assessment=w["assessment"], amount_pence=100, reason="Kit"
        )
    # A lead from another area cannot use this area's budget.
    outsider = user_in(budget_manager().organisation.local_authority, Role.PRACTITIONER)
    other_caf, _ = led_caf(outsider)
    with pytest.raises(BudgetError, match="lead professionals working in"):
        services.allocation_request(
            actor=outsider, budget=w["budget"], assessment=other_caf, amount_pence=100, reason="Kit"
        )
    # Only the budget manager decides; refusing needs a reason and tells the lead.
    request = services.allocation_request(
        actor=w["lead"], budget=w["budget"], assessment=w["assessment"], amount_pence=100, reason="Bus fares"
    )
    with pytest.raises(BudgetError, match="Only the budget manager"):
        services.allocation_decide(actor=w["lead"], allocation=request, approve=True)
    with pytest.raises(BudgetError, match="why"):
        services.allocation_decide(actor=w["manager"], allocation=request, approve=False)
    with django_capture_on_commit_callbacks(execute=True):
        services.allocation_decide(actor=w["manager"], allocation=request, approve=False, note="Use the bus pass")
    assert Notification.objects.filter(recipient=w["lead"], subject__contains="refused").exists()
    with pytest.raises(BudgetError, match="already been decided"):
        services.allocation_decide(actor=w["manager"], allocation=request, approve=True)


def test_allocations_never_add_up_to_more_than_the_budget(w) -> None:
    # £5,000 budget, £1,000 already allocated: £4,000 can be approved, not a penny more.
    first = services.allocation_request(
        actor=w["lead"], budget=w["budget"], assessment=w["assessment"], amount_pence=300_000, reason="Respite"
    )
    second = services.allocation_request(
        actor=w["lead"], budget=w["budget"], assessment=w["assessment"], amount_pence=100_001, reason="Therapy"
    )
    services.allocation_decide(actor=w["manager"], allocation=first, approve=True)
    with pytest.raises(BudgetError, match="has £1,000.00 left to allocate; this allocation is £1,000.01"):
        services.allocation_decide(actor=w["manager"], allocation=second, approve=True)
    second.refresh_from_db()
    assert second.status == AllocationStatus.REQUESTED
    assert budget_totals(w["budget"]).allocated == 400_000


def test_allocation_for_a_closed_caf_or_a_lead_who_has_moved_on_is_not_approved(w) -> None:
    request = services.allocation_request(
        actor=w["lead"], budget=w["budget"], assessment=w["assessment"], amount_pence=100, reason="Kit"
    )
    caf_services.assessment_close(
        actor=w["lead"], assessment=w["assessment"], reason=ClosureReason.NEEDS_MET, notes="All done"
    )
    with pytest.raises(BudgetError, match="CAF is closed"):
        services.allocation_decide(actor=w["manager"], allocation=request, approve=True)
    with pytest.raises(BudgetError, match="CAF is closed"):
        buy(w["allocation"], w["action"], 100)


# Purchases and the approval threshold ----------------------------------------------------------


def test_up_to_the_threshold_a_purchase_is_committed_at_once(w) -> None:
    purchase = buy(w["allocation"], w["action"], 50_000)  # exactly £500: not above the threshold
    assert purchase.status == PurchaseStatus.COMMITTED
    assert allocation_totals(w["allocation"]).committed == 50_000
    assert not Notification.objects.filter(recipient=w["manager"], subject__contains="needs your approval").exists()
    assert _events("budgets.purchase_recorded") == 1


def test_above_the_threshold_a_purchase_waits_for_the_budget_manager(w, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        purchase = buy(w["allocation"], w["action"], 50_001)
    assert purchase.status == PurchaseStatus.PENDING
    totals = allocation_totals(w["allocation"])
    assert (totals.committed, totals.pending, totals.remaining) == (0, 50_001, 49_999)
    assert Notification.objects.filter(recipient=w["manager"], subject__contains="needs your approval").exists()

    with pytest.raises(BudgetError, match="Only the budget manager"):
        services.purchase_decide(actor=w["lead"], purchase=purchase, approve=True)
    with django_capture_on_commit_callbacks(execute=True):
        services.purchase_decide(actor=w["manager"], purchase=purchase, approve=True)
    purchase.refresh_from_db()
    assert purchase.status == PurchaseStatus.COMMITTED and purchase.decided_by == w["manager"]
    assert allocation_totals(w["allocation"]).committed == 50_001
    assert Notification.objects.filter(recipient=w["lead"], subject__contains="was approved").exists()
    assert _events("budgets.purchase_approved") == 1
    with pytest.raises(BudgetError, match="already been decided"):
        services.purchase_decide(actor=w["manager"], purchase=purchase, approve=False, note="No")


def test_a_waiting_purchase_holds_its_cost_and_rejection_releases_it(w, django_capture_on_commit_callbacks) -> None:
    waiting = buy(w["allocation"], w["action"], 60_000)
    with pytest.raises(BudgetError, match="has £400.00 left; the cost is £450.00"):
        buy(w["allocation"], w["action"], 45_000)
    with pytest.raises(BudgetError, match="why"):
        services.purchase_decide(actor=w["manager"], purchase=waiting, approve=False)
    with django_capture_on_commit_callbacks(execute=True):
        services.purchase_decide(actor=w["manager"], purchase=waiting, approve=False, note="Find a cheaper one")
    assert Notification.objects.filter(recipient=w["lead"], subject__contains="was rejected").exists()
    assert allocation_totals(w["allocation"]).remaining == 100_000
    assert buy(w["allocation"], w["action"], 45_000).status == PurchaseStatus.COMMITTED


def test_approval_rechecks_the_allocation_under_the_lock(w) -> None:
    waiting = buy(w["allocation"], w["action"], 60_000)
    buy(w["allocation"], w["action"], 30_000)
    # Simulate the allocation shrinking behind the purchase's back (as a data correction would):
    # approval must not trust what it saw when the purchase was recorded.
    Allocation.objects.filter(pk=w["allocation"].pk).update(amount_pence=80_000)
    with pytest.raises(BudgetError, match="has £500.00 left; this purchase is £600.00"):
        services.purchase_decide(actor=w["manager"], purchase=waiting, approve=True)
    waiting.refresh_from_db()
    assert waiting.status == PurchaseStatus.PENDING


def test_an_allocation_is_never_overspent_one_purchase_after_another(w) -> None:
    buy(w["allocation"], w["action"], 40_000)
    buy(w["allocation"], w["action"], 40_000)
    with pytest.raises(BudgetError, match="has £200.00 left; the cost is £200.01"):
        buy(w["allocation"], w["action"], 20_001)
    assert buy(w["allocation"], w["action"], 20_000).status == PurchaseStatus.COMMITTED
    with pytest.raises(BudgetError, match="has £0.00 left"):
        buy(w["allocation"], w["action"], 1)
    assert allocation_totals(w["allocation"]).remaining == 0


def test_purchase_rules(w) -> None:
    other_caf, other_action = led_caf(w["lead"])
    with pytest.raises(BudgetError, match="action of this child's delivery plan"):
        buy(w["allocation"], other_action, 100)
    with pytest.raises(BudgetError, match="in the future"):
        buy(w["allocation"], w["action"], 100, bought_on=clock.today() + dt.timedelta(days=1))
    with pytest.raises(BudgetError, match="within the budget's period"):
        buy(w["allocation"], w["action"], 100, bought_on=clock.today() - dt.timedelta(days=31))
    with pytest.raises(BudgetError, match="directory service or enter the supplier"):
        buy(w["allocation"], w["action"], 100, supplier_name=" ")
    with pytest.raises(BudgetError, match="need it meets"):
        buy(w["allocation"], w["action"], 100, need="nonsense")
    colleague = user_in(w["area"], Role.PRACTITIONER)
    with pytest.raises(BudgetError, match="Only the holder"):
        services.purchase_record(
            actor=colleague,
            allocation=w["allocation"],
            kind="goods",
            description="Shoes",
            cost_pence=100,
            bought_on=clock.today(),
            action=w["action"],
            outcome="stay_safe",
            need="basic_care",
            supplier_name="Shop",
        )


def test_a_directory_service_is_the_supplier_and_its_organisation_the_provider(w) -> None:
    service = ServiceFactory()
    purchase = buy(w["allocation"], w["action"], 2_500, kind="commission", service=service, supplier_name="")
    assert purchase.provider_name == service.organization.name
    assert purchase.supplier_label == f"{service.name} ({service.organization.name})"
    report = spend_report(w["manager"])
    assert [(r.label, r.committed) for r in report["by_provider"]] == [(service.organization.name, 2_500)]


def test_a_lead_who_has_handed_over_can_no_longer_spend(w) -> None:
    successor = w["colleague"]
    member = caf_services.team_member_add(
        actor=w["lead"], assessment=w["assessment"], kind=MemberKind.PRACTITIONER, user=successor
    )
    caf_services.lead_professional_appoint(
        actor=w["lead"], assessment=w["assessment"], member=member, meeting=None, reason="Health", handover_note="Over"
    )
    with pytest.raises(BudgetError, match="no longer the child's lead professional"):
        buy(w["allocation"], w["action"], 100)


def test_report_sums_spend_by_outcome_need_provider_lead_and_budget(w) -> None:
    rejected = buy(w["allocation"], w["action"], 70_000, supplier_name="Pharmacy", outcome="stay_safe")
    services.purchase_decide(actor=w["manager"], purchase=rejected, approve=False, note="Too dear")
    buy(w["allocation"], w["action"], 1_000)
    buy(w["allocation"], w["action"], 2_000, outcome="be_healthy", need="general_health", supplier_name="Pharmacy")
    pending = buy(w["allocation"], w["action"], 60_000, supplier_name="Pharmacy")
    buy(w["allocation"], w["action"], 30_000, supplier_name="Pharmacy", outcome="stay_safe")
    other_lead = user_in(w["area"], Role.PRACTITIONER, first_name="Ola", last_name="Other")
    other_caf, other_action = led_caf(other_lead)
    buy(approved_allocation(w["budget"], other_lead, other_caf, 10_000), other_action, 4_000)
    assert pending.status == PurchaseStatus.PENDING

    report = spend_report(w["manager"])
    outcome = {r.label: (r.committed, r.pending, r.purchases) for r in report["by_outcome"]}
    assert outcome == {
        "Enjoy and achieve": (5_000, 60_000, 3),
        "Be healthy": (2_000, 0, 1),
        "Stay safe": (30_000, 0, 1),
    }
    need = {r.label: r.committed for r in report["by_need"]}
    assert need["Development of the child: General health"] == 2_000
    provider = {r.label: (r.committed, r.pending) for r in report["by_provider"]}
    assert provider == {"Town shoe shop": (5_000, 0), "Pharmacy": (32_000, 60_000)}
    lead = {r.label: r.committed for r in report["by_lead"]}
    assert lead == {"Lee Lead": 33_000, "Ola Other": 4_000}
    [(budget, totals)] = report["budgets"]
    assert (totals.amount, totals.allocated, totals.committed, totals.pending, totals.remaining) == (
        500_000,
        110_000,
        37_000,
        60_000,
        403_000,
    )
    # Another area's manager sees none of it.
    assert spend_report(budget_manager())["budgets"] == []


def test_every_service_writes_its_audit_event(w) -> None:
    refused = services.allocation_request(
        actor=w["lead"], budget=w["budget"], assessment=w["assessment"], amount_pence=100, reason="Kit"
    )
    services.allocation_decide(actor=w["manager"], allocation=refused, approve=False, note="No")
    rejected = buy(w["allocation"], w["action"], 60_000)
    services.purchase_decide(actor=w["manager"], purchase=rejected, approve=False, note="No")
    services.budget_threshold_set(actor=w["manager"], budget=w["budget"], threshold_pence=0)
    approved = buy(w["allocation"], w["action"], 1)
    services.purchase_decide(actor=w["manager"], purchase=approved, approve=True)
    expected = {
        "budgets.budget_created": w["budget"].pk,
        "budgets.threshold_set": w["budget"].pk,
        "budgets.allocation_requested": refused.pk,
        "budgets.allocation_approved": w["allocation"].pk,
        "budgets.allocation_refused": refused.pk,
        "budgets.purchase_recorded": approved.pk,
        "budgets.purchase_approved": approved.pk,
        "budgets.purchase_rejected": rejected.pk,
    }
    for action, target in expected.items():
        assert AuditEvent.objects.filter(action=action, object_id=str(target)).exists(), action
