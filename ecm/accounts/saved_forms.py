"""Nothing is lost: a form sent after the session timed out is kept and offered back after sign-in."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from ecm.core import clock

SESSION_KEY = "ecm_saved_form"
# Never keep secrets across a sign-out.
_DROPPED = {"csrfmiddlewaretoken", "password", "current_password", "new_password", "code"}


def keep_posted_form(request: HttpRequest) -> dict[str, Any] | None:
    """Capture a POST that arrived on a timed-out session, to put into the next session."""
    if request.method != "POST":
        return None
    data = {key: request.POST.getlist(key) for key in request.POST if key not in _DROPPED}
    if not data:
        return None
    return {"path": request.path, "data": data, "saved_at": clock.now().isoformat()}


def take_saved_form(request: HttpRequest) -> dict[str, Any] | None:
    """The kept answers for this page, once; the view shows them with a banner."""
    saved = request.session.get(SESSION_KEY)
    if not saved or saved.get("path") != request.path:
        return None
    del request.session[SESSION_KEY]
    return saved


def as_form_data(saved: dict[str, Any]) -> Any:
    from django.http import QueryDict

    query = QueryDict(mutable=True)
    for key, values in saved["data"].items():
        query.setlist(key, values)
    return query
