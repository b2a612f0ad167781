"""Model instances from SQL whose select list is written once per process.

For the few reads on every request of the search path (the index search's children, names and
addresses; the API client and its organisation) building the same wide ``SELECT`` through the
ORM each time cost more CPU than the database spent answering it. :func:`columns` gives a
model's select list once, and :func:`instances` turns the rows into model instances exactly as
a queryset would (the database's converters applied, ``from_db`` called), so callers keep
working with ordinary model objects. The filters stay the ORM's wherever they hold a rule
(shielding, statuses); only the fixed outer select is written here.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

from django.db import connections
from django.db.models import Model

M = TypeVar("M", bound=Model)
Converter = Callable[[Any, Any, Any], Any]


@functools.cache
def columns(model: type[Model]) -> str:
    """``"table"."column", ...`` for every concrete field, in ``_meta.concrete_fields`` order."""
    from django.db import connection

    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    return ", ".join(f"{table}.{quote(str(f.column))}" for f in model._meta.concrete_fields)


def width(model: type[Model]) -> int:
    """How many columns :func:`columns` selects."""
    return len(model._meta.concrete_fields)


@functools.cache
def table(model: type[Model]) -> str:
    from django.db import connection

    return connection.ops.quote_name(model._meta.db_table)


@functools.cache
def _converters(
    model: type[Model], alias: str
) -> tuple[tuple[str, ...], tuple[tuple[int, tuple[Converter, ...], Any], ...]]:
    connection = connections[alias]
    fields = model._meta.concrete_fields
    attnames = tuple(f.attname for f in fields)
    found = []
    for position, field in enumerate(fields):
        expression = field.get_col(model._meta.db_table)
        chain = tuple(connection.ops.get_db_converters(expression) + field.get_db_converters(connection))
        if chain:
            found.append((position, chain, expression))
    return attnames, tuple(found)


def instances(model: type[M], rows: Iterable[Sequence[Any]], *, using: str, start: int = 0) -> list[M]:
    """Instances of ``model`` from rows whose columns ``start`` onwards are :func:`columns` (model)."""
    connection = connections[using]
    attnames, converters = _converters(model, using)
    width = len(attnames)
    made = []
    for row in rows:
        values = list(row[start : start + width])
        for position, chain, expression in converters:
            value = values[position]
            for convert in chain:
                value = convert(value, expression, connection)
            values[position] = value
        made.append(model.from_db(using, attnames, values))
    return made


def select(sql: str, params: Sequence[Any], *, using: str) -> list[tuple[Any, ...]]:
    """Run a fixed statement on ``using`` and return its rows."""
    with connections[using].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def fetch(model: type[M], sql: str, params: Sequence[Any], *, using: str) -> list[M]:
    """Run ``sql`` (selecting :func:`columns` (model)) on ``using`` and return the instances."""
    return instances(model, select(sql, params, using=using), using=using)
