"""Putting many children on the index at once: the national load from source feeds.

``child_create_many`` applies exactly the rules of ``child_create`` to every row, then
writes children, names, addresses and carers as plain rows (``_Table``): one ``COPY`` per table
on PostgreSQL, one ``executemany`` per table and ``BULK_BATCH_SIZE`` rows on SQLite; and records
**one** audit event for the batch that names every child created (id and index number). One
event per batch keeps every creation traceable to its actor, time and batch while the
audit chain's head is locked once per batch rather than once per child; it is used by
system actors (record linkage), never by a person's page.
"""

from __future__ import annotations

import datetime as dt
import secrets
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.db import connection, models, transaction
from django.db.models import signals
from django.db.models.base import ModelState

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


def _is_uuid(field: models.Field) -> bool:
    """A UUID column: a UUID key, or a foreign key to one."""
    target = field.target_field if field.is_relation else field  # type: ignore[attr-defined]
    return bool(target.get_internal_type() == "UUIDField")


class _Table:
    """A model's rows as plain lists in column order, written in bulk (``write``).

    ``row`` gives what ``Model(**values)`` would hold (a missing column takes its field's
    default, a callable default called per row) without building a model instance: at a
    national load the instances, and reading them back attribute by attribute, cost more than
    the database's own work. Foreign keys are given as ``<name>_id``. An auto-incremented key is
    left to the database (not a column here); any other key must be given or defaulted.
    """

    def __init__(self, model: type[models.Model]) -> None:
        self.model = model
        self.fields = [
            f for f in model._meta.concrete_fields if not (f.primary_key and isinstance(f, models.AutoField))
        ]
        self.names = [str(f.attname) for f in self.fields]
        self.slots = {name: n for n, name in enumerate(self.names)}
        # A callable default (a new UUID, the time) is called for each row; any other default, and a field's
        # empty value when it has none (``NOT_PROVIDED``, itself a callable class), is worked out once.
        per_row = [f.has_default() and callable(f.default) for f in self.fields]
        self.template = [None if every else f.get_default() for f, every in zip(self.fields, per_row, strict=True)]
        # The default itself, which is what ``get_default`` calls for a callable one, one call fewer per row.
        self.per_row = [(n, f.default) for n, f in enumerate(self.fields) if per_row[n]]
        self.is_whole_model = len(self.fields) == len(model._meta.concrete_fields)

    def row(self, values: dict[str, Any]) -> list[Any]:
        """The row ``values`` (by attribute name) describe, with every other column defaulted."""
        row = self.template.copy()
        slots = self.slots
        try:
            for name, value in values.items():
                row[slots[name]] = value
        except KeyError as error:
            raise TypeError(f"{self.model.__name__} has no column {error.args[0]}.") from None
        for n, default in self.per_row:
            if self.names[n] not in values:
                row[n] = default()
        return row

    def instance(self, row: list[Any]) -> Any:
        """The unsaved model instance of a row (see ``instance_maker``)."""
        return self.instance_maker()(row)

    def instance_maker(self) -> Callable[[list[Any]], Any]:
        """What makes the unsaved model instance of a row, for a batch of rows.

        Its attributes are set straight from the row, as ``Model(*row)`` would set them, when nothing
        listens for the model's ``pre_init`` / ``post_init`` signals (Django's ``__init__`` costs more
        than the rest of building the row); otherwise through ``Model(*row)``. Whether anything listens
        is asked once for the batch.
        """
        if not self.is_whole_model:
            raise TypeError(f"{self.model.__name__}'s key is the database's: build instances by keyword.")
        model, names = self.model, self.names
        if signals.pre_init.has_listeners(model) or signals.post_init.has_listeners(model):
            return lambda row: model(*row)

        def instance(row: list[Any]) -> Any:
            made = model.__new__(model)
            made.__dict__.update(zip(names, row, strict=True))
            made._state = ModelState()
            return made

        return instance

    def _adapted_columns(self, rows: Sequence[Sequence[Any]]) -> list[Sequence[Any]]:
        """Each column's values as the database driver takes them, adapted as Django would, column by column."""
        native_uuid = connection.features.has_native_uuid_field
        columns: list[Sequence[Any]] = []
        # ``zip(*rows)`` turns rows into columns in C, where a list per column indexing every row cost more.
        for field, values in zip(self.fields, zip(*rows, strict=True), strict=True):
            if field.get_internal_type() in _PLAIN_TYPES or (native_uuid and _is_uuid(field)):
                columns.append(values)
            elif _is_uuid(field):
                # What ``UUIDField.get_db_prep_value`` gives without a native type: 32 hex digits.
                columns.append(
                    [v.hex if isinstance(v, uuid.UUID) else field.get_db_prep_save(v, connection) for v in values]
                )
            else:
                # Dates, times and other foreign keys repeat across rows (one batch time, a child's several
                # rows): each distinct value is adapted once.
                adapted = {value: field.get_db_prep_save(value, connection) for value in set(values)}
                columns.append([adapted[value] for value in values])
        return columns

    def write(self, rows: Sequence[Sequence[Any]]) -> None:
        """Insert the rows: ``COPY`` on PostgreSQL, else one ``executemany`` per ``BULK_BATCH_SIZE`` rows."""
        if not rows:
            return
        quote = connection.ops.quote_name
        # Table and column names come from the model, never from input.
        table = quote(str(self.model._meta.db_table))
        columns = ", ".join(quote(str(f.column)) for f in self.fields)
        params = list(zip(*self._adapted_columns(rows), strict=True))
        if connection.vendor == "postgresql":
            # One COPY streams every row (several times faster than INSERTs).
            with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for values in params:
                    copy.write_row(values)
            return
        placeholders = ", ".join(["%s"] * len(self.fields))
        sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"  # noqa: S608
        with connection.cursor() as cursor:
            for start in range(0, len(params), BULK_BATCH_SIZE):
                cursor.executemany(sql, params[start : start + BULK_BATCH_SIZE])


