"""Django's database session store, reading the session row with one fixed statement.

Every signed-in request loads its session. Django's store builds ``Session.objects.get(...)``
through the ORM each time; under load that cost more CPU than the database spent answering it.
This store runs the same lookup (the key, not expired) as plain SQL and otherwise is Django's
own (``django.contrib.sessions.backends.db``): saving, cycling keys and deleting are unchanged.
"""

from __future__ import annotations

from typing import Any

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.db import router
from django.utils import timezone

from ecm.core import rows


class SessionStore(DatabaseSessionStore):
    def _get_session_from_db(self) -> Any:
        key = self.session_key
        found = self._read_row(key) if key else None
        if not key or found is None:
            self._session_key = None
            return None
        return self.model(session_key=key, session_data=found[0])

    def _read_row(self, key: str) -> tuple[Any, ...] | None:
        """The live session row for ``key`` (its data first), or None: one fixed statement."""
        model = self.model
        sql = f"SELECT session_data FROM {rows.table(model)} WHERE session_key = %s AND expire_date > %s"  # noqa: S608
        found = rows.select(sql, [key, timezone.now()], using=router.db_for_read(model))
        return found[0] if found else None
