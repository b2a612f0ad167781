"""Who may see and change budgets. Forbidden and missing both answer 404; refused attempts are audited.

- A budget's own page, its threshold and its approvals belong to its budget manager only.
- An allocation is seen by its holder (the lead professional) and the budget's manager;
  only the holder spends it, only the manager decides on it.
- The list of budgets and the reports (totals, no child named) are for managers and system
  administrators, over the budgets of their area (system administrators: every budget).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.http import Http404, HttpResponse

from ecm.accounts.access import child_data_required, role_required
from ecm.accounts.choices import Role
from ecm.audit.services import audit_record
from ecm.budgets.models import Allocation, Budget, Purchase
from ecm.core.actors import Actor
from ecm.index.visibility import child_readable

View = Callable[..., HttpResponse]
LEAD_ROLES = (Role.PRACTITIONER, Role.MANAGER)
OVERVIEW_ROLES = (Role.MANAGER, Role.SYSTEM_ADMIN)


def lead_required(view: View) -> View:
    """Pages of the lead professional: the child-data gate and a practitioner or manager role."""
    return child_data_required(role_required(*LEAD_ROLES)(view))


def budget_manager_required(view: View) -> View:
    """Pages of the budget manager: the child-data gate and the manager role (the object check follows)."""
    return child_data_required(role_required(Role.MANAGER)(view))


overview_required = role_required(*OVERVIEW_ROLES)
hub_required = role_required(Role.PRACTITIONER, Role.MANAGER, Role.SYSTEM_ADMIN)


def _uuid(raw: Any) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(raw))
    except (ValueError, TypeError):
        return None


def _refuse(actor: Actor, target: Any, what: str) -> None:
    with transaction.atomic():
        audit_record(actor=actor, action="budgets.access_denied", target=target, data={"page": what})
    raise Http404("Not found")


def budget_for_manager(*, actor: Actor, budget_id: Any) -> Budget:
    """A budget the actor runs."""
    pk = _uuid(budget_id)
    budget = Budget.objects.select_related("area", "manager").filter(pk=pk).first() if pk else None
    if budget is None:
        raise Http404("No such budget")
    if budget.manager_id != getattr(actor, "pk", None):
        _refuse(actor, budget, "budget")
    return budget


def can_see_allocation(user: Any, allocation: Allocation) -> bool:
    return getattr(user, "pk", None) in (allocation.holder_id, allocation.budget.manager_id)


def allocation_for(*, actor: Actor, allocation_id: Any, holder: bool = False, manager: bool = False) -> Allocation:
    """An allocation the actor holds or whose budget they run (``holder``/``manager``: only that one)."""
    pk = _uuid(allocation_id)
    allocation = (
        Allocation.objects.select_related("budget", "holder", "assessment__child").filter(pk=pk).first() if pk else None
    )
    if allocation is None:
        raise Http404("No such allocation")
    pk_actor = getattr(actor, "pk", None)
    allowed = can_see_allocation(actor, allocation)
    if holder:
        allowed = allocation.holder_id == pk_actor
    if manager:
        allowed = allocation.budget.manager_id == pk_actor
    if not allowed or not child_readable(actor, allocation.assessment.child):
        _refuse(actor, allocation, "allocation")
    return allocation


def purchase_for_manager(*, actor: Actor, purchase_id: Any) -> Purchase:
    """A purchase made with an allocation of a budget the actor runs."""
    pk = _uuid(purchase_id)
    purchase = (
        Purchase.objects.select_related("allocation__budget", "allocation__holder", "allocation__assessment", "action")
        .filter(pk=pk)
        .first()
        if pk
        else None
    )
    if purchase is None:
        raise Http404("No such purchase")
    if purchase.allocation.budget.manager_id != getattr(actor, "pk", None) or not child_readable(
        actor, purchase.allocation.assessment.child
    ):
        _refuse(actor, purchase, "purchase")
    return purchase
