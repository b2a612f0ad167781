"""Concurrent transactions append to different chains instead of queueing for one (PostgreSQL)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections, transaction

from ecm.audit import triggers
from ecm.audit.models import AuditChainHead, AuditEvent
from ecm.audit.selectors import audit_chain_verify
from ecm.audit.services import audit_record
from ecm.core.actors import SystemActor

pytestmark = pytest.mark.django_db(transaction=True)
ACTOR = SystemActor("test-suite")


@pytest.fixture
def heads():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite runs one writing transaction at a time, so it keeps a single chain")
    for chain_id in range(1, AuditChainHead.CHAIN_COUNT + 1):
        AuditChainHead.objects.get_or_create(pk=chain_id, defaults={"last_sequence": 0, "last_hash": "0" * 64})


def _hold_a_head(started: threading.Event, release: threading.Event, out: list) -> None:
    try:
        with transaction.atomic():
            out.append(audit_record(actor=ACTOR, action="test.held", data={"n": 1}))
            started.set()
            release.wait(10)
            out.append(audit_record(actor=ACTOR, action="test.held", data={"n": 2}))
    finally:
        connections.close_all()


def test_a_second_transaction_appends_to_another_chain_without_waiting(heads):
    started, release, held = threading.Event(), threading.Event(), []
    holder = threading.Thread(target=_hold_a_head, args=(started, release, held))
    holder.start()
    assert started.wait(10)
    try:
        # The holder keeps chain 1 locked; this append must neither wait nor share its predecessor.
        with transaction.atomic():
            other = audit_record(actor=ACTOR, action="test.other")
    finally:
        release.set()
        holder.join(10)
    assert other.chain != held[0].chain
    assert held[0].chain == held[1].chain and held[1].previous_hash == held[0].hash
    report = audit_chain_verify()
    assert report.ok, report.problem
    assert report.events == AuditEvent.objects.count() == 3


def test_many_writers_at_once_leave_chains_that_verify(heads):
    def writer(i: int) -> None:
        try:
            for j in range(20):
                with transaction.atomic():
                    audit_record(actor=ACTOR, action="test.many", data={"writer": i, "j": j})
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert AuditEvent.objects.filter(action="test.many").count() == 120
    assert audit_chain_verify().ok
    assert audit_chain_verify(workers=2, min_parallel=10).ok
    counts = {head.pk: head.event_count for head in AuditChainHead.objects.all()}
    assert sum(counts.values()) == AuditEvent.objects.count()


def test_removing_the_last_event_of_a_second_chain_is_detected(heads):
    started, release, held = threading.Event(), threading.Event(), []
    holder = threading.Thread(target=_hold_a_head, args=(started, release, held))
    holder.start()
    assert started.wait(10)
    try:
        with transaction.atomic():
            audit_record(actor=ACTOR, action="test.other", data={"k": 1})
            last = audit_record(actor=ACTOR, action="test.other", data={"k": 2})
    finally:
        release.set()
        holder.join(10)
    assert last.chain != 1
    triggers.drop(connection)
    try:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM audit_auditevent WHERE sequence = %s", [last.sequence])
    finally:
        triggers.install(connection)
    report = audit_chain_verify()
    assert not report.ok and f"chain {last.chain}" in report.problem and "removed at the end" in report.problem
