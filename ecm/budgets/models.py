"""Budgets held by lead professionals: the budget, its allocations to a lead professional for one
child's CAF, and the purchases and commissions made against each allocation. Money is integer pence.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from ecm.accounts.models import LocalAuthority
from ecm.budgets.choices import NEED_CHOICES, AllocationStatus, PurchaseKind, PurchaseStatus
from ecm.caf.choices import Outcome
from ecm.caf.models import Assessment, PlanAction
from ecm.core.models import BaseModel
from ecm.directory.models import Service

USER = settings.AUTH_USER_MODEL


def default_threshold() -> int:
    return int(settings.ECM_BUDGET_APPROVAL_THRESHOLD_PENCE)


class Budget(BaseModel):
    """A sum of money for an area and a period, from a funding source, run by one budget manager.

    The approved allocations never add up to more than ``amount_pence``. A purchase costing
    more than ``approval_threshold_pence`` waits for the budget manager's approval.
    """

    name = models.CharField(max_length=200)
    funding_source = models.CharField(max_length=200)
    amount_pence = models.PositiveBigIntegerField()
    starts_on = models.DateField()
    ends_on = models.DateField()
    area = models.ForeignKey(LocalAuthority, on_delete=models.PROTECT, related_name="budgets")
    manager = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="budgets_managed")
    approval_threshold_pence = models.PositiveBigIntegerField(default=default_threshold)

    class Meta:
        ordering = ["-starts_on", "name"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount_pence__gt=0), name="budget_amount_positive"),
            models.CheckConstraint(condition=models.Q(ends_on__gte=models.F("starts_on")), name="budget_period_order"),
        ]

    def __str__(self) -> str:
        return self.name


class Allocation(BaseModel):
    """An amount of a budget for one lead professional (the holder) to spend for one child's CAF.

    The lead professional asks for it; it counts against the budget only once the budget
    manager approves it.
    """

    budget = models.ForeignKey(Budget, on_delete=models.PROTECT, related_name="allocations")
    holder = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="budget_allocations")
    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="budget_allocations")
    amount_pence = models.PositiveBigIntegerField()
    reason = models.TextField()
    status = models.CharField(max_length=10, choices=AllocationStatus.choices, default=AllocationStatus.REQUESTED)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decision_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount_pence__gt=0), name="allocation_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"Allocation for CAF {self.assessment_id}"


class Purchase(BaseModel):
    """Goods bought or a service commissioned with an allocation: from whom, what, cost, date, and
    the plan action, outcome and need it serves.

    The supplier is a directory service (``service``) or another supplier named in
    ``supplier_name``; ``provider_name`` is what reports group by (the service's
    organisation, or the other supplier). A pending purchase holds its cost against the
    allocation; a rejected one holds nothing.
    """

    allocation = models.ForeignKey(Allocation, on_delete=models.PROTECT, related_name="purchases")
    kind = models.CharField(max_length=12, choices=PurchaseKind.choices)
    service = models.ForeignKey(Service, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    supplier_name = models.CharField(max_length=200, blank=True)
    provider_name = models.CharField(max_length=255)
    description = models.TextField()
    cost_pence = models.PositiveBigIntegerField()
    bought_on = models.DateField()
    action = models.ForeignKey(PlanAction, on_delete=models.PROTECT, related_name="budget_purchases")
    outcome = models.CharField(max_length=30, choices=Outcome.choices)
    need = models.CharField(max_length=40, choices=NEED_CHOICES)
    status = models.CharField(max_length=10, choices=PurchaseStatus.choices)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decision_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-bought_on", "-created_at"]
        constraints = [
            models.CheckConstraint(condition=models.Q(cost_pence__gt=0), name="purchase_cost_positive"),
        ]

    def __str__(self) -> str:
        return self.description[:50]

    @property
    def supplier_label(self) -> str:
        if self.service_id and self.service:
            return f"{self.service.name} ({self.provider_name})"
        return self.supplier_name
