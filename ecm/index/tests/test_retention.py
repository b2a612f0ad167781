"""Retention with the controllable clock: archive at 18 (to 25 with consent), a year after death, purge after 6."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from ecm.accounts.choices import Role
from ecm.accounts.tests.factories import UserFactory
from ecm.audit.models import AuditEvent
from ecm.core import clock
from ecm.core.actors import SYSTEM_COMMAND
from ecm.index import services
from ecm.index.choices import ChildStatus
from ecm.index.models import Carer, ChildAddress, ChildName, Involvement
from ecm.index.retention import retention_consent_record, retention_run
from ecm.index.search.criteria import SearchCriteria
from ecm.index.selectors import child_search
from ecm.index.tests.factories import ChildFactory, involvement

pytestmark = pytest.mark.django_db
BORN = dt.date(2008, 5, 10)


def at(day: dt.date) -> None:
    clock.freeze(timezone.make_aware(dt.datetime.combine(day, dt.time(2, 0))))


def test_archived_on_18th_birthday_and_idempotent():
    at(dt.date(2026, 5, 9))
    child = ChildFactory(date_of_birth=BORN)
    retention_run()
    child.refresh_from_db()
    assert child.status == ChildStatus.ACTIVE
    at(dt.date(2026, 5, 10))
    assert retention_run().archived_at_18 == 1
    child.refresh_from_db()
    assert child.status == ChildStatus.ARCHIVED and child.archived_on == dt.date(2026, 5, 10)
    assert retention_run().archived_at_18 == 0
    events = AuditEvent.objects.filter(action="index.record_archived")
    assert events.count() == 1 and events.get().actor_label == "retention-job"


def test_consent_keeps_active_to_25_at_most():
    at(dt.date(2026, 1, 1))
    child = ChildFactory(date_of_birth=BORN)
    with pytest.raises(services.IndexRuleError, match="25th"):
        retention_consent_record(actor=SYSTEM_COMMAND, child=child, until=dt.date(2033, 5, 11), note="Care leaver")
    retention_consent_record(
        actor=SYSTEM_COMMAND,
        child=child,
        until=dt.date(2030, 1, 31),
        note="Care leaver: consent given at pathway review",
    )
    at(dt.date(2027, 1, 1))
    retention_run()
    child.refresh_from_db()
    assert child.status == ChildStatus.ACTIVE
    at(dt.date(2030, 2, 1))
    assert retention_run().archived_after_consent == 1


def test_deceased_archived_a_year_after_death():
    at(dt.date(2025, 3, 1))
    child = ChildFactory(date_of_birth=dt.date(2015, 1, 1))
    services.child_record_death(actor=SYSTEM_COMMAND, child=child, date_of_death=dt.date(2025, 2, 1))
    at(dt.date(2026, 1, 31))
    retention_run()
    child.refresh_from_db()
    assert child.status == ChildStatus.DECEASED
    at(dt.date(2026, 2, 1))
    assert retention_run().archived_after_death == 1


def test_purged_six_years_after_archive_leaving_a_tombstone():
    at(dt.date(2026, 5, 10))
    child = ChildFactory(date_of_birth=BORN, nhs_number="9434765919")
    involvement(child)
    retention_run()
    data_manager = UserFactory(roles=[Role.DATA_MANAGER])
    criteria = SearchCriteria(family_name=child.family_name, birth_date=BORN)
    assert child_search(actor=data_manager, criteria=criteria).match_count == 1
    assert child_search(actor=UserFactory(), criteria=criteria).match_count == 0
    at(dt.date(2032, 5, 9))
    assert retention_run().purged == 0
    at(dt.date(2032, 5, 10))
    assert retention_run().purged == 1
    child.refresh_from_db()
    assert child.status == ChildStatus.PURGED and child.index_number and child.purged_on == dt.date(2032, 5, 10)
    assert (child.family_name, child.nhs_number, child.date_of_birth) == ("", "", None)
    for model in (ChildName, ChildAddress, Carer, Involvement):
        assert not model.objects.filter(child=child).exists()
    assert child_search(actor=data_manager, criteria=criteria).match_count == 0
    assert retention_run().purged == 0


def test_command_runs_the_job():
    out = StringIO()
    call_command("run_retention", stdout=out)
    assert "purged: 0" in out.getvalue()
    assert AuditEvent.objects.filter(action="index.retention_run").exists()
