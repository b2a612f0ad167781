"""What budgets hold about a child, for the retention purge (``ecm.index.retention``): the free
text of allocations and purchases for the child's CAFs (amounts and dates stay for the accounts)."""

from __future__ import annotations

from ecm.budgets.models import Allocation, Purchase
from ecm.core.actors import Actor
from ecm.index.models import Child
from ecm.index.retention import register_holder, same_child_ids, scrub_rows


def purge(*, actor: Actor, child: Child, identifiers: list[str]) -> int:
    ids = same_child_ids(child)
    allocations = Allocation.objects.filter(assessment__child__in=ids)
    rows = scrub_rows(Purchase.objects.filter(allocation__in=allocations), identifiers)
    rows += scrub_rows(allocations, identifiers)
    return rows


register_holder(app="budgets", holds="allocations and purchases for the child's CAFs", purge=purge, order=30)
