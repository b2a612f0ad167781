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


def _columns(model, child_ids, skip):
    """Every column of the rows of ``model`` for these children, in a stable order, without ``skip``."""
    names = [f.attname for f in model._meta.concrete_fields if f.attname not in skip]
    key = "pk__in" if model is Child else "child_id__in"
    return sorted(model.objects.filter(**{key: child_ids}).values_list(*names), key=repr)


def test_the_bulk_path_writes_the_same_rows_as_child_create():
    """``child_create_many`` (plain rows: ``COPY`` on PostgreSQL, ``executemany`` on SQLite) writes exactly the
    columns ``child_create`` (one model instance saved at a time) writes for the same details."""
    urn, gp = school(), gp_practice()
    details = {
        "given_name": " Zoë ",
        "middle_names": "Anne-Marie ",
        "family_name": "O'Brien-Smith",
        "date_of_birth": clock.today() - dt.timedelta(days=2000),
        "gender": Gender.FEMALE,
        "nhs_number": "943 476 5919",
        "unique_pupil_number": "a123456789012",
        "school": urn,
        "gp_practice": gp,
        "address": {
            "address_line_1": "1 Mill Lane",
            "address_line_2": "Flat 2",
            "postcode": "ls1 4ap",
            "town": "Leeds",
        },
        "carers": [
            {"given_name": "Sara", "family_name": "Khan", "relationship": CarerRelationship.PARENT},
            {
                "given_name": "Omar",
                "family_name": "Khan",
                "relationship": CarerRelationship.PARENT,
                "has_parental_responsibility": False,
                "phone": "0113 496 0000",
            },
        ],
    }
    one = services.child_create(actor=SYSTEM_MATCHER, **details)
    [many] = services.child_create_many(actor=SYSTEM_MATCHER, rows=[details])
    per_row = {"id", "child_id", "index_number", "created_at", "modified_at"}  # a child's own key, number and time
    for model in (Child, ChildName, ChildAddress, Carer):
        written_one, written_many = _columns(model, [one.pk], per_row), _columns(model, [many.pk], per_row)
        assert written_one and written_one == written_many, model.__name__
    assert Carer.objects.filter(child=many).count() == 2
    reread = Child.objects.get(pk=many.pk)
    assert [getattr(reread, f.attname) for f in Child._meta.concrete_fields] == [
        getattr(many, f.attname) for f in Child._meta.concrete_fields
    ]
    assert not many._state.adding


def test_an_unknown_carer_column_is_refused():
    row = rows(1)[0]
    row["carers"] = [{"given_name": "Sara", "family_name": "Khan", "nickname": "Sal"}]
    with pytest.raises(TypeError, match="no column nickname"):
        services.child_create_many(actor=SYSTEM_MATCHER, rows=[row])
    assert Child.objects.count() == 0


# A first load's indexes built once at the end (``secondary_indexes_rebuilt_after``) -----------

INDEX_TABLES = ("index_child", "index_childname", "index_childaddress", "index_carer")


def _sqlite_indexes() -> set[tuple[str, str]]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name IN (%s, %s, %s, %s)",
            INDEX_TABLES,
        )
        return set(cursor.fetchall())


def _uses_index(sql: str, params: list) -> str:
    """The query plan's text for one query."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        return " ".join(str(row[-1]) for row in cursor.fetchall())


def test_the_secondary_indexes_are_dropped_for_the_body_and_built_again_exactly():
    from django.db import connection, transaction

    from ecm.index.bulk import secondary_indexes_rebuilt_after

    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL keeps its indexes (see the next test)")
    with connection.cursor() as cursor:  # a unique index goes on refusing duplicates during the load
        cursor.execute('CREATE UNIQUE INDEX "test_unique_probe" ON "index_carer" ("child_id", "given_name")')
    before = _sqlite_indexes()
    assert {name for name, sql in before if sql} >= {"index_name_dob_family_idx", "index_addr_postcode_dob_idx"}
    find = "SELECT id FROM index_childname WHERE birth_date = %s AND given_norm = %s"
    assert "index_name_dob_given_idx" in _uses_index(find, ["2015-01-01", "AMELIA"])
    with transaction.atomic(), secondary_indexes_rebuilt_after([Child, ChildName, ChildAddress, Carer]):
        during = _sqlite_indexes()
        # Unique indexes stay (SQLite's own automatic ones, without SQL, and ours); every other index is gone.
        assert during == {(name, sql) for name, sql in before if sql is None or "UNIQUE" in sql}
        assert "test_unique_probe" in {name for name, _sql in during}
        created = services.child_create_many(actor=SYSTEM_MATCHER, rows=rows(12))
    assert _sqlite_indexes() == before
    assert "index_name_dob_given_idx" in _uses_index(find, ["2015-01-01", "AMELIA"])
    # The rebuilt indexes hold the rows written while they were away.
    born = created[0].date_of_birth
    assert born is not None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM index_childname INDEXED BY index_name_family_dob_idx "
            "WHERE birth_date = %s AND family_norm = %s",
            [born.isoformat(), ChildName.objects.get(child=created[0]).family_norm],
        )
        assert cursor.fetchone()[0] == 12


def test_a_failure_in_the_body_leaves_the_indexes_as_they_were():
    from django.db import connection, transaction

    from ecm.index.bulk import secondary_indexes_rebuilt_after

    before = _sqlite_indexes() if connection.vendor == "sqlite" else None
    with pytest.raises(ZeroDivisionError), transaction.atomic(), secondary_indexes_rebuilt_after([Child, ChildName]):
        services.child_create_many(actor=SYSTEM_MATCHER, rows=rows(3))
        _ = 1 / 0
    assert Child.objects.count() == 0
    if before is not None:
        assert _sqlite_indexes() == before


def test_the_rebuild_pays_only_for_a_load_at_least_doubling_the_index(settings):
    from django.db import connection

    from ecm.index import bulk

    settings.ECM_LINKAGE_FIRST_LOAD_MIN_CHILDREN = 10
    services.child_create_many(actor=SYSTEM_MATCHER, rows=rows(20))
    on_sqlite = connection.vendor == "sqlite"
    assert bulk.bulk_rebuild_worthwhile(new_children=20) is on_sqlite  # as many as there are
    assert bulk.bulk_rebuild_worthwhile(new_children=19) is False  # fewer than there are: keep the indexes
    assert bulk.bulk_rebuild_worthwhile(new_children=9) is False  # below the minimum
    Child.objects.all().delete()
    assert bulk.bulk_rebuild_worthwhile(new_children=10) is on_sqlite
    assert bulk.bulk_rebuild_worthwhile(new_children=9) is False
    settings.ECM_LINKAGE_FIRST_LOAD_MIN_CHILDREN = 0  # an operator's "never"
    assert bulk.bulk_rebuild_worthwhile(new_children=10**6) is False


@pytest.mark.django_db(transaction=True)
def test_the_rebuild_refuses_to_run_outside_a_transaction():
    from django.db import connection

    from ecm.index.bulk import secondary_indexes_rebuilt_after

    if connection.vendor != "sqlite":
        pytest.skip("nothing is dropped on PostgreSQL")
    before = _sqlite_indexes()
    with pytest.raises(RuntimeError, match="inside a transaction"), secondary_indexes_rebuilt_after([Child]):
        pass
    assert _sqlite_indexes() == before
