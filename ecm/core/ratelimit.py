"""Rate limits kept where every worker counts the same requests.

A fixed-window counter per scope and key (an API client, or the client address from
``ecm.core.client_ip``). With Redis (``REDIS_URL``, ``settings.CACHES``) the counter is in
the cache: ``cache.add`` starts a window's counter and ``cache.incr`` counts, atomically.
Without it, in the database's ``core_ratecount`` table (unlogged on PostgreSQL): one atomic
upsert a request that returns the new count. (Django's database cache took eleven statements
and two transactions a count, and could lose an increment under concurrency.)

Limits on paths are declared by the app that owns the path, with ``register_limit`` in its
``AppConfig.ready``, and applied by ``RateLimitMiddleware``; each declares how an answer over
the limit looks (a GOV.UK page, JSON, an OperationOutcome), always 429 with ``Retry-After``.
Numbers come from ``settings.ECM_RATE_LIMITS`` (scope -> (requests, seconds)).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ecm.core import clock
from ecm.core.anonymous import anonymous_activity_count
from ecm.core.client_ip import client_ip

Responder = Callable[[HttpRequest, int], HttpResponse]

DEFAULT_LIMITS: dict[str, tuple[int, int]] = {
    "sign-in": (20, 60),
    "public-form": (10, 600),
    "directory-api": (600, 60),
}


def limit_for(scope: str) -> tuple[int, int]:
    """(requests, window in seconds) for ``scope``, from ``settings.ECM_RATE_LIMITS``."""
    configured = getattr(settings, "ECM_RATE_LIMITS", {}) or {}
    requests, seconds = configured.get(scope, DEFAULT_LIMITS.get(scope, (60, 60)))
    return int(requests), int(seconds)


def hit(scope: str, key: str, *, requests: int, seconds: int = 60) -> int:
    """Count one request; the seconds to wait when it is over ``requests`` per window, else 0."""
    return _hit(scope, key, requests=requests, seconds=seconds)[1]


_UPSERT = (
    "INSERT INTO core_ratecount (name, count, expires_at) VALUES (%s, 1, %s) "
    "ON CONFLICT (name) DO UPDATE SET count = core_ratecount.count + 1 RETURNING count"
)


def _count_in_database(name: str, expires_at: Any) -> int:
    """Add one to the window's counter and return it: one statement, atomic on both databases."""
    from django.db import connections, router

    from ecm.core.models import RateCount

    connection = connections[router.db_for_write(RateCount)]
    with connection.cursor() as cursor:
        cursor.execute(_UPSERT, [name, connection.ops.adapt_datetimefield_value(expires_at)])
        count = int(cursor.fetchone()[0])
    if count == 1:  # a new window: forget the ended ones (a few rows per key and minute)
        RateCount.objects.filter(expires_at__lt=clock.now()).delete()
    return count


def _uses_redis() -> bool:
    return type(cache).__name__ == "RedisCache"


def _hit(scope: str, key: str, *, requests: int, seconds: int) -> tuple[int, int]:
    moment = clock.now()
    now = int(moment.timestamp())
    window = now // seconds
    name = f"ecm:rate:{scope}:{key}:{window}"
    if _uses_redis():
        cache.add(name, 0, timeout=seconds * 2)
        try:
            count = cache.incr(name)
        except ValueError:  # expired or evicted between add and incr
            cache.set(name, 1, timeout=seconds * 2)
            count = 1
    else:
        count = _count_in_database(name[:255], moment + dt.timedelta(seconds=seconds * 2))
    if count > requests:
        return count, max(1, seconds - now % seconds)
    return count, 0


def too_many_requests_page(request: HttpRequest, wait: int) -> HttpResponse:
    """The GOV.UK page for a person over a limit."""
    minutes = max(1, -(-wait // 60))
    response = render(request, "core/too_many_requests.html", {"wait": wait, "minutes": minutes}, status=429)
    response["Retry-After"] = str(wait)
    return response


@dataclass(frozen=True)
class PathLimit:
    scope: str
    prefixes: tuple[str, ...]
    methods: frozenset[str]
    respond: Responder


_LIMITS: list[PathLimit] = []


def register_limit(
    scope: str, *, prefixes: tuple[str, ...], methods: tuple[str, ...] = ("POST",), respond: Responder | None = None
) -> None:
    """Limit requests whose path starts with one of ``prefixes``, per client address."""
    if any(existing.scope == scope and existing.prefixes == prefixes for existing in _LIMITS):
        return
    _LIMITS.append(PathLimit(scope, prefixes, frozenset(m.upper() for m in methods), respond or too_many_requests_page))


def registered_limits() -> tuple[PathLimit, ...]:
    return tuple(_LIMITS)


class RateLimitMiddleware:
    """Applies the registered path limits, keyed on the client address."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        for rule in _LIMITS:
            if request.method in rule.methods and request.path.startswith(rule.prefixes):
                requests, seconds = limit_for(rule.scope)
                count, wait = _hit(rule.scope, client_ip(request) or "unknown", requests=requests, seconds=seconds)
                if wait:
                    if count == requests + 1:  # counted once per address and window, outside the audit
                        anonymous_activity_count(f"rate_limited.{rule.scope}")
                    return rule.respond(request, wait)
        return self.get_response(request)
