"""What budgets hold about a child, for the retention purge (``ecm.index.retention``): the free
text of allocations and purchases for the child's CAFs (amounts and dates stay for the accounts)."""

from __future__ import annotations

from typing import Any

from ecm.budgets.models import Allocation, Purchase
from ecm.core.actors import Actor
from ecm.index.models import Child
from ecm.index.retention import locked, register_holder, same_child_ids, scrub_rows


def purge(*, actor: Actor, child: Child, identifiers: list[str]) -> int:
    ids = same_child_ids(child)
    allocations = Allocation.objects.filter(assessment__child__in=ids)
    rows = scrub_rows(Purchase.objects.filter(allocation__in=allocations), identifiers)
    rows += scrub_rows(allocations, identifiers)
    return rows


def archive(*, actor: Actor, child: Child, ids: list[Any]) -> int:
    """The rows stay as they are: the visibility rule (``ecm.index.visibility``) hides and locks them."""
    return locked(
        actor=actor,
        child=child,
        ids=ids,
        querysets=[
            Allocation.objects.filter(assessment__child__in=ids),
            Purchase.objects.filter(allocation__assessment__child__in=ids),
        ],
    )


register_holder(
    app="budgets",
    holds="allocations and purchases for the child's CAFs",
    purge=purge,
    archive=archive,
    unarchive=archive,
    archived=(
        "allocations and purchases for the child's CAFs are read-only and leave every budget list "
        "and page but the data managers'; amounts stay in the totals"
    ),
    order=30,
)
