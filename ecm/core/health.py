"""/healthz (the process answers) and /readyz (it can serve: database, cache, migrations, audit).

Answered by a middleware placed before sessions, authentication and the second-factor rule, so
a probe creates no session, needs no sign-in, writes no audit event and is not logged per
request. Both answer over plain HTTP (SECURE_REDIRECT_EXEMPT) and without a Host check, since
load balancers probe the backend by address.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import structlog
from django.apps import apps
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, HttpResponse

logger = structlog.get_logger("ecm.health")

_migrations_seen_applied = False


def _database() -> None:
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT 1")
        if cursor.fetchone() != (1,):
            raise RuntimeError("SELECT 1 did not answer 1")


def _cache() -> None:
    cache.set("ecm:readyz", "1", timeout=30)
    if cache.get("ecm:readyz") != "1":
        raise RuntimeError("the cache did not return what was stored")


def _migrations() -> None:
    """No unapplied migration; once seen applied, this process's code cannot gain new ones."""
    global _migrations_seen_applied
    if _migrations_seen_applied:
        return
    executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        raise RuntimeError(f"{len(plan)} migrations not applied")
    _migrations_seen_applied = True


def _audit_chain_head() -> None:
    head = apps.get_model("audit", "AuditChainHead").objects.values("last_sequence").first()
    if head is None:
        raise RuntimeError("no audit chain head")


CHECKS: dict[str, Callable[[], None]] = {
    "database": _database,
    "cache": _cache,
    "migrations": _migrations,
    "audit_chain_head": _audit_chain_head,
}


def _json(status: int, body: dict[str, object]) -> HttpResponse:
    response = HttpResponse(json.dumps(body), content_type="application/json", status=status)
    response["Cache-Control"] = "no-store"
    return response


def readiness() -> tuple[bool, dict[str, str]]:
    results: dict[str, str] = {}
    for name, check in CHECKS.items():
        try:
            check()
            results[name] = "ok"
        except Exception as exc:  # noqa: BLE001 - any failure means not ready; the type is logged
            results[name] = "fail"
            logger.warning("readyz.check_failed", check=name, error=type(exc).__name__)
            if name == "database":
                # Everything else reads the database: report it once, not four times.
                results.update({other: "skipped" for other in CHECKS if other != name})
                break
    return all(value == "ok" for value in results.values()), results


class HealthCheckMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path == "/healthz":
            return _json(200, {"status": "ok"})
        if request.path == "/readyz":
            ready, checks = readiness()
            return _json(200 if ready else 503, {"status": "ok" if ready else "unavailable", "checks": checks})
        return self.get_response(request)
