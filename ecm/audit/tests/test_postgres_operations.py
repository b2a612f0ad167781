"""PostgreSQL operations: the runtime role's limits, and a backup restored into a new database.

These run against the test database on the PostgreSQL the suite uses; on SQLite they skip
(SQLite has neither roles nor pg_dump).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from ecm.audit.services import audit_record
from ecm.core.actors import SystemActor

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="PostgreSQL operations"),
]

ACTOR = SystemActor("test-suite")


def _dsn(**overrides: str) -> dict[str, str]:
    db = connection.settings_dict
    params = {
        "host": db["HOST"] or "127.0.0.1",
        "port": str(db["PORT"] or 5432),
        "dbname": db["NAME"],
        "user": db["USER"] or "postgres",
    }
    params.update(overrides)
    return params


def _database_url(name: str) -> str:
    p = _dsn()
    return f"postgres://{p['user']}@{p['host']}:{p['port']}/{name}"


@pytest.fixture
def runtime_role():
    import psycopg

    role = f"ecm_runtime_test_{os.getpid()}"
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
        if cursor.fetchone() is None:
            cursor.execute(f"CREATE ROLE {role} LOGIN")
    yield role
    with connection.cursor() as cursor:
        cursor.execute(f"DROP OWNED BY {role}")
    try:
        with psycopg.connect(**_dsn(dbname="postgres"), autocommit=True) as admin:
            admin.execute(f"DROP ROLE IF EXISTS {role}")
    except psycopg.Error:
        pass  # still granted in another test database; harmless, dropped by a later run


def _as_role(role: str):
    import psycopg

    return psycopg.connect(**_dsn(user=role), autocommit=True)


FORBIDDEN = [
    "DROP TRIGGER audit_no_update_delete ON audit_auditevent",
    "ALTER TABLE audit_auditevent DISABLE TRIGGER ALL",
    "UPDATE audit_auditevent SET reason = 'rewritten'",
    "DELETE FROM audit_auditevent",
    "TRUNCATE audit_auditevent",
    "TRUNCATE accounts_user CASCADE",
    "ALTER TABLE accounts_user ADD COLUMN sneaky text",
    "DROP TABLE audit_auditchainhead",
    "CREATE TABLE sneaky (id int)",
]


def test_the_runtime_role_cannot_alter_drop_truncate_or_rewrite_the_audit(runtime_role):
    import psycopg

    audit_record(actor=ACTOR, action="test.event")
    call_command("grant_runtime_role", "--role", runtime_role)
    with _as_role(runtime_role) as conn:
        for statement in FORBIDDEN:
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(statement)
        # What serving needs still works: read, append, change ordinary rows, take sequence numbers.
        assert conn.execute("SELECT count(*) FROM audit_auditevent").fetchone()[0] >= 1
        conn.execute("UPDATE accounts_user SET last_name = last_name WHERE false")
        conn.execute("UPDATE audit_auditchainhead SET last_hash = last_hash WHERE false")
        conn.execute("SELECT nextval(pg_get_serial_sequence('audit_auditevent', 'sequence'))")


def test_a_superuser_or_owner_is_refused_as_the_runtime_role():
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="superuser"):
        call_command("grant_runtime_role", "--role", "postgres")


def test_print_shows_the_sql_without_running_it(capsys):
    call_command("grant_runtime_role", "--role", "ecm_app", "--print")
    out = capsys.readouterr().out
    assert 'REVOKE UPDATE, DELETE, TRUNCATE ON audit_auditevent FROM "ecm_app"' in out


def _manage(*args: str, database: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": _database_url(database), "ECM_ENV": "test"}
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.skipif(not shutil.which("pg_dump") or not shutil.which("pg_restore"), reason="PostgreSQL client tools")
def test_backup_restores_into_a_new_database_that_verifies_and_serves(tmp_path: Path):
    import psycopg

    for i in range(25):
        audit_record(actor=ACTOR, action="test.event", object_id=str(i), data={"i": i})
    source = connection.settings_dict["NAME"]
    restored = f"{source}_restored_{os.getpid()}"
    dump = tmp_path / "ecm.dump"
    p = _dsn()
    base = ["-h", p["host"], "-p", p["port"], "-U", p["user"]]
    subprocess.run(["pg_dump", *base, "-Fc", "-f", str(dump), source], check=True)  # noqa: S603, S607
    with psycopg.connect(**_dsn(dbname="postgres"), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{restored}"')
        admin.execute(f'CREATE DATABASE "{restored}"')
    try:
        subprocess.run(  # noqa: S603
            ["pg_restore", *base, "--exit-on-error", "-d", restored, str(dump)],  # noqa: S607
            check=True,
        )
        verified = _manage("verify_audit", "--workers", "1", database=restored)
        assert verified.returncode == 0, verified.stderr
        assert verified.stdout.startswith("OK ")
        assert int(verified.stdout.split()[1]) >= 25
        pending = _manage("migrate", "--check", database=restored)
        assert pending.returncode == 0, pending.stdout + pending.stderr
        serves = _manage(
            "shell",
            "-c",
            "from django.test import Client; r = Client().get('/sign-in/'); print(r.status_code)",
            database=restored,
        )
        assert serves.stdout.strip().endswith("200"), serves.stdout + serves.stderr
        # The append-only triggers came back with the restore.
        with psycopg.connect(**_dsn(dbname=restored), autocommit=True) as conn, pytest.raises(psycopg.Error):
            conn.execute("DELETE FROM audit_auditevent")
    finally:
        with psycopg.connect(**_dsn(dbname="postgres"), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{restored}" WITH (FORCE)')
