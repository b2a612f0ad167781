"""PostgreSQL with the persistent connection's health check only after the connection sat idle.

Django's ``CONN_HEALTH_CHECKS`` sends ``SELECT 1`` before the first statement of every request
that reuses a connection: under load that is one round trip more per search (ten instead of
nine), for a connection the previous request on the same thread used a moment ago. Here the
check runs only when the connection has been idle for ``IDLE_BEFORE_HEALTH_CHECK`` seconds or
more (a database restarted overnight, a firewall that dropped an idle connection). A connection
that breaks while busy fails the request that was using it, as it would have with the check, and
Django discards it at the next request boundary (``errors_occurred``).
"""

from __future__ import annotations

import time
from typing import Any

from django.db.backends.postgresql.base import DatabaseWrapper as PostgreSQLDatabaseWrapper

IDLE_BEFORE_HEALTH_CHECK = 5.0  # seconds


class DatabaseWrapper(PostgreSQLDatabaseWrapper):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.last_request_boundary: float | None = None
        self.health_check_done: bool = self.health_check_done  # set by Django's base class (typed here)

    def close_if_unusable_or_obsolete(self) -> None:
        # Django calls this at the start and at the end of every request: at the start, the time
        # since the previous call is how long the connection has been idle.
        previous, self.last_request_boundary = self.last_request_boundary, time.monotonic()
        super().close_if_unusable_or_obsolete()
        if (
            self.connection is not None
            and not self.health_check_done
            and previous is not None
            and self.last_request_boundary - previous < IDLE_BEFORE_HEALTH_CHECK
        ):
            self.health_check_done = True
