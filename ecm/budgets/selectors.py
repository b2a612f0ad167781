"""Every read of budgets. Pages that name a child or show what was bought for them record the read."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Count, Q, QuerySet, Sum

from ecm.accounts.choices import Role
from ecm.accounts.models import LocalAuthority, User
from ecm.audit.services import audit_record
from ecm.budgets.choices import NEED_LABELS, AllocationStatus, PurchaseStatus
from ecm.budgets.models import Allocation, Budget, Purchase
from ecm.caf.choices import CafStatus, Outcome
from ecm.caf.models import Assessment, PlanAction
from ecm.core import clock
from ecm.core.actors import Actor
from ecm.directory.choices import ServiceStatus
from ecm.directory.models import Service
from ecm.index.visibility import children_visible


def record_read(*, actor: Actor, action: str, target: Any = None, data: dict[str, Any] | None = None) -> None:
    """Audit a sensitive read; if the audit cannot be written the page fails."""
    with transaction.atomic():
        audit_record(actor=actor, action=action, target=target, data=data or {})


# Totals ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Totals:
    """Money of one allocation or budget, in pence."""

    amount: int
    allocated: int
    committed: int
    pending: int

    @property
    def remaining(self) -> int:
        """Not yet committed nor held by a purchase waiting for approval."""
        return self.amount - self.committed - self.pending

    @property
    def unallocated(self) -> int:
        return self.amount - self.allocated


def _purchase_sums(purchases: QuerySet[Purchase]) -> tuple[int, int]:
    sums = {
        row["status"]: int(row["total"] or 0) for row in purchases.values("status").annotate(total=Sum("cost_pence"))
    }
    return sums.get(PurchaseStatus.COMMITTED, 0), sums.get(PurchaseStatus.PENDING, 0)


def allocation_totals(allocation: Allocation) -> Totals:
    committed, pending = _purchase_sums(Purchase.objects.filter(allocation=allocation))
    return Totals(allocation.amount_pence, allocation.amount_pence, committed, pending)


def budget_totals(budget: Budget) -> Totals:
    allocated = Allocation.objects.filter(budget=budget, status=AllocationStatus.APPROVED).aggregate(
        total=Sum("amount_pence")
    )["total"]
    committed, pending = _purchase_sums(Purchase.objects.filter(allocation__budget=budget))
    return Totals(budget.amount_pence, int(allocated or 0), committed, pending)


# Budgets ---------------------------------------------------------------------------------------


def budgets_visible_to(user: User) -> QuerySet[Budget]:
    """System administrators see every budget; a manager the budgets of their area and those they run."""
    budgets = Budget.objects.select_related("area", "manager")
    if user.has_role(Role.SYSTEM_ADMIN):
        return budgets
    area_id = user.organisation.local_authority_id if user.organisation_id and user.organisation else None
    return budgets.filter(Q(manager=user) | Q(area_id=area_id))


def budgets_with_totals(user: User) -> list[tuple[Budget, Totals]]:
    return [(budget, budget_totals(budget)) for budget in budgets_visible_to(user)]


def budgets_managed_by(user: User) -> list[Budget]:
    return list(Budget.objects.filter(manager=user).select_related("area"))


def budgets_open_to(user: User) -> list[Budget]:
    """Budgets of the user's area open today: the ones they may ask for an allocation from."""
    area_id = user.organisation.local_authority_id if user.organisation_id and user.organisation else None
    today = clock.today()
    return list(Budget.objects.filter(area_id=area_id, starts_on__lte=today, ends_on__gte=today))


def allocations_of_budget(budget: Budget) -> list[tuple[Allocation, Totals]]:
    rows = Allocation.objects.filter(budget=budget).select_related("holder", "assessment")
    return [(a, allocation_totals(a)) for a in rows]


def areas_for_choice() -> list[LocalAuthority]:
    return list(LocalAuthority.objects.all())


def area_by_id(area_id: Any) -> LocalAuthority | None:
    return LocalAuthority.objects.filter(pk=area_id).first()


def managers_for_choice() -> list[User]:
    return list(
        User.objects.filter(role_assignments__role=Role.MANAGER, is_active=True, organisation__isnull=False)
        .select_related("organisation__local_authority")
        .distinct()
    )


