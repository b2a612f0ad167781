"""Verifying the chain from inside a transaction never closes the caller's connection."""

from __future__ import annotations

import pytest
from django.db import connection

from ecm.audit.models import AuditEvent
from ecm.audit.selectors import audit_chain_verify
from ecm.audit.services import audit_record
from ecm.core.actors import SystemActor

pytestmark = pytest.mark.django_db  # each test runs inside a transaction


def test_asked_for_workers_inside_a_transaction_the_chain_is_checked_in_this_process():
    """The parallel check closes every connection before it forks its workers. Inside a transaction
    that closed the caller's connection and broke its transaction ("the connection is closed" in the
    jobs tests on PostgreSQL, once the suite's audit sequence passed the parallel threshold)."""
    actor = SystemActor("test-suite")
    events = [audit_record(actor=actor, action="test.in_transaction", data={"i": i}) for i in range(5)]
    assert connection.in_atomic_block
    report = audit_chain_verify(workers=2, min_parallel=1)
    assert report.ok and report.events >= len(events)
    assert AuditEvent.objects.filter(action="test.in_transaction").count() == len(events)  # still usable
