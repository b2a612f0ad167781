"""Two people spending (or allocating) the last of the money at the same moment: exactly one succeeds.

Each thread has its own database connection and transaction. The first thread records its
purchase and keeps its transaction open while the second thread tries; without the row lock
the second would see no spending yet, and both would commit.

PostgreSQL only: SQLite has no row locks and lets one connection write at a time, so the
race these tests set up cannot happen there (the sequential refusals are tested on both).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, connections, transaction

from ecm.budgets import services
from ecm.budgets.choices import AllocationStatus, PurchaseStatus
from ecm.budgets.models import Allocation, Purchase
from ecm.budgets.services import BudgetError
from ecm.budgets.tests.factories import buy, led_caf, user_in, world

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="Needs PostgreSQL: SQLite has no row locks and serialises writers, so two writes cannot race there",
    ),
]


def _race(first: Callable[[], Any], second: Callable[[], Any]) -> list[str]:
    """Run ``first`` in a transaction held open until ``second`` (in another thread) has had time to
    reach the lock; return what each did ("ok" or the rule's message)."""
    results: dict[str, str] = {}
    started = threading.Barrier(2)

    def hold_open() -> None:
        try:
            with transaction.atomic():
                first()
                started.wait()
                time.sleep(1.0)  # the second thread is now waiting on the row lock (or, without it, racing)
            results["first"] = "ok"
        except BudgetError as exc:
            results["first"] = str(exc)
        finally:
            connections.close_all()

    def try_too() -> None:
        started.wait()
        try:
            second()
            results["second"] = "ok"
        except BudgetError as exc:
            results["second"] = str(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=hold_open), threading.Thread(target=try_too)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return [results.get("first", "did not finish"), results.get("second", "did not finish")]


def test_two_purchases_at_once_cannot_overspend_an_allocation() -> None:
    w = world()  # an allocation of £1,000, threshold £500
    buy(w["allocation"], w["action"], 40_000)  # £600 left: room for one £400 purchase, not two

    outcome = _race(
        lambda: buy(w["allocation"], w["action"], 40_000),
        lambda: buy(w["allocation"], w["action"], 40_000),
    )

    assert outcome[0] == "ok"
    assert outcome[1] == "This allocation has £200.00 left; the cost is £400.00."
    spent = Purchase.objects.filter(allocation=w["allocation"], status=PurchaseStatus.COMMITTED)
    assert sorted(p.cost_pence for p in spent) == [40_000, 40_000]


def test_two_purchases_started_together_one_succeeds() -> None:
    """Both threads start at the same instant, neither holding back: still exactly one succeeds."""
    w = world()
    buy(w["allocation"], w["action"], 40_000)
    go = threading.Barrier(2)
    results: list[str] = []

    def attempt() -> None:
        go.wait()
        try:
            buy(w["allocation"], w["action"], 40_000)
            results.append("ok")
        except BudgetError as exc:
            results.append(str(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(results) == ["This allocation has £200.00 left; the cost is £400.00.", "ok"]
    assert Purchase.objects.filter(allocation=w["allocation"]).count() == 2


def test_a_waiting_purchase_decided_twice_at_once_is_decided_once() -> None:
    """A double click on "approve", or two tabs: the second decision sees the first one's."""
    w = world()
    waiting = buy(w["allocation"], w["action"], 60_000)

    outcome = _race(
        lambda: services.purchase_decide(actor=w["manager"], purchase=waiting, approve=True),
        lambda: services.purchase_decide(actor=w["manager"], purchase=waiting, approve=False, note="No"),
    )

    assert outcome == ["ok", "This purchase has already been decided."]
    waiting.refresh_from_db()
    assert waiting.status == PurchaseStatus.COMMITTED


def test_two_allocations_approved_at_once_cannot_over_allocate_the_budget() -> None:
    w = world()  # £5,000 budget with £1,000 allocated: £4,000 left, room for one £2,500 allocation
    other = user_in(w["area"], "practitioner")
    other_caf, _ = led_caf(other)
    first = services.allocation_request(
        actor=w["lead"], budget=w["budget"], assessment=w["assessment"], amount_pence=250_000, reason="Respite"
    )
    second = services.allocation_request(
        actor=other, budget=w["budget"], assessment=other_caf, amount_pence=250_000, reason="Therapy"
    )

    outcome = _race(
        lambda: services.allocation_decide(actor=w["manager"], allocation=first, approve=True),
        lambda: services.allocation_decide(actor=w["manager"], allocation=second, approve=True),
    )

    assert outcome == [
        "ok",
        "Budget-holding lead professional pilot has £1,500.00 left to allocate; this allocation is £2,500.00.",
    ]
    approved = Allocation.objects.filter(budget=w["budget"], status=AllocationStatus.APPROVED)
    assert sum(a.amount_pence for a in approved) == 350_000
