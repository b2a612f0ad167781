"""Putting many children on the index at once: the national load from source feeds.

``child_create_many`` applies exactly the rules of ``child_create`` to every row, then
writes children, names, addresses and carers with one ``executemany`` per table and chunk
(``insert_rows``) and records **one**
audit event for the batch that names every child created (id and index number). One
event per batch keeps every creation traceable to its actor, time and batch while the
audit chain's head is locked once per batch rather than once per child; it is used by
system actors (record linkage), never by a person's page.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Sequence
from typing import Any

from django.db import connection, models, transaction

from ecm.audit.services import audit_record
from ecm.core import clock
from ecm.core.actors import Actor
from ecm.index.choices import Gender
from ecm.index.models import Carer, Child, ChildAddress, ChildName
from ecm.index.rules import (
    IndexRuleError,
    _check_identifiers,
    _check_name,
    _require,
    _stamp,
    address_values,
    name_values,
)
from ecm.index.search.keys import luhn_check_digit

BULK_BATCH_SIZE = 500
GENDERS = frozenset(Gender.values)  # ``Gender.values`` is rebuilt on every access
ROW_KEYS = {
    "family_name",
    "given_name",
    "middle_names",
    "date_of_birth",
    "expected_delivery_date",
    "gender",
    "address",
    "nhs_number",
    "unique_pupil_number",
    "school",
    "gp_practice",
    "local_authority",
    "carers",
}


# Field types whose Python value is already what the database driver takes.
_PLAIN_TYPES = {
    "CharField",
    "TextField",
    "SlugField",
    "EmailField",
    "BooleanField",
    "IntegerField",
    "SmallIntegerField",
    "BigIntegerField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "FloatField",
}


def insert_rows(model: type[models.Model], objects: Sequence[models.Model]) -> None:
    """Insert unsaved rows: ``COPY`` on PostgreSQL, else one ``executemany`` per ``BULK_BATCH_SIZE``; values
    adapted as Django would.

    ``bulk_create`` compiles SQL value by value; at a national load that costs more than the
    database. Rows must carry their primary key (UUID) or have an auto key left to the database.
    """
    if not objects:
        return
    meta = model._meta
    fields = [f for f in meta.concrete_fields if not (f.primary_key and isinstance(f, models.AutoField))]
    plain = [f.get_internal_type() in _PLAIN_TYPES for f in fields]
    # Table and column names come from the model, never from input.
    columns = ", ".join(connection.ops.quote_name(str(f.column)) for f in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {connection.ops.quote_name(str(meta.db_table))} ({columns}) VALUES ({placeholders})"  # noqa: S608
    # Dates, times and foreign keys repeat across rows (one batch time, a child's several rows):
    # each distinct value is adapted once.
    memo: list[dict[Any, Any]] = [{} for _ in fields]

    def adapt(n: int, field: models.Field, value: Any) -> Any:
        if plain[n]:
            return value
        if field.primary_key:
            return field.get_db_prep_save(value, connection)
        seen = memo[n]
        if value not in seen:
            seen[value] = field.get_db_prep_save(value, connection)
        return seen[value]

    if connection.vendor == "postgresql":
        # PostgreSQL: one COPY per call streams every row (several times faster than INSERTs).
        columns = ", ".join(connection.ops.quote_name(str(f.column)) for f in fields)
        with connection.cursor() as cursor:
            copy_sql = f"COPY {connection.ops.quote_name(meta.db_table)} ({columns}) FROM STDIN"
            with cursor.cursor.copy(copy_sql) as copy:
                for row in objects:
                    copy.write_row([adapt(n, f, getattr(row, f.attname)) for n, f in enumerate(fields)])
        return
    with connection.cursor() as cursor:
        for start in range(0, len(objects), BULK_BATCH_SIZE):
            params = [
                [adapt(n, f, getattr(row, f.attname)) for n, f in enumerate(fields)]
                for row in objects[start : start + BULK_BATCH_SIZE]
            ]
            cursor.executemany(sql, params)


# SQLite's page cache for a bulk command's connection, in KiB (SQLite's default is 2 MB). The index
# tables' keys are random UUIDs, so each insert touches pages all over their B-trees: with the default
# cache a national load rereads them from the operating system page by page.
BULK_SQLITE_CACHE_KIB = 262_144
BULK_SQLITE_CHECKPOINT_PAGES = 16_384  # of 4 KiB: 64 MB (SQLite's default is 1,000)


def bulk_connection_prepare() -> None:
    """Ready this process's database connection for a bulk command (``match``, ``import_feed``).

    On SQLite, a 256 MB page cache (``BULK_SQLITE_CACHE_KIB``) and fewer, larger checkpoints of the
    write-ahead log (``BULK_SQLITE_CHECKPOINT_PAGES``), for this connection only; nothing on
    PostgreSQL, whose buffers are the server's.
    """
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute(f"PRAGMA cache_size = -{int(BULK_SQLITE_CACHE_KIB)}")
        # Copy the write-ahead log into the database every 64 MB rather than every 4 MB: an index page
        # changed by many batches is written back once, and each batch's commit does not wait for it.
        cursor.execute(f"PRAGMA wal_autocheckpoint = {int(BULK_SQLITE_CHECKPOINT_PAGES)}")


def _index_numbers(count: int) -> list[str]:
    """``count`` fresh, distinct index numbers (11 random digits and a Luhn check digit), checked in one query."""
    numbers: set[str] = set()
    while len(numbers) < count:
        wanted = count - len(numbers)
        fresh = set()
        for _ in range(wanted):
            body = str(secrets.randbelow(9 * 10**10) + 10**10)
            fresh.add(body + luhn_check_digit(body))
        fresh -= numbers
        taken = set(Child.objects.filter(index_number__in=fresh).values_list("index_number", flat=True))
        numbers |= fresh - taken
    return sorted(numbers)[:count]


class _RowMaker:
    """Unsaved instances of ``model`` from column values by attribute name, built positionally.

    What ``Model(**kwargs)`` gives (a missing column takes its field's default, a callable default
    called per row) at a quarter of the cost: Django's keyword path looks every field up by name
    and goes through the related-object descriptors. Foreign keys are given as ``<name>_id``.
    """

    def __init__(self, model: type[models.Model]) -> None:
        self.model = model
        self.fields = [(f.attname, f.get_default if callable(f.default) else None) for f in model._meta.concrete_fields]
        self.constants = {f.attname: f.get_default() for f in model._meta.concrete_fields if not callable(f.default)}
        self.known = {name for name, _default in self.fields}

    def __call__(self, values: dict[str, Any]) -> Any:
        extra = values.keys() - self.known
        if extra:
            raise TypeError(f"{self.model.__name__} has no column {', '.join(sorted(extra))}.")
        constants = self.constants
        args = [
            values[name] if name in values else (default() if default is not None else constants[name])
            for name, default in self.fields
        ]
        return self.model(*args)


_MAKERS: dict[type[models.Model], _RowMaker] = {}


def _make(model: type[models.Model], values: dict[str, Any]) -> Any:
    maker = _MAKERS.get(model)
    if maker is None:
        maker = _MAKERS[model] = _RowMaker(model)
    return maker(values)


def _child(row: dict[str, Any], index_number: str, today: dt.date) -> Child:
    """One row checked as ``child_create`` checks it (not saved)."""
    unknown = set(row) - ROW_KEYS
    _require(not unknown, f"Unknown details: {', '.join(sorted(unknown))}.")
    date_of_birth = row.get("date_of_birth")
    expected = row.get("expected_delivery_date")
    given_name, family_name = row.get("given_name", ""), row.get("family_name", "")
    gender = row.get("gender", Gender.UNKNOWN)
    _require(
        date_of_birth is not None or expected is not None,
        "Enter a date of birth, or an expected date of delivery for an unborn baby.",
    )
    _require(date_of_birth is None or date_of_birth <= today, "The date of birth must be in the past.")
    _check_name(given_name, family_name, date_of_birth is None)
    _check_identifiers(row.get("nhs_number", ""), row.get("unique_pupil_number", ""))
    _require(gender in GENDERS, "Choose a gender.")
    school, gp_practice, local_authority = row.get("school"), row.get("gp_practice"), row.get("local_authority")
    return _make(
        Child,
        {
            "index_number": index_number,
            "given_name": given_name.strip(),
            "middle_names": row.get("middle_names", "").strip(),
            "family_name": family_name.strip(),
            "date_of_birth": date_of_birth,
            "expected_delivery_date": expected if date_of_birth is None else None,
            "gender": gender,
            "nhs_number": row.get("nhs_number", "").replace(" ", ""),
            "unique_pupil_number": row.get("unique_pupil_number", "").replace(" ", "").upper(),
            "school_id": school.pk if school is not None else None,
            "gp_practice_id": gp_practice.pk if gp_practice is not None else None,
            "local_authority_id": local_authority.pk if local_authority is not None else None,
        },
    )


def _apply_stamp(row: Any, stamp: tuple[Any, ...], now: dt.datetime) -> None:
    """``_stamp`` (creating) with the actor's user and label already worked out, at the batch's time."""
    row.created_by_id, row.created_by_label, row.modified_by_id, row.modified_by_label = stamp
    row.created_at = row.modified_at = now


@transaction.atomic
def child_create_many(*, actor: Actor, rows: Sequence[dict[str, Any]]) -> list[Child]:
    """Put many children on the index in one transaction and one audit event; returns them in order.

    Each row takes the keyword arguments of ``child_create`` (``family_name``, ``given_name``,
    ``date_of_birth``, ``address``, ``carers``...) and obeys the same rules: a row that
    breaks one raises ``IndexRuleError`` naming the row, and nothing of the batch is written.
    """
    if not rows:
        return []
    today = clock.today()
    children: list[Child] = []
    names: list[ChildName] = []
    addresses: list[ChildAddress] = []
    carers: list[Carer] = []
    now = clock.now()
    stamp: tuple[Any, ...] | None = None  # who wrote the batch, worked out once (``_stamp``)
    for n, (row, number) in enumerate(zip(rows, _index_numbers(len(rows)), strict=True), start=1):
        try:
            child = _child(row, number, today)
            if stamp is None:
                _stamp(child, actor, creating=True)
                stamp = (child.created_by_id, child.created_by_label, child.modified_by_id, child.modified_by_label)
            _apply_stamp(child, stamp, now)  # one time for the batch, as its audit event
            names.append(
                _make(
                    ChildName,
                    name_values(
                        child,
                        given_name=child.given_name,
                        middle_names=child.middle_names,
                        family_name=child.family_name,
                        today=today,
                    ),
                )
            )
            if row.get("address"):
                addresses.append(_make(ChildAddress, address_values(child, **row["address"], today=today)))
            for values in row.get("carers", ()):
                carer = _make(Carer, {**values, "child_id": child.pk})
                _require(bool(carer.given_name and carer.family_name), "Enter the carer's given and family names.")
                _apply_stamp(carer, stamp, now)
                carers.append(carer)
        except IndexRuleError as error:
            raise IndexRuleError(f"Child {n} of {len(rows)}: {error}") from error
        children.append(child)
    insert_rows(Child, children)
    insert_rows(ChildName, names)
    insert_rows(ChildAddress, addresses)
    insert_rows(Carer, carers)
    for saved in (*children, *carers):
        saved._state.adding = False
    audit_record(
        actor=actor,
        action="index.children_created",
        object_type=Child._meta.label_lower,
        data={"count": len(children), "children": [[str(c.pk), c.index_number] for c in children]},
    )
    return children
