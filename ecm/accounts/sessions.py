"""The session store: ``ecm.core.sessions``' store, which also reads whether the session is open.

Every signed-in request asks whether its session is tracked and not ended by an administrator
(``accounts.middleware.session_end_reason``). Read in the same statement as the session row, the
answer costs no round trip of its own; it is kept only for the key it was read with, so after
the key changes (sign-in cycles it) the check asks the database again
(``accounts.selectors.session_is_open``).
"""

from __future__ import annotations

from typing import Any

from django.contrib.sessions.backends.base import SessionBase
from django.db import router
from django.utils import timezone

from ecm.accounts.models import UserSession
from ecm.core import rows
from ecm.core.sessions import SessionStore as CoreSessionStore


class SessionStore(CoreSessionStore):
    open_as_loaded: tuple[str, bool] | None = None

    def _read_row(self, key: str) -> tuple[Any, ...] | None:
        model = self.model
        session, tracked = rows.table(model), rows.table(UserSession)
        sql = (
            f"SELECT {session}.session_data, "  # noqa: S608
            f"{tracked}.session_key IS NOT NULL AND {tracked}.ended_at IS NULL "
            f"FROM {session} LEFT JOIN {tracked} ON {tracked}.session_key = {session}.session_key "
            f"WHERE {session}.session_key = %s AND {session}.expire_date > %s"
        )
        found = rows.select(sql, [key, timezone.now()], using=router.db_for_read(model))
        if not found:
            return None
        self.open_as_loaded = (key, bool(found[0][1]))
        return found[0]


def open_as_loaded(session: SessionBase) -> bool | None:
    """Whether ``session`` was tracked and not ended when it was read, or None if not known for
    its current key (not read yet, another store, or the key changed since)."""
    state = getattr(session, "open_as_loaded", None)
    if state is None or state[0] != session.session_key:
        return None
    return state[1]