_TABLES: dict[type[models.Model], _Table] = {}


def table_of(model: type[models.Model]) -> _Table:
    """The model's ``_Table`` (built once per process)."""
    found = _TABLES.get(model)
    if found is None:
        found = _TABLES[model] = _Table(model)
    return found


def insert_rows(model: type[models.Model], objects: Sequence[models.Model]) -> None:
    """Insert unsaved model instances in bulk (``_Table.write``): rows must carry their primary key (UUID)
    or have an auto key left to the database.

    ``bulk_create`` compiles SQL value by value; at a national load that costs more than the database.
    """
    table = table_of(model)
    table.write([[getattr(row, name) for name in table.names] for row in objects])


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


def bulk_rebuild_worthwhile(*, new_children: int) -> bool:
    """Whether ``new_children`` new children are a first load, worth rebuilding the indexes after (SQLite only).

    At least ``ECM_LINKAGE_FIRST_LOAD_MIN_CHILDREN`` (0: never) and at least as many as the index holds.

    On SQLite each child's rows go into about twenty B-trees, most keyed at random (ids, names by date of
    birth, postcodes), so a large load spends most of its time moving between their pages; building an
    index from scratch sorts once and writes its pages in order. That pays when the new rows are at
    least as many as those already there (a first load, or a national feed into a small index), never
    for a day's delivery into a full index. PostgreSQL keeps its indexes: dropping one would lock the
    table against every reader for the whole load.
    """
    least = settings.ECM_LINKAGE_FIRST_LOAD_MIN_CHILDREN
    if connection.vendor != "sqlite" or least <= 0 or new_children < least:
        return False
    return new_children >= Child.objects.count()


@contextmanager
def secondary_indexes_rebuilt_after(models_: Sequence[type[models.Model]]) -> Iterator[None]:
    """Drop the tables' secondary indexes, run the body, then create them again exactly as they were (SQLite).

    Must run inside a transaction (``transaction.atomic``): the drop, the body's writes and the rebuild
    commit together, so readers (in SQLite's write-ahead log) go on seeing the indexed tables as they
    were until the commit, and a failure rolls the indexes back with everything else. Unique indexes are
    kept, so that they go on refusing duplicates while the rows are written (SQLite's own
    ``sqlite_autoindex`` ones cannot be dropped anyway). Nothing happens on PostgreSQL.
    """
    if connection.vendor != "sqlite":
        yield
        return
    if not connection.in_atomic_block:
        raise RuntimeError("secondary_indexes_rebuilt_after must run inside a transaction.")
    tables = [str(m._meta.db_table) for m in models_]
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        placeholders = ", ".join(["%s"] * len(tables))
        cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "  # noqa: S608
            f"AND upper(sql) NOT LIKE 'CREATE UNIQUE%%' AND tbl_name IN ({placeholders}) ORDER BY name",
            tables,
        )
        saved = cursor.fetchall()
        for name, _sql in saved:
            cursor.execute(f"DROP INDEX {quote(name)}")
    yield
    with connection.cursor() as cursor:
        for _name, sql in saved:
            cursor.execute(sql)


