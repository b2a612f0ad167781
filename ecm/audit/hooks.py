"""Rules that must see an audit event the moment it is written (e.g. misuse alerts R1, R2, R5, R11).

A lower app (``misuse``) registers a hook in its ``AppConfig.ready``; ``audit_record``
calls every hook inside the same transaction, so an alert and the access that raised
it commit together. Events written by a hook do not trigger hooks again.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ecm.audit.models import AuditEvent

EventHook = Callable[["AuditEvent"], None]
_hooks: list[EventHook] = []
_running: contextvars.ContextVar[bool] = contextvars.ContextVar("ecm_audit_hook_running", default=False)


def register_event_hook(hook: EventHook) -> None:
    if hook not in _hooks:
        _hooks.append(hook)


def run_hooks(event: AuditEvent) -> None:
    if _running.get() or not _hooks:
        return
    token = _running.set(True)
    try:
        for hook in _hooks:
            hook(event)
    finally:
        _running.reset(token)
