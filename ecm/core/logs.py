"""Structured logs: one JSON object a line, with the request's id, user, method, path and timing.

Every record, ours (``structlog.get_logger``/``logging.getLogger("ecm...")``) and third-party
ones (Django, granian), goes through the same processors, so each line carries the request id
of the request it belongs to. What is never logged: query strings (a search's name and date of
birth travel there), request bodies, cookies, and any child's details; log identifiers and
counts, never names.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, MutableMapping
from typing import Any

import structlog
from django.http import HttpRequest, HttpResponse

from ecm.core import request_context

logger = structlog.get_logger("ecm.request")

# Health probes come every few seconds from every load balancer: not worth a line each.
QUIET_PATHS = frozenset({"/healthz", "/readyz"})


def _add_request_context(_: Any, __: str, event_dict: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    ctx = request_context.current()
    if ctx is not None:
        event_dict.setdefault("request_id", ctx.request_id)
    return event_dict


def _drop_query_strings(_: Any, __: str, event_dict: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    """Third-party messages that name a URL (Django's 'Not Found: /x?...') lose the query string."""
    event = event_dict.get("event")
    if isinstance(event, str) and "?" in event:
        event_dict["event"] = " ".join(part.split("?", 1)[0] for part in event.split(" "))
    return event_dict


SHARED_PROCESSORS: list[Any] = [
    structlog.contextvars.merge_contextvars,
    structlog.stdlib.add_log_level,
    structlog.stdlib.add_logger_name,
    structlog.processors.TimeStamper(fmt="iso", utc=True),
    _add_request_context,
    _drop_query_strings,
]


def _formatter(renderer: Any) -> logging.Formatter:
    return structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=SHARED_PROCESSORS,
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.format_exc_info,
            renderer,
        ],
    )


def json_formatter() -> logging.Formatter:
    return _formatter(structlog.processors.JSONRenderer())


def console_formatter() -> logging.Formatter:
    return _formatter(structlog.dev.ConsoleRenderer(colors=False))


def configure() -> None:
    """structlog's own loggers hand their events to the standard library's handlers (settings.LOGGING)."""
    structlog.configure(
        processors=[
            structlog.stdlib.filter_by_level,
            *SHARED_PROCESSORS,
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )


configure()


class RequestLogMiddleware:
    """One line per request: request id, user id, method, path (never its query string), status, ms."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        if request.path in QUIET_PATHS:
            return response
        user = getattr(request, "user", None)
        fields = {
            "method": request.method,
            "path": request.path,
            "status": response.status_code,
            "duration_ms": round((time.perf_counter() - started) * 1000, 1),
            "user_id": str(user.pk) if user is not None and user.is_authenticated else None,
        }
        if response.status_code >= 500:
            logger.error("request.failed", **fields)
        else:
            logger.info("request", **fields)
        return response