def rows_where_in(model: type[models.Model], columns: Sequence[str], key: str, values: Sequence[Any]) -> list[tuple]:
    """``columns`` (attribute names) of the model's rows whose ``key`` is one of ``values``, raw from the cursor.

    Plain SQL in statements of 5,000 values: Django's ``__in`` adapts its values one by one in Python,
    which at a national load cost a tenth of the index update's time.
    """
    quote = connection.ops.quote_name
    column_of = {field.attname: field.column for field in model._meta.concrete_fields}
    select = (
        f"SELECT {', '.join(quote(str(column_of[name])) for name in columns)} "  # noqa: S608
        f"FROM {quote(model._meta.db_table)} WHERE {quote(str(column_of[key]))} IN "
    )
    rows: list[tuple] = []
    with connection.cursor() as cursor:
        for start in range(0, len(values), 5000):
            chunk = list(values[start : start + 5000])
            cursor.execute(select + "(" + ", ".join(["%s"] * len(chunk)) + ")", chunk)
            rows.extend(cursor.fetchall())
    return rows


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
        taken = {number for (number,) in rows_where_in(Child, ["index_number"], "index_number", sorted(fresh))}
        numbers |= fresh - taken
    return sorted(numbers)[:count]


def _child(row: dict[str, Any], index_number: str, today: dt.date) -> dict[str, Any]:
    """One row checked as ``child_create`` checks it: the child's columns by attribute name."""
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
    return {
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
    }


def _batch_stamp(actor: Actor, now: dt.datetime) -> dict[str, Any]:
    """``_stamp`` (creating) worked out once for a batch: who wrote it, at the batch's one time."""
    probe = Child()
    _stamp(probe, actor, creating=True)
    names = ("created_by_id", "created_by_label", "modified_by_id", "modified_by_label")
    return {**{name: getattr(probe, name) for name in names}, "created_at": now, "modified_at": now}


@transaction.atomic
def child_create_many(*, actor: Actor, rows: Sequence[dict[str, Any]]) -> list[Child]:
    """Put many children on the index in one transaction and one audit event; returns them in order.

    Each row takes the keyword arguments of ``child_create`` (``family_name``, ``given_name``,
    ``date_of_birth``, ``address``, ``carers``...) and obeys the same rules: a row that
    breaks one raises ``IndexRuleError`` naming the row, and nothing of the batch is written.
    Names, addresses and carers are built as plain rows (``_Table``), never as model instances.
    """
    if not rows:
        return []
    today = clock.today()
    stamp = _batch_stamp(actor, clock.now())  # one time for the batch, as its audit event
    tables = {model: table_of(model) for model in (Child, ChildName, ChildAddress, Carer)}
    written: dict[type[models.Model], list[list[Any]]] = {model: [] for model in tables}
    children: list[Child] = []
    child_instance = tables[Child].instance_maker()
    for n, (row, number) in enumerate(zip(rows, _index_numbers(len(rows)), strict=True), start=1):
        try:
            child_row = tables[Child].row({**_child(row, number, today), **stamp})
            child = child_instance(child_row)
            written[Child].append(child_row)
            written[ChildName].append(
                tables[ChildName].row(
                    name_values(
                        child,
                        given_name=child.given_name,
                        middle_names=child.middle_names,
                        family_name=child.family_name,
                        today=today,
                    )
                )
            )
            if row.get("address"):
                written[ChildAddress].append(
                    tables[ChildAddress].row(address_values(child, **row["address"], today=today))
                )
            for values in row.get("carers", ()):
                _require(
                    bool(values.get("given_name") and values.get("family_name")),
                    "Enter the carer's given and family names.",
                )
                written[Carer].append(tables[Carer].row({**values, "child_id": child.pk, **stamp}))
        except IndexRuleError as error:
            raise IndexRuleError(f"Child {n} of {len(rows)}: {error}") from error
        children.append(child)
    for model, table in tables.items():
        table.write(written[model])
    for child in children:
        child._state.adding = False
    audit_record(
        actor=actor,
        action="index.children_created",
        object_type=Child._meta.label_lower,
        data={"count": len(children), "children": [[str(c.pk), c.index_number] for c in children]},
    )
    return children
