"""Instances built by ``ecm.core.rows`` equal what the ORM loads, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import DEFAULT_DB_ALIAS

from ecm.core import rows
from ecm.index.models import Child, ChildAddress
from ecm.index.tests.factories import ChildFactory

pytestmark = pytest.mark.django_db


def _fields(instance):
    return {f.attname: getattr(instance, f.attname) for f in type(instance)._meta.concrete_fields}


def test_instances_equal_the_orms_with_every_type_converted() -> None:
    child = ChildFactory(date_of_birth=dt.date(2015, 2, 28))
    sql = f"SELECT {rows.columns(Child)} FROM {rows.table(Child)} WHERE {rows.table(Child)}.id = %s"  # noqa: S608
    from django.db import connection

    params = [Child._meta.pk.get_db_prep_value(child.pk, connection)]
    [made] = rows.fetch(Child, sql, params, using=DEFAULT_DB_ALIAS)
    loaded = Child.objects.get(pk=child.pk)
    assert _fields(made) == _fields(loaded)
    assert made._state.adding is False and made._state.db == DEFAULT_DB_ALIAS
    assert isinstance(made.date_of_birth, dt.date) and made.pk == child.pk


def test_width_counts_the_selected_columns() -> None:
    assert rows.width(ChildAddress) == len(rows.columns(ChildAddress).split(", "))
