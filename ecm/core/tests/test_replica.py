"""The replica router against a real PostgreSQL hot standby that this module starts.

A primary and a standby (made with pg_basebackup) are started in a temporary folder on free
ports, so the machine's own cluster and its authentication rules are left alone. Reads that
opted in go to the standby while it is fresh; while it lags or is down they fall back to the
primary; writes always go to the primary.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connections

from ecm.core.replica import ReplicaRouter, health, replica_reads
from ecm.index.models import Child

POSTGRES = os.environ.get("DATABASE_URL", "").startswith("postgres")


def _pg_bin(name: str) -> str | None:
    for folder in sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[-2]), reverse=True):
        if os.path.exists(os.path.join(folder, name)):
            return os.path.join(folder, name)
    return shutil.which(name)


pytestmark = pytest.mark.skipif(
    not POSTGRES or not all(_pg_bin(n) for n in ("initdb", "pg_ctl", "pg_basebackup")),
    reason="needs PostgreSQL and its server binaries",
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _as_postgres(args: list[str]) -> list[str]:
    # PostgreSQL's server programs refuse to run as root.
    return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else args


def _run(args: list[str]) -> None:
    subprocess.run(_as_postgres(args), check=True, capture_output=True, timeout=120)  # noqa: S603


class Pair:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.primary_port = _free_port()
        self.standby_port = _free_port()
        self.primary = root / "primary"
        self.standby = root / "standby"

    def start(self) -> None:
        initdb, pg_ctl, basebackup = (_pg_bin(n) for n in ("initdb", "pg_ctl", "pg_basebackup"))
        assert initdb and pg_ctl and basebackup
        self.pg_ctl = pg_ctl
        _run([initdb, "-D", str(self.primary), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"])
        with (self.primary / "postgresql.conf").open("a") as conf:
            conf.write(
                f"\nport = {self.primary_port}\nlisten_addresses = '127.0.0.1'\n"
                f"unix_socket_directories = '{self.root}'\nwal_level = replica\nmax_wal_senders = 4\n"
                "fsync = off\nhot_standby = on\n"
            )
        _run([pg_ctl, "-D", str(self.primary), "-l", str(self.root / "primary.log"), "-w", "start"])
        _run([
            basebackup, "-h", "127.0.0.1", "-p", str(self.primary_port), "-U", "postgres",
            "-D", str(self.standby), "-R", "-X", "stream",
        ])  # fmt: skip
        with (self.standby / "postgresql.conf").open("a") as conf:
            conf.write(f"\nport = {self.standby_port}\n")
        _run([pg_ctl, "-D", str(self.standby), "-l", str(self.root / "standby.log"), "-w", "start"])

    def start_standby(self) -> None:
        _run([self.pg_ctl, "-D", str(self.standby), "-l", str(self.root / "standby.log"), "-w", "start"])

    def stop_standby(self) -> None:
        _run([self.pg_ctl, "-D", str(self.standby), "-m", "immediate", "-w", "stop"])

    def stop(self) -> None:
        for folder in (self.standby, self.primary):
            with contextlib.suppress(subprocess.CalledProcessError):
                _run([self.pg_ctl, "-D", str(folder), "-m", "immediate", "-w", "stop"])


@pytest.fixture(scope="module")
def pair() -> Iterator[Pair]:
    root = Path(tempfile.mkdtemp(prefix="ecm-replica-"))
    root.chmod(0o755)
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    started = Pair(root)
    try:
        started.start()
        yield started
    finally:
        started.stop()
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def aliases(pair: Pair, monkeypatch: pytest.MonkeyPatch, django_db_blocker) -> Iterator[tuple[str, str]]:
    """Two extra database aliases on the pair, and a fresh health cache that re-checks every time."""
    import psycopg

    with psycopg.connect(host="127.0.0.1", port=pair.primary_port, user="postgres", autocommit=True) as c:
        c.execute("CREATE TABLE IF NOT EXISTS probe (id serial PRIMARY KEY, note text)")
    # The standby replays the new table a moment later; a read before that would fail with
    # "relation does not exist" rather than find nothing, so every test starts once it is there.
    with psycopg.connect(host="127.0.0.1", port=pair.standby_port, user="postgres", autocommit=True) as c:
        _wait_until(lambda: c.execute("SELECT to_regclass('probe')").fetchone()[0] is not None)
    base = dict(connections.settings["default"])
    names = ("pair_primary", "pair_standby")
    for alias, port in zip(names, (pair.primary_port, pair.standby_port), strict=True):
        connections.settings[alias] = {
            **base, "NAME": "postgres", "HOST": "127.0.0.1", "PORT": str(port), "USER": "postgres",
            "CONN_MAX_AGE": 0, "CONN_HEALTH_CHECKS": False, "TEST": {},
        }  # fmt: skip
    monkeypatch.setenv("ECM_REPLICA_CHECK_SECONDS", "0")
    monkeypatch.setenv("ECM_REPLICA_MAX_LAG_SECONDS", "1")
    health.forget()
    # Only the pair's own databases are touched here, never the suite's test database.
    with django_db_blocker.unblock():
        yield names
    for alias in names:
        with contextlib.suppress(Exception):
            connections[alias].close()
        with contextlib.suppress(KeyError, AttributeError):
            delattr(connections._connections, alias)
        connections.settings.pop(alias, None)
    health.forget()


def _write(alias: str, note: str) -> None:
    with connections[alias].cursor() as cursor:
        cursor.execute("INSERT INTO probe (note) VALUES (%s)", [note])


def _read(alias: str, note: str) -> bool:
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT 1 FROM probe WHERE note = %s", [note])
        return cursor.fetchone() is not None


def _wait_until(check, seconds: float = 15.0) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def test_fresh_standby_serves_opted_in_reads_and_never_writes(aliases):
    primary, standby = aliases
    router = ReplicaRouter(primary=primary, replica=standby)
    _write(router.db_for_write(Child), "fresh")
    _wait_until(lambda: _read(standby, "fresh"))
    assert router.db_for_read(Child) == primary  # not opted in
    with replica_reads():
        assert router.db_for_read(Child) == standby
        assert router.db_for_write(Child) == primary
        assert _read(router.db_for_read(Child), "fresh")
    assert router.allow_migrate(standby, "index") is False


def test_a_lagging_standby_sends_reads_to_the_primary_until_it_catches_up(aliases):
    primary, standby = aliases
    router = ReplicaRouter(primary=primary, replica=standby)
    with connections[standby].cursor() as cursor:
        cursor.execute("SELECT pg_wal_replay_pause()")
    try:
        _write(primary, "while paused")
        time.sleep(1.6)  # longer than the allowed lag
        with replica_reads():
            alias = router.db_for_read(Child)
            assert alias == primary
            assert _read(alias, "while paused")  # the reader sees the newest data
        assert not _read(standby, "while paused")  # the standby really is behind
    finally:
        with connections[standby].cursor() as cursor:
            cursor.execute("SELECT pg_wal_replay_resume()")
    _wait_until(lambda: _read(standby, "while paused"))
    with replica_reads():
        assert router.db_for_read(Child) == standby


def test_a_standby_that_is_down_sends_reads_to_the_primary_without_an_error(aliases, pair):
    primary, standby = aliases
    router = ReplicaRouter(primary=primary, replica=standby)
    _write(primary, "before outage")
    pair.stop_standby()
    try:
        started = time.monotonic()
        with replica_reads():
            alias = router.db_for_read(Child)
        assert alias == primary
        assert _read(alias, "before outage")
        assert time.monotonic() - started < 5
    finally:
        pair.start_standby()


@pytest.mark.django_db(transaction=True)
def test_the_index_search_reads_from_a_real_standby_and_audits_on_the_primary(pair, tmp_path):
    """The whole service configured with DATABASE_REPLICA_URL, in its own process.

    The primary of the pair gets the suite's migrated test database (schema and reference
    rows) with pg_dump, so no migration runs here; the standby receives it by replication.
    """
    import subprocess
    import sys

    from django.conf import settings

    db = connections["default"].settings_dict
    source = db["NAME"]
    host, port, user = db["HOST"] or "127.0.0.1", str(db["PORT"] or 5432), db["USER"] or "postgres"
    dump = tmp_path / "schema.dump"
    dumped = subprocess.run(  # noqa: S603
        ["pg_dump", "-h", host, "-p", port, "-U", user, "-Fc", "-f", str(dump), source],  # noqa: S607
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert dumped.returncode == 0, dumped.stderr
    import psycopg

    with psycopg.connect(host="127.0.0.1", port=pair.primary_port, user="postgres", autocommit=True) as c:
        c.execute("DROP DATABASE IF EXISTS ecm_probe")
        c.execute("CREATE DATABASE ecm_probe")
    subprocess.run(  # noqa: S603
        ["pg_restore", "-h", "127.0.0.1", "-p", str(pair.primary_port), "-U", "postgres",  # noqa: S607
         "--exit-on-error", "-d", "ecm_probe", str(dump)],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    env = {
        **os.environ,
        "ECM_ENV": "test",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:{pair.primary_port}/ecm_probe",
        "DATABASE_REPLICA_URL": f"postgres://postgres@127.0.0.1:{pair.standby_port}/ecm_probe",
        "ECM_REPLICA_CHECK_SECONDS": "0",
        "ECM_REPLICA_MAX_LAG_SECONDS": "1",
    }
    probe = subprocess.run(  # noqa: S603
        [sys.executable, "-c", "import django; django.setup(); from ecm.core.tests.replica_probe import main; main()"],
        cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert probe.returncode == 0 and "PROBE OK" in probe.stdout, probe.stdout + probe.stderr
