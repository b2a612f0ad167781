"""Database triggers that make the audit table append-only, on PostgreSQL and SQLite.

Kept in one module so the migration installs them and the test suite can lift them
only around its own table flushes (see conftest.py); production never calls ``drop``.
"""

from __future__ import annotations

from django.db.backends.base.base import BaseDatabaseWrapper

TABLE = "audit_auditevent"
MESSAGE = "audit events are append-only"

POSTGRES_CREATE = [
    f"""
    CREATE OR REPLACE FUNCTION audit_reject_change() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION '{MESSAGE}';
    END;
    $$ LANGUAGE plpgsql
    """,
    f"DROP TRIGGER IF EXISTS audit_no_update_delete ON {TABLE}",
    f"""CREATE TRIGGER audit_no_update_delete BEFORE UPDATE OR DELETE ON {TABLE}
        FOR EACH ROW EXECUTE FUNCTION audit_reject_change()""",
    f"DROP TRIGGER IF EXISTS audit_no_truncate ON {TABLE}",
    f"""CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON {TABLE}
        FOR EACH STATEMENT EXECUTE FUNCTION audit_reject_change()""",
]
POSTGRES_DROP = [
    f"DROP TRIGGER IF EXISTS audit_no_update_delete ON {TABLE}",
    f"DROP TRIGGER IF EXISTS audit_no_truncate ON {TABLE}",
]
SQLITE_CREATE = [
    f"""CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS audit_no_update",
    "DROP TRIGGER IF EXISTS audit_no_delete",
]


def _statements(connection: BaseDatabaseWrapper, create: bool) -> list[str]:
    if connection.vendor == "postgresql":
        return POSTGRES_CREATE if create else POSTGRES_DROP
    if connection.vendor == "sqlite":
        return SQLITE_CREATE if create else SQLITE_DROP
    raise NotImplementedError(f"No append-only triggers for database {connection.vendor!r}.")


def install(connection: BaseDatabaseWrapper) -> None:
    with connection.cursor() as cursor:
        for sql in _statements(connection, create=True):
            cursor.execute(sql)


def drop(connection: BaseDatabaseWrapper) -> None:
    with connection.cursor() as cursor:
        for sql in _statements(connection, create=False):
            cursor.execute(sql)
