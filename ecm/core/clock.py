"""The one clock of the service.

Every rule that depends on time (timeouts, vetting expiry, retention, review dates)
asks this module, so that tests can move time without patching the standard library.
"""

from __future__ import annotations

import datetime as dt
import threading

from django.utils import timezone

_lock = threading.Lock()
_offset = dt.timedelta(0)
_frozen: dt.datetime | None = None


def now() -> dt.datetime:
    """The current aware datetime, as the service sees it."""
    if _frozen is not None:
        return _frozen
    return timezone.now() + _offset


def today() -> dt.date:
    """Today's date in the service's time zone."""
    return timezone.localdate(now())


def freeze(at: dt.datetime) -> None:
    """Stop the clock at ``at`` (tests and demos only)."""
    global _frozen
    with _lock:
        _frozen = at


def advance(by: dt.timedelta) -> None:
    """Move the clock forward by ``by``, frozen or running."""
    global _frozen, _offset
    with _lock:
        if _frozen is not None:
            _frozen = _frozen + by
        else:
            _offset = _offset + by


def reset() -> None:
    """Back to real time."""
    global _frozen, _offset
    with _lock:
        _frozen = None
        _offset = dt.timedelta(0)
