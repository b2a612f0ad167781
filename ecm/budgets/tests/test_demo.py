"""The demo budget loads once, through the services, on the demo CAF."""

from __future__ import annotations

import pytest

from ecm.accounts.demo import seed_accounts_demo
from ecm.accounts.models import User
from ecm.budgets.choices import AllocationStatus, PurchaseStatus
from ecm.budgets.demo import seed_budgets_demo
from ecm.budgets.models import Allocation, Budget, Purchase
from ecm.caf.demo import seed_caf_demo
from ecm.core.actors import SYSTEM_SEED
from ecm.index.tests.factories import ChildFactory

pytestmark = pytest.mark.django_db


def test_seed_budgets_demo_is_idempotent() -> None:
    assert seed_budgets_demo(actor=SYSTEM_SEED).startswith("skipped")
    seed_accounts_demo()
    ChildFactory()
    seed_caf_demo(actor=SYSTEM_SEED)
    summary = seed_budgets_demo(actor=SYSTEM_SEED)
    assert summary.startswith("Budget-holding lead professional pilot")
    assert seed_budgets_demo(actor=SYSTEM_SEED) == "already loaded"
    budget = Budget.objects.get()
    assert budget.manager == User.objects.get(username="manager")
    allocation = Allocation.objects.get()
    assert allocation.holder == User.objects.get(username="practitioner")
    assert allocation.status == AllocationStatus.APPROVED
    statuses = sorted(Purchase.objects.values_list("status", flat=True))
    assert statuses == [PurchaseStatus.COMMITTED, PurchaseStatus.COMMITTED, PurchaseStatus.PENDING]
