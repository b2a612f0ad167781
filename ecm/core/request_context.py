"""Per-request facts the audit needs (request id, IP address) without passing the request around."""

from __future__ import annotations

import contextvars
import uuid
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    request_id: str
    ip_address: str | None


_current: contextvars.ContextVar[RequestContext | None] = contextvars.ContextVar("ecm_request", default=None)


def current() -> RequestContext | None:
    return _current.get()


def set_current(ctx: RequestContext | None) -> contextvars.Token[RequestContext | None]:
    return _current.set(ctx)


def reset_current(token: contextvars.Token[RequestContext | None]) -> None:
    _current.reset(token)


def valid_request_id(raw: str | None) -> str:
    """Accept a caller's X-Request-ID when it is a UUID; otherwise make one."""
    if raw:
        try:
            return str(uuid.UUID(raw))
        except ValueError:
            pass
    return str(uuid.uuid4())
