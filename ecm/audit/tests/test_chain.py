"""The audit trail: chaining, append-only triggers, verification, and failing together with the action."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from ecm.accounts.models import User
from ecm.accounts.services import practitioner_create
from ecm.audit import chain, triggers
from ecm.audit.models import AuditChainHead, AuditEvent
from ecm.audit.selectors import audit_chain_verify
from ecm.audit.services import AuditEntry, AuditError, audit_record, audit_record_many
from ecm.core.actors import SystemActor

pytestmark = pytest.mark.django_db

ACTOR = SystemActor("test-suite")


def _append(n: int) -> list[AuditEvent]:
    return [audit_record(actor=ACTOR, action="test.event", object_id=str(i), data={"i": i}) for i in range(n)]


def test_events_are_chained_and_verify():
    events = _append(5)
    assert events[0].previous_hash == chain.GENESIS_HASH or events[0].sequence > 1
    for before, after in zip(events, events[1:], strict=False):
        assert after.previous_hash == before.hash
        assert after.sequence == before.sequence + 1
    report = audit_chain_verify()
    assert report.ok, report.problem
    assert report.events == AuditEvent.objects.count()
    head = AuditChainHead.objects.get(pk=1)
    assert head.last_hash == events[-1].hash


def test_several_events_written_at_once_are_chained_as_one_by_one_in_a_fixed_number_of_statements():
    from django.test.utils import CaptureQueriesContext

    first = _append(1)[0]
    entries = [AuditEntry(action="test.many", object_id=str(i), data={"i": i}) for i in range(6)]
    with transaction.atomic(), CaptureQueriesContext(connection) as captured:
        events = audit_record_many(actor=ACTOR, events=entries)
    # The head with every sequence number, then the insert with the head's move (SQLite: apart).
    assert len([q for q in captured.captured_queries if q["sql"] not in ("BEGIN", "COMMIT")]) == (
        2 if connection.vendor == "postgresql" else 3
    )
    assert [e.object_id for e in events] == [str(i) for i in range(6)]
    for before, after in zip([first, *events], events, strict=False):
        assert after.previous_hash == before.hash and after.sequence > before.sequence
    stored = list(AuditEvent.objects.filter(action="test.many").order_by("sequence"))
    assert [(e.sequence, e.hash, e.data) for e in stored] == [(e.sequence, e.hash, e.data) for e in events]
    head = AuditChainHead.objects.get(pk=events[0].chain)
    assert (head.last_hash, head.last_sequence) == (events[-1].hash, events[-1].sequence)
    report = audit_chain_verify()
    assert report.ok, report.problem
    assert report.events == AuditEvent.objects.count()
    assert audit_record_many(actor=ACTOR, events=[]) == []


def test_event_records_actor_roles_and_organisation_at_the_time():
    from ecm.accounts.tests.factories import UserFactory

    user = UserFactory(roles=["manager"])
    event = audit_record(actor=user, action="test.roles")
    assert event.actor_roles == "manager"
    assert user.organisation.code in event.actor_organisation
    assert event.actor_type == "user" and event.actor_id == str(user.pk)


@pytest.mark.parametrize("sql", ["UPDATE audit_auditevent SET action = 'x'", "DELETE FROM audit_auditevent"])
def test_triggers_reject_update_and_delete(sql):
    _append(2)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)
    assert AuditEvent.objects.filter(action="test.event").count() == 2


def test_orm_update_is_rejected_too():
    event = _append(1)[0]
    event.reason = "rewritten"
    with pytest.raises(DatabaseError), transaction.atomic():
        event.save()


def test_verify_audit_command_ok(capsys):
    _append(3)
    call_command("verify_audit")
    out = capsys.readouterr().out.strip()
    assert out == f"OK {AuditEvent.objects.count()} events"


def test_verify_audit_names_a_row_altered_behind_the_applications_back(capsys):
    events = _append(4)
    victim = events[1]
    triggers.drop(connection)
    try:
        with connection.cursor() as cursor:
            cursor.execute("UPDATE audit_auditevent SET reason = 'tampered' WHERE sequence = %s", [victim.sequence])
    finally:
        triggers.install(connection)
    with pytest.raises(SystemExit) as exit_info:
        call_command("verify_audit")
    assert exit_info.value.code == 1
    err = capsys.readouterr().err
    assert f"#{victim.sequence}" in err and "altered" in err


def test_verify_detects_a_deleted_row():
    events = _append(3)
    triggers.drop(connection)
    try:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM audit_auditevent WHERE sequence = %s", [events[1].sequence])
    finally:
        triggers.install(connection)
    report = audit_chain_verify()
    assert not report.ok
    # The event after the gap no longer links to the one before it.
    assert report.first_broken_sequence == events[2].sequence
    assert "removed" in report.problem


def test_verify_detects_events_removed_at_the_end():
    events = _append(3)
    triggers.drop(connection)
    try:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM audit_auditevent WHERE sequence = %s", [events[-1].sequence])
    finally:
        triggers.install(connection)
    report = audit_chain_verify()
    assert not report.ok and "head" in report.problem


def test_action_fails_when_audit_fails():
    """No actor means no audit event, so the practitioner must not be created either."""
    with pytest.raises(AuditError):
        practitioner_create(actor=None, username="ghost", first_name="No", last_name="Audit")
    assert not User.objects.filter(username="ghost").exists()


def test_audit_rolls_back_with_the_action():
    before = AuditEvent.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        audit_record(actor=ACTOR, action="test.rolled_back")
        raise RuntimeError("the action failed after auditing")
    assert AuditEvent.objects.count() == before
    assert audit_chain_verify().ok


def test_request_id_and_ip_come_from_the_request(client):
    response = client.get("/sign-in/", HTTP_X_REQUEST_ID="6f1c1f4e-9d1f-4e55-8b47-7f0c2b0f3a11")
    assert response["X-Request-ID"] == "6f1c1f4e-9d1f-4e55-8b47-7f0c2b0f3a11"
    client.post(
        "/sign-in/",
        {"username": "nobody", "password": "wrong-password-x"},
        HTTP_X_REQUEST_ID="6f1c1f4e-9d1f-4e55-8b47-7f0c2b0f3a12",
    )
    event = AuditEvent.objects.filter(action="sign_in.failed").last()
    assert event is not None
    assert event.request_id == "6f1c1f4e-9d1f-4e55-8b47-7f0c2b0f3a12"
    assert event.ip_address == "127.0.0.1"
