"""``child_create_many``: the rules of ``child_create``, bulk writes, one audit event per batch."""

from __future__ import annotations

import datetime as dt

import pytest

from ecm.audit.models import AuditEvent
from ecm.core import clock
from ecm.core.actors import SYSTEM_MATCHER
from ecm.index import services
from ecm.index.choices import CarerRelationship, Gender
from ecm.index.models import Carer, Child, ChildAddress, ChildName
from ecm.index.search.keys import luhn_check_digit
from ecm.index.tests.factories import gp_practice, school

pytestmark = pytest.mark.django_db


def rows(count: int) -> list[dict]:
    born = clock.today() - dt.timedelta(days=3000)
    return [
        {
            "given_name": f"Amelia{n}",
            "family_name": "Khan",
            "date_of_birth": born,
            "gender": Gender.FEMALE,
            "address": {"address_line_1": f"{n} Mill Lane", "postcode": "ls1 4ap", "town": "Leeds"},
            "carers": [{"given_name": "Sara", "family_name": "Khan", "relationship": CarerRelationship.PARENT}],
        }
        for n in range(count)
    ]


def test_creates_children_with_names_addresses_carers_and_one_audit_event():
    urn, gp = school(), gp_practice()
    batch = rows(30)
    batch[0] |= {"nhs_number": "943 476 5919", "school": urn, "gp_practice": gp}
    created = services.child_create_many(actor=SYSTEM_MATCHER, rows=batch)
    assert [c.given_name for c in created] == [f"Amelia{n}" for n in range(30)]
    assert Child.objects.count() == 30 and ChildName.objects.filter(is_current=True).count() == 30
    assert ChildAddress.objects.filter(postcode_norm="LS14AP", is_current=True).count() == 30
    assert Carer.objects.filter(relationship=CarerRelationship.PARENT).count() == 30
    first = Child.objects.get(pk=created[0].pk)
    assert (first.nhs_number, first.school, first.gp_practice) == ("9434765919", urn, gp)
    numbers = [c.index_number for c in created]
    assert len(set(numbers)) == 30 and all(n[-1] == luhn_check_digit(n[:-1]) for n in numbers)
    event = AuditEvent.objects.get(action="index.children_created")
    assert event.data["count"] == 30
    assert [child_id for child_id, _number in event.data["children"]] == [str(c.pk) for c in created]
    assert not AuditEvent.objects.filter(action="index.child_created").exists()


def test_a_row_breaking_a_rule_stops_the_whole_batch():
    batch = rows(3)
    batch[2]["nhs_number"] = "1234567890"
    with pytest.raises(services.IndexRuleError, match="Child 3 of 3: The NHS number is not valid"):
        services.child_create_many(actor=SYSTEM_MATCHER, rows=batch)
    batch = rows(2)
    batch[1]["family_name"] = ""
    with pytest.raises(services.IndexRuleError, match="family name"):
        services.child_create_many(actor=SYSTEM_MATCHER, rows=batch)
    assert Child.objects.count() == 0 and not AuditEvent.objects.filter(action="index.children_created").exists()


def test_an_empty_batch_writes_nothing():
    assert services.child_create_many(actor=SYSTEM_MATCHER, rows=[]) == []
    assert not AuditEvent.objects.filter(action="index.children_created").exists()


def test_every_row_of_a_batch_carries_the_actor_and_the_batchs_time_and_date():
    """Who wrote the batch is worked out once and stamped on every child and carer; names and addresses
    start on the batch's date."""
    created = services.child_create_many(actor=SYSTEM_MATCHER, rows=rows(3))
    ids = [c.pk for c in created]
    for model in (Child, Carer):
        rows_written = model.objects.filter(**({"pk__in": ids} if model is Child else {"child_id__in": ids}))
        stamps = set(
            rows_written.values_list(
                "created_by_id", "created_by_label", "modified_by_id", "modified_by_label", "created_at", "modified_at"
            )
        )
        assert len(stamps) == 1
        created_by, created_label, modified_by, modified_label, created_at, modified_at = stamps.pop()
        assert (created_by, modified_by) == (None, None)
        assert created_label == modified_label == str(SYSTEM_MATCHER)
        assert created_at == modified_at
    assert set(ChildName.objects.filter(child_id__in=ids).values_list("used_from", flat=True)) == {clock.today()}
    assert set(ChildAddress.objects.filter(child_id__in=ids).values_list("lived_from", flat=True)) == {clock.today()}


def test_rows_built_positionally_hold_what_keyword_construction_gives():
    from ecm.index.bulk import _make
    from ecm.index.rules import address_row, address_values, name_row, name_values

    child = services.child_create_many(actor=SYSTEM_MATCHER, rows=rows(1))[0]
    carer = {"given_name": "Sara", "family_name": "Khan", "relationship": CarerRelationship.PARENT}
    pairs = [
        (_make(Carer, {**carer, "child_id": child.pk}), Carer(child=child, **carer)),
        (
            _make(ChildName, name_values(child, given_name="Amy", middle_names="", family_name="Khan")),
            name_row(child, given_name="Amy", middle_names="", family_name="Khan"),
        ),
        (
            _make(ChildAddress, address_values(child, address_line_1="1 Mill Lane", postcode="ls1 4ap")),
            address_row(child, address_line_1="1 Mill Lane", postcode="ls1 4ap"),
        ),
    ]
    per_row = {"id", "created_at", "modified_at"}  # callable defaults: a new value for every row
    for fast, slow in pairs:
        fields = [f.attname for f in type(slow)._meta.concrete_fields if f.attname not in per_row]
        assert [getattr(fast, name) for name in fields] == [getattr(slow, name) for name in fields]
        assert fast._state.adding
    assert pairs[0][0].pk is not None and pairs[0][0].pk != pairs[0][1].pk  # a UUID of its own
    with pytest.raises(TypeError, match="no column nickname"):
        _make(Carer, {**carer, "child_id": child.pk, "nickname": "Sal"})
