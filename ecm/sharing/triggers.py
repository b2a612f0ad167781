"""Database triggers that keep the final sharing records immutable: decisions, countersignatures, disclosures.

UPDATE is rejected on PostgreSQL and SQLite. DELETE is rejected on PostgreSQL; on SQLite it is
left to the foreign keys (``PROTECT``) because the test suite's table flush deletes rows there
(PostgreSQL flushes with TRUNCATE, which row triggers do not see). Corrections are new records.

The one exception is the retention purge (``ecm.index.retention``): while the purging
transaction holds a row in ``index_purgepermit``, UPDATE is accepted so that a purged child's
identifiers can be blanked. The permit row is deleted before that transaction commits.
"""

from __future__ import annotations

from django.db.backends.base.base import BaseDatabaseWrapper

TABLES = ("sharing_sharingdecision", "sharing_countersignature", "sharing_disclosure")
MESSAGE = "sharing records are immutable: record a correction instead"
PERMIT_TABLE = "index_purgepermit"


def _postgres_create() -> list[str]:
    statements = [
        f"""
        CREATE OR REPLACE FUNCTION sharing_reject_change() RETURNS trigger AS $$
        BEGIN
            IF TG_OP = 'UPDATE' AND EXISTS (SELECT 1 FROM {PERMIT_TABLE}) THEN
                RETURN NEW;
            END IF;
            RAISE EXCEPTION '{MESSAGE}';
        END;
        $$ LANGUAGE plpgsql
        """  # noqa: S608 (constants only)
    ]
    for table in TABLES:
        statements += [
            f"DROP TRIGGER IF EXISTS {table}_immutable ON {table}",
            f"""CREATE TRIGGER {table}_immutable BEFORE UPDATE OR DELETE ON {table}
                FOR EACH ROW EXECUTE FUNCTION sharing_reject_change()""",
        ]
    return statements


def _postgres_drop() -> list[str]:
    return [f"DROP TRIGGER IF EXISTS {table}_immutable ON {table}" for table in TABLES]


def _sqlite_create() -> list[str]:
    return [
        f"""CREATE TRIGGER IF NOT EXISTS {table}_immutable BEFORE UPDATE ON {table}
            WHEN NOT EXISTS (SELECT 1 FROM {PERMIT_TABLE})
            BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"""  # noqa: S608 (constants only)
        for table in TABLES
    ]


def _sqlite_drop() -> list[str]:
    return [f"DROP TRIGGER IF EXISTS {table}_immutable" for table in TABLES]


def _statements(connection: BaseDatabaseWrapper, create: bool) -> list[str]:
    if connection.vendor == "postgresql":
        return _postgres_create() if create else _postgres_drop()
    if connection.vendor == "sqlite":
        return _sqlite_create() if create else _sqlite_drop()
    raise NotImplementedError(f"No immutability triggers for database {connection.vendor!r}.")


def install(connection: BaseDatabaseWrapper) -> None:
    with connection.cursor() as cursor:
        for sql in _statements(connection, create=True):
            cursor.execute(sql)


def drop(connection: BaseDatabaseWrapper) -> None:
    with connection.cursor() as cursor:
        for sql in _statements(connection, create=False):
            cursor.execute(sql)
