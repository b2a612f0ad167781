"""Audit: every service writes its event; no record view without a reason; no audit, no read."""

from __future__ import annotations

import datetime as dt
import io
import json
import logging
from collections.abc import Iterator

import pytest

from ecm.accounts.choices import Role
from ecm.accounts.tests.factories import UserFactory
from ecm.audit.models import AuditChainHead, AuditEvent
from ecm.audit.services import AuditError
from ecm.core import logs
from ecm.core.actors import SYSTEM_COMMAND
from ecm.index import services
from ecm.index.choices import AccessReason, ContactReason
from ecm.index.search.criteria import SearchCriteria
from ecm.index.selectors import ReasonRequired, child_record_open, child_record_reveal, child_search
from ecm.index.tests.factories import ChildFactory, involvement

pytestmark = pytest.mark.django_db


def test_every_service_writes_its_audit_event():
    admin = UserFactory(roles=[Role.INDEX_ADMIN])
    me = UserFactory()
    child = ChildFactory()
    other = ChildFactory()
    steps = [
        ("index.child_updated", lambda: services.child_update(actor=SYSTEM_COMMAND, child=child, given_name="Amir")),
        (
            "index.carer_added",
            lambda: services.carer_add(
                actor=SYSTEM_COMMAND, child=child, given_name="A", family_name="B", relationship="father"
            ),
        ),
        ("index.involvement_added", lambda: involvement(child, me)),
        (
            "index.involvement_flags_set",
            lambda: services.involvement_set_flags(
                actor=me,
                involvement=child.involvements.get(),
                wishes_to_be_contacted=True,
                contact_reason=ContactReason.DONE_ASSESSMENT,
            ),
        ),
        ("index.involvement_ended", lambda: services.involvement_end(actor=me, involvement=child.involvements.get())),
        ("index.shield_set", lambda: services.child_shield_set(actor=admin, child=child, reason="Risk")),
        ("index.shield_lift", lambda: services.child_shield_lift(actor=admin, child=child, reason="Passed")),
        (
            "index.child_merged",
            lambda: services.child_merge(actor=SYSTEM_COMMAND, duplicate=other, survivor=child, reason="Same child"),
        ),
        (
            "index.child_deceased",
            lambda: services.child_record_death(actor=SYSTEM_COMMAND, child=child, date_of_death=dt.date(2025, 1, 1)),
        ),
    ]
    for action, step in steps:
        before = AuditEvent.objects.filter(action=action).count()
        step()
        assert AuditEvent.objects.filter(action=action).count() == before + 1, action


@pytest.mark.parametrize(
    "code, text", [("", ""), ("nonsense", "x"), (AccessReason.OTHER, ""), (AccessReason.OTHER, "test")]
)
def test_no_record_view_without_a_reason(code, text):
    child = ChildFactory()
    with pytest.raises(ReasonRequired):
        child_record_open(actor=UserFactory(), child=child, reason_code=code, reason_text=text)
    assert not AuditEvent.objects.filter(action="index.record_view").exists()


def test_reveal_needs_an_index_admin_and_a_justification():
    child = ChildFactory(shielded=True)
    with pytest.raises(PermissionError):
        child_record_reveal(actor=UserFactory(), child=child, justification="A long enough justification")
    with pytest.raises(ReasonRequired):
        child_record_reveal(actor=UserFactory(roles=[Role.INDEX_ADMIN]), child=child, justification="short")
    assert not AuditEvent.objects.filter(action="index.shield_reveal").exists()


@pytest.fixture
def audit_log() -> Iterator[io.StringIO]:
    """What the ``ecm.audit`` logger writes, through the production JSON formatter."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logs.json_formatter())
    audit_logger = logging.getLogger("ecm.audit")
    audit_logger.addHandler(handler)
    yield stream
    audit_logger.removeHandler(handler)


def test_if_the_audit_cannot_be_written_the_read_fails_and_the_failure_is_logged_by_name(audit_log):
    child = ChildFactory(family_name="Quinn", date_of_birth=dt.date(2012, 2, 2))
    user = UserFactory()
    AuditChainHead.objects.all().delete()
    with pytest.raises(AuditError):
        child_search(actor=user, criteria=SearchCriteria(family_name="Quinn", birth_date=dt.date(2012, 2, 2)))
    with pytest.raises(AuditError):
        child_record_open(actor=user, child=child, reason_code=AccessReason.CHECK_IDENTITY)
    lines = [json.loads(line) for line in audit_log.getvalue().splitlines()]
    assert [(line["event"], line["level"], line["action"]) for line in lines] == [
        ("audit.write_failed", "error", "index.search"),
        ("audit.write_failed", "error", "index.search_match"),  # written with the search: both named
        ("audit.write_failed", "error", "index.record_view"),
    ]
    assert all(
        line["error"] == "AuditError" and line["error_message"] == "The audit chain head is missing; run migrations."
        for line in lines
    )
    assert lines[2]["object_type"] == "index.child" and lines[0]["actor_id"] == str(user.pk)
    assert "Quinn" not in audit_log.getvalue()
