"""Every write of budgets. Each function is atomic and audited; notifications go after commit.

Overspending is impossible by construction: every write that spends money locks the row the
money belongs to (``select_for_update``) and adds up what is already committed or held inside
the same transaction. Allocations lock their budget row; purchases and decisions on them lock
their allocation row. Two requests at once therefore queue on the lock, and the second sees the
first one's money gone. (SQLite, the embedded default, has no row locks; it lets only one
transaction write at a time, which gives the same result.)

A purchase costing more than the budget's approval threshold waits for the budget manager.
While it waits it *holds* its cost against the allocation, so the lead professional cannot
spend the same money twice; approving re-checks the allocation under the lock, and rejecting
releases what was held.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Sum

from ecm.accounts.access import actor_person
from ecm.accounts.choices import Role
from ecm.accounts.models import LocalAuthority, User
from ecm.audit.services import audit_record
from ecm.budgets.choices import NEED_LABELS, AllocationStatus, PurchaseKind, PurchaseStatus
from ecm.budgets.models import Allocation, Budget, Purchase
from ecm.budgets.money import format_pence
from ecm.caf.choices import Outcome
from ecm.caf.models import Assessment, PlanAction
from ecm.caf.services import current_lead
from ecm.core import clock
from ecm.core.actors import Actor, SystemActor
from ecm.directory.choices import ServiceStatus
from ecm.directory.models import Service


class BudgetError(ValueError):
    """A budget rule was broken; the message is for the person acting."""


def require(condition: bool, message: str) -> None:
    if not condition:
        raise BudgetError(message)


def notify(*, actor: Actor, recipients: Iterable[Any], subject: str, link: str = "") -> None:
    """In-service notifications (and email) once the transaction commits; never to the actor."""
    from ecm.notifications.services import notification_send

    people = {r.pk: r for r in recipients if r is not None and getattr(r, "pk", None)}
    people.pop(getattr(actor, "pk", None), None)

    def send() -> None:
        for person in people.values():
            notification_send(actor=actor, recipient=person, subject=subject, link=link)

    if people:
        transaction.on_commit(send)


# Sums, always taken inside the caller's transaction (after the lock) --------------------------


def allocated_pence(budget: Budget) -> int:
    """What the approved allocations of a budget add up to."""
    total = budget.allocations.filter(status=AllocationStatus.APPROVED).aggregate(total=Sum("amount_pence"))["total"]
    return int(total or 0)


def spent_pence(allocation: Allocation, *, exclude: Purchase | None = None) -> tuple[int, int]:
    """(committed, held by pending purchases) of an allocation."""
    rows = allocation.purchases.exclude(status=PurchaseStatus.REJECTED)
    if exclude is not None:
        rows = rows.exclude(pk=exclude.pk)
    totals = {row["status"]: int(row["total"] or 0) for row in rows.values("status").annotate(total=Sum("cost_pence"))}
    return totals.get(PurchaseStatus.COMMITTED, 0), totals.get(PurchaseStatus.PENDING, 0)


def _is_current_lead(user: Any, assessment: Assessment) -> bool:
    lead = current_lead(assessment)
    return lead is not None and lead.member.user_id == getattr(user, "pk", None)


def _budget_current(budget: Budget, day: dt.date) -> bool:
    return budget.starts_on <= day <= budget.ends_on


# Budgets ---------------------------------------------------------------------------------------


@transaction.atomic
def budget_create(
    *,
    actor: Actor,
    name: str,
    funding_source: str,
    amount_pence: int,
    starts_on: dt.date,
    ends_on: dt.date,
    area: LocalAuthority,
    manager: Any,
    approval_threshold_pence: int | None = None,
) -> Budget:
    """A new budget (a manager or system administrator sets it up) for an area and period, run by a
    budget manager who holds the manager role in an organisation of that area."""
    require(
        isinstance(actor, SystemActor)
        or (isinstance(actor, User) and actor.has_any_role(Role.MANAGER, Role.SYSTEM_ADMIN)),
        "Only a manager or system administrator can do this.",
    )
    require(bool(name.strip()), "Enter the name of the budget.")
    require(bool(funding_source.strip()), "Enter the funding source.")
    require(amount_pence > 0, "The amount must be more than £0.00.")
    require(ends_on >= starts_on, "The budget must end on or after the day it starts.")
    require(manager is not None and manager.has_role(Role.MANAGER), "The budget manager must be a manager.")
    require(
        manager.organisation is not None and manager.organisation.local_authority_id == area.pk,
        f"The budget manager must work for an organisation in {area.name}.",
    )
    budget = Budget(
        name=name.strip(),
        funding_source=funding_source.strip(),
        amount_pence=amount_pence,
        starts_on=starts_on,
        ends_on=ends_on,
        area=area,
        manager=manager,
    )
    if approval_threshold_pence is not None:
        budget.approval_threshold_pence = approval_threshold_pence
    budget.stamp(actor, creating=True)
    budget.save()
    audit_record(
        actor=actor,
        action="budgets.budget_created",
        target=budget,
        data={"amount_pence": amount_pence, "area": area.code, "manager": manager.pk},
    )
    notify(
        actor=actor,
        recipients=[manager],
        subject=f"You are the budget manager of {budget.name}",
        link=f"/budgets/budgets/{budget.pk}/",
    )
    return budget


@transaction.atomic
def budget_threshold_set(*, actor: Actor, budget: Budget, threshold_pence: int) -> Budget:
    """The budget manager changes the amount above which a purchase needs their approval.

    Purchases already recorded keep their status; the new threshold applies from now on.
    """
    require(budget.manager_id == getattr(actor, "pk", None), "Only the budget manager can change this.")
    require(threshold_pence >= 0, "The threshold cannot be less than £0.00.")
    before = budget.approval_threshold_pence
    budget.approval_threshold_pence = threshold_pence
    budget.stamp(actor)
    budget.save(update_fields=["approval_threshold_pence", "modified_at", "modified_by", "modified_by_label"])
    audit_record(
        actor=actor,
        action="budgets.threshold_set",
        target=budget,
        data={"before_pence": before, "after_pence": threshold_pence},
    )
    return budget


# Allocations -----------------------------------------------------------------------------------


@transaction.atomic
def allocation_request(
    *, actor: Actor, budget: Budget, assessment: Assessment, amount_pence: int, reason: str
) -> Allocation:
    """The lead professional of an open CAF asks the budget manager for an amount to spend for that child."""
    actor = actor_person(actor)
    require(assessment.is_open, "This CAF is closed.")
    require(_is_current_lead(actor, assessment), "Only the child's current lead professional can ask for this.")
    require(_budget_current(budget, clock.today()), "This budget is not open today.")
    organisation = getattr(actor, "organisation", None)
    require(
        organisation is not None and organisation.local_authority_id == budget.area_id,
        f"{budget.name} is for lead professionals working in {budget.area.name}.",
    )
    require(amount_pence > 0, "The amount must be more than £0.00.")
    require(bool(reason.strip()), "Say what the money is for.")
    allocation = Allocation(
        budget=budget, holder=actor, assessment=assessment, amount_pence=amount_pence, reason=reason.strip()
    )
    allocation.stamp(actor, creating=True)
    allocation.save()
    audit_record(
        actor=actor,
        action="budgets.allocation_requested",
        target=allocation,
        data={"budget": str(budget.pk), "assessment": str(assessment.pk), "amount_pence": amount_pence},
    )
    notify(
        actor=actor,
        recipients=[budget.manager],
        subject=f"An allocation of {format_pence(amount_pence)} from {budget.name} is waiting for you",
        link="/budgets/approvals/",
    )
    return allocation


@transaction.atomic
def allocation_decide(*, actor: Actor, allocation: Allocation, approve: bool, note: str = "") -> Allocation:
    """The budget manager approves or refuses a requested allocation.

    Approving locks the budget row and re-adds its approved allocations inside the
    transaction, so two approvals at once can never allocate more than the budget holds.
    """
    actor = actor_person(actor)
    budget = Budget.objects.select_for_update().get(pk=allocation.budget_id)
    allocation = Allocation.objects.select_for_update().select_related("assessment").get(pk=allocation.pk)
    require(budget.manager_id == getattr(actor, "pk", None), "Only the budget manager can decide this.")
    require(allocation.status == AllocationStatus.REQUESTED, "This allocation has already been decided.")
    if approve:
        require(allocation.assessment.is_open, "The CAF is closed, so this cannot be approved.")
        require(
            _is_current_lead(allocation.holder, allocation.assessment),
            "They are no longer the child's lead professional, so this cannot be approved.",
        )
        free = budget.amount_pence - allocated_pence(budget)
        require(
            allocation.amount_pence <= free,
            f"{budget.name} has {format_pence(free)} left to allocate; "
            f"this allocation is {format_pence(allocation.amount_pence)}.",
        )
    else:
        require(bool(note.strip()), "Say why you are refusing it.")
    allocation.status = AllocationStatus.APPROVED if approve else AllocationStatus.REFUSED
    allocation.decided_at = clock.now()
    allocation.decided_by = actor
    allocation.decision_note = note.strip()
    allocation.stamp(actor)
    allocation.save()
    audit_record(
        actor=actor,
        action="budgets.allocation_approved" if approve else "budgets.allocation_refused",
        target=allocation,
        data={"amount_pence": allocation.amount_pence, "budget": str(budget.pk)},
    )
    notify(
        actor=actor,
        recipients=[allocation.holder],
        subject=f"Your allocation of {format_pence(allocation.amount_pence)} was "
        f"{'approved' if approve else 'refused'}",
        link=f"/budgets/allocations/{allocation.pk}/",
    )
    return allocation


# Purchases -------------------------------------------------------------------------------------


@transaction.atomic
def purchase_record(
    *,
    actor: Actor,
    allocation: Allocation,
    kind: str,
    description: str,
    cost_pence: int,
    bought_on: dt.date,
    action: PlanAction,
    outcome: str,
    need: str,
    service: Service | None = None,
    supplier_name: str = "",
) -> Purchase:
    """The lead professional records goods bought or a service commissioned with their allocation.

    Up to the budget's threshold it is committed at once; above it, it waits (holding its
    cost) for the budget manager. Either way the allocation row is locked first and what is
    committed or held is added up inside the transaction, so it is never overspent.
    """
    allocation = Allocation.objects.select_for_update().select_related("budget", "assessment").get(pk=allocation.pk)
    budget = allocation.budget
    require(allocation.holder_id == getattr(actor, "pk", None), "Only the holder of this allocation can spend it.")
    require(allocation.status == AllocationStatus.APPROVED, "This allocation has not been approved.")
    require(allocation.assessment.is_open, "The CAF is closed, so nothing more can be bought with this allocation.")
    require(_is_current_lead(actor, allocation.assessment), "You are no longer the child's lead professional.")
    require(kind in PurchaseKind.values, "Choose whether you bought goods or commissioned a service.")
    require(bool(description.strip()), "Say what was bought.")
    require(cost_pence > 0, "The cost must be more than £0.00.")
    require(bought_on <= clock.today(), "The date cannot be in the future.")
    require(
        budget.starts_on <= bought_on <= budget.ends_on,
        f"The date must be within the budget's period, {budget.starts_on:%-d %B %Y} to {budget.ends_on:%-d %B %Y}.",
    )
    require(action.assessment_id == allocation.assessment_id, "Choose an action of this child's delivery plan.")
    require(outcome in Outcome.values, "Choose the outcome it serves.")
    require(need in NEED_LABELS, "Choose the need it meets.")
    if service is not None:
        require(service.status == ServiceStatus.ACTIVE, "That service is not active in the directory.")
        provider_name, supplier_name = service.organization.name, ""
    else:
        require(bool(supplier_name.strip()), "Choose a directory service or enter the supplier.")
        provider_name = supplier_name = supplier_name.strip()
    committed, held = spent_pence(allocation)
    left = allocation.amount_pence - committed - held
    require(
        cost_pence <= left,
        f"This allocation has {format_pence(left)} left; the cost is {format_pence(cost_pence)}.",
    )
    needs_approval = cost_pence > budget.approval_threshold_pence
    purchase = Purchase(
        allocation=allocation,
        kind=kind,
        service=service,
        supplier_name=supplier_name,
        provider_name=provider_name,
        description=description.strip(),
        cost_pence=cost_pence,
        bought_on=bought_on,
        action=action,
        outcome=outcome,
        need=need,
        status=PurchaseStatus.PENDING if needs_approval else PurchaseStatus.COMMITTED,
    )
    purchase.stamp(actor, creating=True)
    purchase.save()
    audit_record(
        actor=actor,
        action="budgets.purchase_recorded",
        target=purchase,
        data={"allocation": str(allocation.pk), "cost_pence": cost_pence, "status": purchase.status},
    )
    if needs_approval:
        notify(
            actor=actor,
            recipients=[budget.manager],
            subject=f"A purchase of {format_pence(cost_pence)} from {budget.name} needs your approval",
            link="/budgets/approvals/",
        )
    return purchase


@transaction.atomic
def purchase_decide(*, actor: Actor, purchase: Purchase, approve: bool, note: str = "") -> Purchase:
    """The budget manager approves (commits) or rejects a purchase that was waiting.

    Approval re-checks, under the allocation's lock, that committed and held money with
    this purchase still fits the allocation. Rejection releases what the purchase held.
    """
    actor = actor_person(actor)
    allocation = Allocation.objects.select_for_update().select_related("budget").get(pk=purchase.allocation_id)
    purchase = Purchase.objects.select_for_update().get(pk=purchase.pk)
    require(allocation.budget.manager_id == getattr(actor, "pk", None), "Only the budget manager can decide this.")
    require(purchase.status == PurchaseStatus.PENDING, "This purchase has already been decided.")
    if approve:
        committed, held = spent_pence(allocation, exclude=purchase)
        left = allocation.amount_pence - committed - held
        require(
            purchase.cost_pence <= left,
            f"The allocation has {format_pence(left)} left; this purchase is {format_pence(purchase.cost_pence)}.",
        )
    else:
        require(bool(note.strip()), "Say why you are rejecting it.")
    purchase.status = PurchaseStatus.COMMITTED if approve else PurchaseStatus.REJECTED
    purchase.decided_at = clock.now()
    purchase.decided_by = actor
    purchase.decision_note = note.strip()
    purchase.stamp(actor)
    purchase.save()
    audit_record(
        actor=actor,
        action="budgets.purchase_approved" if approve else "budgets.purchase_rejected",
        target=purchase,
        data={"allocation": str(allocation.pk), "cost_pence": purchase.cost_pence},
    )
    notify(
        actor=actor,
        recipients=[allocation.holder],
        subject=f"Your purchase of {format_pence(purchase.cost_pence)} was {'approved' if approve else 'rejected'}",
        link=f"/budgets/allocations/{allocation.pk}/",
    )
    return purchase