def manager_by_id(user_id: Any) -> User | None:
    return User.objects.filter(pk=user_id, role_assignments__role=Role.MANAGER).distinct().first()


# The lead professional's side ------------------------------------------------------------------


def allocations_held_by(user: User) -> list[tuple[Allocation, Totals]]:
    rows = Allocation.objects.filter(children_visible(user, "assessment__child__"), holder=user).select_related(
        "budget", "assessment__child"
    )
    return [(a, allocation_totals(a)) for a in rows]


def cafs_led_by(user: User) -> list[Assessment]:
    """Open CAFs whose current lead professional is the user."""
    return list(
        Assessment.objects.filter(leads__ended_on__isnull=True, leads__member__user=user)
        .filter(children_visible(user, "child__"))
        .exclude(status=CafStatus.CLOSED)
        .select_related("child")
        .distinct()
    )


def purchases_of(allocation: Allocation) -> list[Purchase]:
    return list(allocation.purchases.select_related("service", "action", "decided_by"))


def plan_actions_of(assessment: Assessment) -> list[PlanAction]:
    return list(PlanAction.objects.filter(assessment=assessment))


def active_services() -> list[Service]:
    return list(Service.objects.filter(status=ServiceStatus.ACTIVE).select_related("organization").order_by("name"))


def active_service_by_id(service_id: Any) -> Service | None:
    return Service.objects.filter(pk=service_id, status=ServiceStatus.ACTIVE).select_related("organization").first()


# The budget manager's queue --------------------------------------------------------------------


def allocations_waiting_for(manager: User) -> list[Allocation]:
    return list(
        Allocation.objects.filter(budget__manager=manager, status=AllocationStatus.REQUESTED).select_related(
            "budget", "holder", "assessment"
        )
    )


def purchases_waiting_for(manager: User) -> list[Purchase]:
    return list(
        Purchase.objects.filter(allocation__budget__manager=manager, status=PurchaseStatus.PENDING).select_related(
            "allocation__budget", "allocation__holder", "allocation__assessment", "action", "service"
        )
    )


def waiting_count(manager: User) -> int:
    allocations = Allocation.objects.filter(budget__manager=manager, status=AllocationStatus.REQUESTED).count()
    purchases = Purchase.objects.filter(allocation__budget__manager=manager, status=PurchaseStatus.PENDING).count()
    return allocations + purchases


# Reports ---------------------------------------------------------------------------------------


@dataclass
class SpendRow:
    label: str
    committed: int = 0
    pending: int = 0
    purchases: int = 0


def _grouped(purchases: QuerySet[Purchase], field: str, labels: dict[str, str] | None = None) -> list[SpendRow]:
    rows: dict[str, SpendRow] = {}
    for value, status, total, count in _sums_by(purchases, field):
        label = (labels or {}).get(value, value) or "Not recorded"
        row = rows.setdefault(label, SpendRow(label))
        if status == PurchaseStatus.COMMITTED:
            row.committed += total
        else:
            row.pending += total
        row.purchases += count
    return sorted(rows.values(), key=lambda r: (-r.committed, r.label))


def _sums_by(purchases: QuerySet[Purchase], field: str) -> list[tuple[str, str, int, int]]:
    grouped = purchases.values(field, "status").annotate(total=Sum("cost_pence"), n=Count("id")).order_by()
    return [(str(row[field] or ""), row["status"], int(row["total"] or 0), int(row["n"])) for row in grouped]


def spend_report(user: User) -> dict[str, Any]:
    """Spend (committed, and held while waiting for approval) by outcome, need, provider and lead
    professional, and each budget's totals, over the budgets the user may see. No child is named."""
    budgets = budgets_visible_to(user)
    purchases = Purchase.objects.filter(
        allocation__budget__in=budgets, status__in=[PurchaseStatus.COMMITTED, PurchaseStatus.PENDING]
    )
    holders = {
        str(u.pk): u.get_full_name() or u.username
        for u in User.objects.filter(budget_allocations__budget__in=budgets).distinct()
    }
    return {
        "budgets": [(b, budget_totals(b)) for b in budgets],
        "by_outcome": _grouped(purchases, "outcome", dict(Outcome.choices)),
        "by_need": _grouped(purchases, "need", NEED_LABELS),
        "by_provider": _grouped(purchases, "provider_name"),
        "by_lead": _grouped(purchases, "allocation__holder", holders),
    }
