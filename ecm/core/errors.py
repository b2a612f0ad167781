"""Optional error reporting to Sentry (SENTRY_DSN), with personal data scrubbed before sending.

``send_default_pii`` stays off, and :func:`scrub` removes what the SDK may still attach:
request bodies, query strings, cookies and headers that carry them, user e-mails and names,
and local variables in stack frames (a frame of a search view holds the name searched for).
Only the user's id is kept, so an error can be matched to the audit trail.
"""

from __future__ import annotations

import re
from typing import Any

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
FILTERED = "[Filtered]"
KEPT_HEADERS = {"user-agent", "x-request-id", "content-type", "accept", "host", "x-forwarded-proto"}


def _scrub_text(value: Any) -> Any:
    return EMAIL.sub(FILTERED, value) if isinstance(value, str) else value


def scrub(event: dict[str, Any], hint: dict[str, Any] | None = None) -> dict[str, Any]:
    """Sentry ``before_send``: the event without bodies, query strings, cookies, e-mails or frame locals."""
    request = event.get("request")
    if isinstance(request, dict):
        for key in ("data", "query_string", "cookies", "env"):
            request.pop(key, None)
        if isinstance(request.get("url"), str):
            request["url"] = request["url"].split("?", 1)[0]
        headers = request.get("headers")
        if isinstance(headers, dict):
            request["headers"] = {k: v for k, v in headers.items() if k.lower() in KEPT_HEADERS}
    user = event.get("user")
    if isinstance(user, dict):
        event["user"] = {"id": user["id"]} if "id" in user else {}
    for exception in (event.get("exception") or {}).get("values") or []:
        if isinstance(exception, dict):
            exception["value"] = _scrub_text(exception.get("value"))
            for frame in (exception.get("stacktrace") or {}).get("frames") or []:
                frame.pop("vars", None)
                frame["context_line"] = _scrub_text(frame.get("context_line"))
                for key in ("pre_context", "post_context"):
                    frame[key] = [_scrub_text(line) for line in frame.get(key) or []]
    for crumb in (event.get("breadcrumbs") or {}).get("values") or []:
        if isinstance(crumb, dict):
            crumb["message"] = _scrub_text(crumb.get("message"))
            data = crumb.get("data")
            if isinstance(data, dict):
                for key in ("url", "http.query", "http.fragment"):
                    if key == "url" and isinstance(data.get(key), str):
                        data[key] = data[key].split("?", 1)[0]
                    elif key in data:
                        data[key] = FILTERED
    if isinstance(event.get("logentry"), dict):
        event["logentry"]["message"] = _scrub_text(event["logentry"].get("message"))
        event["logentry"].pop("params", None)
    event.pop("extra", None)
    from ecm.core import request_context

    ctx = request_context.current()
    if ctx is not None:
        event.setdefault("tags", {})["request_id"] = ctx.request_id
    return event


def init_sentry(dsn: str, *, environment: str, **options: Any) -> None:
    import sentry_sdk
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        send_default_pii=False,
        include_local_variables=False,
        max_request_body_size="never",
        before_send=scrub,  # type: ignore[arg-type]
        before_send_transaction=scrub,  # type: ignore[arg-type]
        integrations=[DjangoIntegration()],
        traces_sample_rate=0.0,
        **options,
    )
