"""Reads that may come from a PostgreSQL streaming replica, and the router that sends them there.

Only code that says so reads from the replica: the index search and the assembly of a child's
record run inside :func:`replica_reads`. Every write, and so every audit append, goes to the
primary, and so does every other read (a service reading what it is about to change must see the
primary). The replica is used only while it answers and has replayed everything it has received
within ``ECM_REPLICA_MAX_LAG_SECONDS``; otherwise reads fall back to the primary at once. Each
process checks the replica at most every ``ECM_REPLICA_CHECK_SECONDS``.
"""

from __future__ import annotations

import contextvars
import functools
import logging
import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from django.db import DEFAULT_DB_ALIAS, connections

logger = logging.getLogger(__name__)

REPLICA_ALIAS = "replica"
_replica_wanted: contextvars.ContextVar[bool] = contextvars.ContextVar("ecm_replica_reads", default=False)

# Seconds the replica is behind: zero when it has replayed all it received, else the time since
# the last transaction it replayed. NULL on a server that is not a standby.
LAG_SQL = (
    "SELECT CASE WHEN NOT pg_is_in_recovery() THEN NULL "
    "WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0 "
    "ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0) END"
)

F = TypeVar("F", bound=Callable[..., Any])


@contextmanager
def replica_reads() -> Iterator[None]:
    """Reads inside this block may come from the replica (when one is configured and fresh)."""
    token = _replica_wanted.set(True)
    try:
        yield
    finally:
        _replica_wanted.reset(token)


def reads_from_replica(func: F) -> F:
    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with replica_reads():
            return func(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def _setting(name: str, default: float) -> float:
    try:
        return float(os.environ.get(name, default))
    except ValueError:
        return default


class ReplicaHealth:
    """Whether a replica may serve reads now: it answers, it is a standby, and its lag is small."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._checked: dict[str, tuple[float, bool]] = {}

    def forget(self) -> None:
        with self._lock:
            self._checked.clear()

    def usable(self, alias: str) -> bool:
        every = _setting("ECM_REPLICA_CHECK_SECONDS", 5.0)
        now = time.monotonic()
        with self._lock:
            cached = self._checked.get(alias)
        if cached is not None and now - cached[0] < every:
            return cached[1]
        usable = self._check(alias)
        with self._lock:
            self._checked[alias] = (now, usable)
        return usable

    def _check(self, alias: str) -> bool:
        max_lag = _setting("ECM_REPLICA_MAX_LAG_SECONDS", 5.0)
        connection = connections[alias]
        try:
            with connection.cursor() as cursor:
                cursor.execute(LAG_SQL)
                row = cursor.fetchone()
        except Exception as exc:  # noqa: BLE001 - any failure means: read from the primary
            logger.warning("replica %s unavailable, reading from the primary: %s", alias, type(exc).__name__)
            connection.close()
            return False
        lag = row[0] if row else None
        if lag is None:
            logger.warning("replica %s is not a standby; reading from the primary", alias)
            return False
        if float(lag) > max_lag:
            logger.info("replica %s is %.1f s behind; reading from the primary", alias, float(lag))
            return False
        return True


health = ReplicaHealth()


class ReplicaRouter:
    """Opted-in reads to the replica while it is usable; everything else to the primary."""

    def __init__(self, primary: str = DEFAULT_DB_ALIAS, replica: str = REPLICA_ALIAS) -> None:
        self.primary = primary
        self.replica = replica

    def db_for_read(self, model: Any, **hints: Any) -> str:
        # Always an answer: left to Django, a row read from the replica would take its related
        # rows from the replica too, outside the block that asked for it.
        if _replica_wanted.get() and self.replica in connections.settings and health.usable(self.replica):
            return self.replica
        return self.primary

    def db_for_write(self, model: Any, **hints: Any) -> str:
        return self.primary

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        return True  # the replica holds the same rows as the primary

    def allow_migrate(self, db: str, app_label: str, model_name: str | None = None, **hints: Any) -> bool | None:
        return False if db == self.replica else None
