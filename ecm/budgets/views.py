"""Budget pages: thin views that fetch through access, write through one service, and render."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from ecm.accounts.choices import Role
from ecm.budgets import selectors, services
from ecm.budgets.access import (
    allocation_for,
    budget_for_manager,
    budget_manager_required,
    hub_required,
    lead_required,
    overview_required,
    purchase_for_manager,
)
from ecm.budgets.choices import AllocationStatus, Decision, PurchaseStatus
from ecm.budgets.forms import AllocationRequestForm, BudgetForm, DecisionForm, PurchaseForm, ThresholdForm
from ecm.budgets.money import format_pence
from ecm.core.exports import csv_writer


def _posted(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


def _form_page(
    request: HttpRequest,
    form: Form,
    act: Callable[[dict[str, Any]], Any],
    *,
    title: str,
    back: str,
    done: Callable[[Any], str],
    then: Callable[[Any], str],
    context: dict[str, Any] | None = None,
) -> HttpResponse:
    """The shape of every one-form page: valid → one service → message → next page; a rule broken → error summary."""
    if request.method == "POST" and form.is_valid():
        try:
            result = act(form.cleaned_data)
        except services.BudgetError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, done(result))
            return redirect(then(result))
    back_url = back if back.startswith("/") else reverse(back)
    page = {"form": form, "title": title, "back_url": back_url, **(context or {})}
    return render(request, "budgets/form_page.html", page)


@hub_required
def home(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    context = {
        "is_lead": user.has_any_role(Role.PRACTITIONER, Role.MANAGER),
        "is_overview": user.has_any_role(Role.MANAGER, Role.SYSTEM_ADMIN),
        "managed": selectors.budgets_managed_by(user),
        "waiting": selectors.waiting_count(user),
    }
    return render(request, "budgets/home.html", context)


# The lead professional -------------------------------------------------------------------------


@lead_required
def my_allocations(request: HttpRequest) -> HttpResponse:
    rows = selectors.allocations_held_by(request.user)  # type: ignore[arg-type]
    selectors.record_read(actor=request.user, action="budgets.allocations_listed", data={"count": len(rows)})
    return render(request, "budgets/my_allocations.html", {"rows": rows})


@lead_required
@require_http_methods(["GET", "POST"])
def allocation_request(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    cafs = {str(a.pk): a for a in selectors.cafs_led_by(user)}
    budgets = {str(b.pk): b for b in selectors.budgets_open_to(user)}
    form = AllocationRequestForm(
        _posted(request),
        cafs=[(k, f"{a.child.display_name} ({a.reference})") for k, a in cafs.items()],
        budgets=[
            (k, f"{b.name} ({format_pence(selectors.budget_totals(b).unallocated)} left)") for k, b in budgets.items()
        ],
    )

    def act(data: dict[str, Any]) -> Any:
        return services.allocation_request(
            actor=user,
            budget=budgets[data["budget"]],
            assessment=cafs[data["assessment"]],
            amount_pence=data["amount"],
            reason=data["reason"],
        )

    return _form_page(
        request,
        form,
        act,
        title="Ask for an allocation",
        back="budgets:mine",
        done=lambda a: "Your request has gone to the budget manager.",
        then=lambda a: f"/budgets/allocations/{a.pk}/",
        context={"empty": not cafs or not budgets, "cafs": cafs, "budgets": budgets},
    )


@lead_required
def allocation_detail(request: HttpRequest, allocation_id: str) -> HttpResponse:
    allocation = allocation_for(actor=request.user, allocation_id=allocation_id)
    selectors.record_read(
        actor=request.user,
        action="budgets.allocation_viewed",
        target=allocation,
        data={"child_id": str(allocation.assessment.child_id)},
    )
    context = {
        "allocation": allocation,
        "totals": selectors.allocation_totals(allocation),
        "purchases": selectors.purchases_of(allocation),
        "is_holder": allocation.holder_id == request.user.pk,
        "is_manager": allocation.budget.manager_id == request.user.pk,
        "approved": allocation.status == AllocationStatus.APPROVED,
        "pending": PurchaseStatus.PENDING,
    }
    return render(request, "budgets/allocation_detail.html", context)


@lead_required
@require_http_methods(["GET", "POST"])
def purchase_record(request: HttpRequest, allocation_id: str) -> HttpResponse:
    allocation = allocation_for(actor=request.user, allocation_id=allocation_id, holder=True)
    if allocation.status != AllocationStatus.APPROVED:
        raise Http404("This allocation cannot be spent")
    found = {str(s.pk): s for s in selectors.active_services()}
    actions = {str(a.pk): a for a in selectors.plan_actions_of(allocation.assessment)}
    form = PurchaseForm(
        _posted(request),
        services=[(k, f"{s.name} ({s.organization.name})") for k, s in found.items()],
        actions=[(k, f"{a.what} ({a.get_outcome_display()})") for k, a in actions.items()],
    )

    def act(data: dict[str, Any]) -> Any:
        return services.purchase_record(
            actor=request.user,
            allocation=allocation,
            kind=data["kind"],
            description=data["description"],
            cost_pence=data["cost"],
            bought_on=data["bought_on"],
            action=actions[data["action"]],
            outcome=data["outcome"],
            need=data["need"],
            service=found.get(data["service"] or ""),
            supplier_name=data["supplier_name"],
        )

    def done(purchase: Any) -> str:
        if purchase.status == PurchaseStatus.PENDING:
            return f"The purchase of {format_pence(purchase.cost_pence)} is waiting for the budget manager's approval."
        return f"The purchase of {format_pence(purchase.cost_pence)} is committed."

    return _form_page(
        request,
        form,
        act,
        title="Record a purchase",
        back=f"/budgets/allocations/{allocation.pk}/",
        done=done,
        then=lambda p: f"/budgets/allocations/{allocation.pk}/",
        context={"allocation": allocation, "threshold": allocation.budget.approval_threshold_pence},
    )


# The budget manager ----------------------------------------------------------------------------


@budget_manager_required
def approvals(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    allocations = selectors.allocations_waiting_for(user)
    purchases = selectors.purchases_waiting_for(user)
    selectors.record_read(
        actor=user,
        action="budgets.approvals_listed",
        data={"allocations": len(allocations), "purchases": len(purchases)},
    )
    return render(request, "budgets/approvals.html", {"allocations": allocations, "purchases": purchases})


@budget_manager_required
@require_http_methods(["GET", "POST"])
def allocation_decide(request: HttpRequest, allocation_id: str) -> HttpResponse:
    allocation = allocation_for(actor=request.user, allocation_id=allocation_id, manager=True)
    form = DecisionForm(_posted(request))

    def act(data: dict[str, Any]) -> Any:
        return services.allocation_decide(
            actor=request.user, allocation=allocation, approve=data["decision"] == Decision.APPROVE, note=data["note"]
        )

    return _form_page(
        request,
        form,
        act,
        title=f"Allocation of {format_pence(allocation.amount_pence)} for {allocation.assessment.reference}",
        back="budgets:approvals",
        done=lambda a: f"The allocation is {a.get_status_display().lower()}.",
        then=lambda a: "/budgets/approvals/",
        context={"allocation": allocation, "budget_totals": selectors.budget_totals(allocation.budget)},
    )


@budget_manager_required
@require_http_methods(["GET", "POST"])
def purchase_decide(request: HttpRequest, purchase_id: str) -> HttpResponse:
    purchase = purchase_for_manager(actor=request.user, purchase_id=purchase_id)
    form = DecisionForm(_posted(request))

    def act(data: dict[str, Any]) -> Any:
        return services.purchase_decide(
            actor=request.user, purchase=purchase, approve=data["decision"] == Decision.APPROVE, note=data["note"]
        )

    return _form_page(
        request,
        form,
        act,
        title=f"Purchase of {format_pence(purchase.cost_pence)} for {purchase.allocation.assessment.reference}",
        back="budgets:approvals",
        done=lambda p: f"The purchase is {p.get_status_display().lower()}.",
        then=lambda p: "/budgets/approvals/",
        context={"purchase": purchase, "allocation_totals": selectors.allocation_totals(purchase.allocation)},
    )


@budget_manager_required
def budget_detail(request: HttpRequest, budget_id: str) -> HttpResponse:
    budget = budget_for_manager(actor=request.user, budget_id=budget_id)
    rows = selectors.allocations_of_budget(budget)
    selectors.record_read(actor=request.user, action="budgets.budget_viewed", target=budget, data={"count": len(rows)})
    context = {"budget": budget, "totals": selectors.budget_totals(budget), "rows": rows}
    return render(request, "budgets/budget_detail.html", context)


@budget_manager_required
@require_http_methods(["GET", "POST"])
def budget_threshold(request: HttpRequest, budget_id: str) -> HttpResponse:
    budget = budget_for_manager(actor=request.user, budget_id=budget_id)
    form = ThresholdForm(_posted(request), initial={"threshold": f"{budget.approval_threshold_pence / 100:.2f}"})

    def act(data: dict[str, Any]) -> Any:
        return services.budget_threshold_set(actor=request.user, budget=budget, threshold_pence=data["threshold"])

    return _form_page(
        request,
        form,
        act,
        title=f"Approval threshold for {budget.name}",
        back=f"/budgets/budgets/{budget.pk}/",
        done=lambda b: f"Purchases above {format_pence(b.approval_threshold_pence)} now need your approval.",
        then=lambda b: f"/budgets/budgets/{b.pk}/",
    )


# Managers and system administrators ------------------------------------------------------------


@overview_required
def budget_list(request: HttpRequest) -> HttpResponse:
    rows = selectors.budgets_with_totals(request.user)  # type: ignore[arg-type]
    return render(request, "budgets/budget_list.html", {"rows": rows})


@overview_required
@require_http_methods(["GET", "POST"])
def budget_create(request: HttpRequest) -> HttpResponse:
    areas = {str(a.pk): a for a in selectors.areas_for_choice()}
    managers = {str(m.pk): m for m in selectors.managers_for_choice()}
    form = BudgetForm(
        _posted(request),
        areas=[(k, a.name) for k, a in areas.items()],
        managers=[(k, f"{m.get_full_name() or m.username}, {m.organisation}") for k, m in managers.items()],
    )

    def act(data: dict[str, Any]) -> Any:
        return services.budget_create(
            actor=request.user,
            name=data["name"],
            funding_source=data["funding_source"],
            amount_pence=data["amount"],
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            area=areas[data["area"]],
            manager=managers[data["manager"]],
            approval_threshold_pence=data["threshold"],
        )

    return _form_page(
        request,
        form,
        act,
        title="Create a budget",
        back="budgets:list",
        done=lambda b: f"{b.name} is created.",
        then=lambda b: "/budgets/budgets/",
    )


@overview_required
def reports(request: HttpRequest) -> HttpResponse:
    return render(request, "budgets/reports.html", selectors.spend_report(request.user))  # type: ignore[arg-type]


def _pounds(pence: int) -> str:
    """Pounds with two decimals and no symbol, for spreadsheets."""
    return f"{pence / 100:.2f}"


@overview_required
def reports_csv(request: HttpRequest) -> HttpResponse:
    """The same report as a CSV file; downloading it is audited as an export."""
    report = selectors.spend_report(request.user)  # type: ignore[arg-type]
    selectors.record_read(
        actor=request.user, action="budgets.report_exported", data={"budgets": len(report["budgets"])}
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="budget-spending.csv"'
    writer = csv_writer(response)
    writer.writerow(["Budget", "Area", "Starts", "Ends", "Amount", "Allocated", "Committed", "Waiting", "Remaining"])
    for budget, t in report["budgets"]:
        writer.writerow(
            [budget.name, budget.area.name, budget.starts_on, budget.ends_on]
            + [_pounds(v) for v in (t.amount, t.allocated, t.committed, t.pending, t.remaining)]
        )
    writer.writerow([])
    writer.writerow(["Breakdown", "Group", "Purchases", "Committed", "Waiting for approval"])
    for key, title in (
        ("by_outcome", "Outcome"),
        ("by_need", "Need"),
        ("by_provider", "Provider"),
        ("by_lead", "Lead professional"),
    ):
        for row in report[key]:
            writer.writerow([title, row.label, row.purchases, _pounds(row.committed), _pounds(row.pending)])
    return response
