"""The reason a session gave before opening a record, kept for a short while.

Giving a reason (POST) stores it against the child in the session; the record page
shows the record only while a reason is held, and audits every showing with it. No
reason, no record: the page sends the user to the reason question instead.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.http import HttpRequest

from ecm.core import clock

SESSION_KEY = "ecm_index_reasons"


def reason_lifetime() -> dt.timedelta:
    return getattr(settings, "ECM_INDEX_REASON_MINUTES", dt.timedelta(minutes=15))


def remember_reason(
    request: HttpRequest, child: Any, *, reason_code: str, reason_text: str, on_behalf_of: str = ""
) -> None:
    """Hold the reason (and the colleague a look-up is for, if any) for this child in the session."""
    reasons = dict(request.session.get(SESSION_KEY, {}))
    reasons[str(child.pk)] = {
        "code": reason_code,
        "text": reason_text,
        "at": clock.now().isoformat(),
        "on_behalf_of": on_behalf_of,
    }
    request.session[SESSION_KEY] = reasons


def reason_for(request: HttpRequest, child: Any) -> dict[str, str] | None:
    held = request.session.get(SESSION_KEY, {}).get(str(child.pk))
    if not held:
        return None
    try:
        at = dt.datetime.fromisoformat(held["at"])
    except (KeyError, ValueError):
        return None
    if clock.now() - at > reason_lifetime():
        return None
    return held
