"""Verifying the chain in parallel ranges finds the same breaks as one pass (needs committed rows)."""

from __future__ import annotations

import pytest
from django.db import connection

from ecm.audit import triggers
from ecm.audit.selectors import audit_chain_verify
from ecm.audit.services import audit_record
from ecm.core.actors import SystemActor

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def committed_chain():
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip("worker processes cannot see an in-memory SQLite database; runs on PostgreSQL")
    actor = SystemActor("test-suite")
    return [audit_record(actor=actor, action="test.parallel", data={"i": i}) for i in range(301)]


def test_parallel_verification_agrees_and_finds_an_altered_row(committed_chain):
    report = audit_chain_verify(workers=2, min_parallel=100)
    assert report.ok and report.events == len(committed_chain)
    victim = committed_chain[250]
    triggers.drop(connection)
    try:
        with connection.cursor() as cursor:
            cursor.execute("UPDATE audit_auditevent SET action = 'x' WHERE sequence = %s", [victim.sequence])
    finally:
        triggers.install(connection)
    broken = audit_chain_verify(workers=2, min_parallel=100)
    assert not broken.ok and broken.first_broken_sequence == victim.sequence
    assert audit_chain_verify(workers=1).first_broken_sequence == victim.sequence
