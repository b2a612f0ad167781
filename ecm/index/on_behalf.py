"""Look-ups done for a colleague without a computer (DOMAIN section 2, "Access and security").

An authorised user may search and open a record on behalf of a colleague who is an
authorised index user too; the audit names both (``actor`` and ``on_behalf_of``, the
colleague's username) and the misuse rules look at both people. Each of them can see the
look-ups done on the colleague's behalf.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ecm.accounts.access import can_see_child_data
from ecm.accounts.models import User
from ecm.audit.models import AuditEvent
from ecm.core import clock
from ecm.core.actors import Actor

LOOKUP_ACTIONS = ("index.search", "index.record_view")
# The page reads the audit through its ``occurred_at`` index; ``on_behalf_of`` has none of its own.
SHOWN_DAYS = 90


def _since() -> dt.datetime:
    return clock.now() - dt.timedelta(days=SHOWN_DAYS)


class OnBehalfError(ValueError):
    """The colleague named cannot have a look-up done for them; the message says why."""


def authorised_colleague(*, actor: Actor | None, username: str) -> User:
    """The colleague a look-up is done for: an active user who passes the child-data gate and holds an index role."""
    from ecm.index.access import INDEX_USER_ROLES

    username = (username or "").strip()
    colleague = User.objects.filter(username__iexact=username, is_active=True).first() if username else None
    if colleague is None:
        raise OnBehalfError(f"There is no active user called {username}. Check the colleague's username.")
    if colleague.pk == getattr(actor, "pk", None):
        raise OnBehalfError("Leave this empty when the look-up is for yourself.")
    if not can_see_child_data(colleague) or not colleague.has_any_role(*[str(r) for r in INDEX_USER_ROLES]):
        raise OnBehalfError(
            f"{colleague.get_full_name() or colleague.username} is not an authorised index user, so a look-up "
            "cannot be done for them."
        )
    return colleague


def lookups_for(user: Any, *, limit: int = 100) -> list[AuditEvent]:
    """Searches and record views other users did on this user's behalf in the last 90 days, newest first."""
    return list(
        AuditEvent.objects.filter(
            occurred_at__gte=_since(), on_behalf_of=user.username, action__in=LOOKUP_ACTIONS
        ).order_by("-sequence")[:limit]
    )


def lookups_by(user: Any, *, limit: int = 100) -> list[AuditEvent]:
    """Searches and record views this user did on someone else's behalf in the last 90 days, newest first."""
    return list(
        AuditEvent.objects.filter(actor_id=str(user.pk), occurred_at__gte=_since(), action__in=LOOKUP_ACTIONS)
        .exclude(on_behalf_of="")
        .order_by("-sequence")[:limit]
    )
