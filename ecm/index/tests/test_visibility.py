"""The one visibility rule (ecm.index.visibility): what an actor may see of a child."""

from __future__ import annotations

from typing import Any

import pytest

from ecm.accounts.choices import Role
from ecm.accounts.tests.factories import UserFactory
from ecm.audit.models import AuditEvent
from ecm.core.actors import SYSTEM_COMMAND, Actor
from ecm.index import visibility
from ecm.index.choices import ChildStatus, SensitiveBasis, ServiceCategory
from ecm.index.models import Child
from ecm.index.services import child_shield_lift, child_shield_set
from ecm.index.tests.factories import ChildFactory, gp_practice, involvement, school

pytestmark = pytest.mark.django_db


def test_a_shielded_child_shows_no_whereabouts_to_anyone_until_revealed() -> None:
    child = ChildFactory(school=school(name="Elmtree Primary"), gp_practice=gp_practice(name="Hillside Surgery"))
    practitioner = UserFactory()
    admin = UserFactory(roles=[Role.INDEX_ADMIN])
    assert visibility.child_visibility(practitioner, child).shows_whereabouts
    assert visibility.copyable_details(child).address.startswith("1 Test Street, LS1")
    child_shield_set(actor=SYSTEM_COMMAND, child=child, reason="Risk of harm")
    for actor in (practitioner, admin, None):
        seen = visibility.child_visibility(actor, child)
        assert seen.restricted and not seen.shows_whereabouts and not seen.copies_allowed
        assert "shielded" in seen.notice
    revealed = visibility.child_visibility(admin, child, revealed=True)
    assert revealed.revealed and revealed.shows_whereabouts and not revealed.copies_allowed
    details = visibility.copyable_details(child)
    assert (details.address, details.school, details.gp_practice, details.withheld) == ("", "", "", True)
    assert set(visibility.whereabouts_terms(child)) >= {
        "1 Test Street",
        "LS1 4AP",
        "Elmtree Primary",
        "Hillside Surgery",
    }
    assert child not in visibility.location_searchable(Child.objects.all())
    child_shield_lift(actor=SYSTEM_COMMAND, child=child, reason="Risk has passed")
    assert visibility.child_visibility(practitioner, child).shows_whereabouts
    assert child in visibility.location_searchable(Child.objects.all())


def test_archived_records_for_data_managers_only_and_purged_for_nobody() -> None:
    child = ChildFactory()
    Child.objects.filter(pk=child.pk).update(status=ChildStatus.ARCHIVED)
    child.refresh_from_db()
    assert not visibility.child_visibility(UserFactory(), child).record_visible
    assert visibility.child_visibility(UserFactory(roles=[Role.DATA_MANAGER]), child).record_visible
    Child.objects.filter(pk=child.pk).update(status=ChildStatus.PURGED)
    child.refresh_from_db()
    for role in (Role.DATA_MANAGER, Role.INDEX_ADMIN, Role.PRACTITIONER):
        seen = visibility.child_visibility(UserFactory(roles=[role]), child)
        assert not seen.record_visible and seen.purged and "purged" in seen.notice


def test_a_sensitive_service_is_unspecified_outside_the_service_and_the_brokers() -> None:
    child = ChildFactory()
    worker = UserFactory()
    service = involvement(
        child,
        worker,
        service="Sexual health clinic",
        service_category=ServiceCategory.SEXUAL_HEALTH,
        sensitive_basis=SensitiveBasis.CONSENT_YOUNG_PERSON,
    )
    assert not visibility.involvement_unspecified(worker, service)
    assert not visibility.involvement_unspecified(UserFactory(organisation=worker.organisation), service)
    assert not visibility.involvement_unspecified(UserFactory(roles=[Role.INDEX_ADMIN]), service)
    assert visibility.involvement_unspecified(UserFactory(), service)
    assert visibility.involvement_unspecified(None, service)


def test_a_shield_runs_every_apps_hook_in_its_transaction_and_audits_the_counts() -> None:
    child = ChildFactory()
    calls: list[Any] = []

    def hook(*, actor: Actor, child: Child, terms: list[str]) -> int:
        calls.append((child.pk, "1 Test Street" in terms))
        return 3

    visibility.register_shield_hook("zz-test", hook)
    try:
        child_shield_set(actor=SYSTEM_COMMAND, child=child, reason="Risk of harm")
    finally:
        visibility._SHIELD_HOOKS.pop("zz-test")
    assert calls == [(child.pk, True)]
    event = AuditEvent.objects.get(action="index.shield_set", object_id=str(child.pk))
    assert event.data["copies_removed"]["zz-test"] == 3


def test_redact_reaches_text_and_json() -> None:
    value = {"a": "Lives at 1 test street, ls1 4ap", "b": ["LS1 4AP", 3], "c": None}
    out = visibility.redact(value, ["1 Test Street", "LS1 4AP"])
    assert out == {
        "a": f"Lives at {visibility.SHIELD_WITHHELD}, {visibility.SHIELD_WITHHELD}",
        "b": [visibility.SHIELD_WITHHELD, 3],
        "c": None,
    }


def test_the_location_rule_in_sql_agrees_with_the_orms() -> None:
    """The index search writes the location rule as SQL (``location_hidden_sql``): on the same
    children it keeps exactly those ``location_searchable`` keeps."""
    from django.db import connection

    from ecm.core import rows

    shielded = ChildFactory(shielded=True)
    open_child = ChildFactory()
    table = rows.table(Child)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id FROM {table} WHERE NOT ({visibility.location_hidden_sql(table)})")  # noqa: S608
        by_sql = {Child._meta.pk.to_python(row[0]) for row in cursor.fetchall()}
    by_orm = set(visibility.location_searchable(Child.objects.all()).values_list("pk", flat=True))
    assert by_sql == by_orm
    assert open_child.pk in by_sql and shielded.pk not in by_sql
