"""The one way to write the audit trail. Every service calls :func:`audit_record`.

It runs inside the caller's transaction (or opens one), so an action and its audit
event commit or fail together: if the audit write fails, the action fails.
"""

from __future__ import annotations

from typing import Any

from django.db import models, transaction
from django.http import HttpRequest

from ecm.audit import chain
from ecm.audit.choices import ActorType
from ecm.audit.hooks import run_hooks
from ecm.audit.models import AuditEvent
from ecm.core import clock, request_context
from ecm.core.actors import Actor, SystemActor
from ecm.core.anonymous import anonymous_activity_count, is_anonymous
from ecm.core.names import suffixed


class AuditError(RuntimeError):
    """The audit trail could not be written; the action that needed it must not happen."""


def describe_actor(actor: Actor) -> dict[str, str]:
    """The audit's view of an actor: type, id, label, roles and organisation now."""
    if actor is None:
        raise AuditError("An audited action needs an actor (use a SystemActor for jobs and commands).")
    if isinstance(actor, SystemActor):
        return {
            "actor_type": ActorType.SYSTEM,
            "actor_id": "",
            "actor_label": actor.name,
            "actor_roles": "",
            "actor_organisation": "",
        }
    identity = getattr(actor, "audit_identity", None)
    if callable(identity):
        return dict(identity())
    if not getattr(actor, "is_authenticated", False):
        return {
            "actor_type": ActorType.ANONYMOUS,
            "actor_id": "",
            "actor_label": "anonymous",
            "actor_roles": "",
            "actor_organisation": "",
        }
    raise AuditError(f"Cannot describe actor {actor!r} for the audit trail.")


def audit_record(
    *,
    actor: Actor,
    action: str,
    target: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    reason: str = "",
    data: dict[str, Any] | None = None,
    on_behalf_of: str = "",
    ip_address: str | None = None,
) -> AuditEvent:
    """Append one event to the chain, in the current transaction.

    ``target`` names the object acted on (its model label and primary key); pass
    ``object_type``/``object_id`` instead for things that are not model rows.
    """
    if not action:
        raise AuditError("An audit event needs an action.")
    if target is not None:
        object_type = object_type or target._meta.label_lower
        object_id = object_id or str(target.pk)
    ctx = request_context.current()
    values: dict[str, Any] = {
        **describe_actor(actor),
        "on_behalf_of": on_behalf_of,
        "action": action,
        "object_type": object_type,
        "object_id": str(object_id),
        "reason": reason,
        "request_id": ctx.request_id if ctx else "",
        "ip_address": ip_address or (ctx.ip_address if ctx else None),
        "data": data or {},
    }
    # No savepoint: if the audit write fails, the caller's whole transaction must fail with it.
    with transaction.atomic(savepoint=False):
        values["data"] = _json_roundtrip(values["data"])
        event = _append(values)
        run_hooks(event)
    return event


_INSERT_COLUMNS = (*chain.HASHED_FIELDS, "chain", "previous_hash", "hash")

# PostgreSQL: take the first head no other transaction holds, and the next sequence number,
# in one round trip. A transaction that already holds a head finds it first or takes another;
# SKIP LOCKED never waits, so two transactions cannot deadlock over heads.
_PG_TAKE_FREE_HEAD = (
    "SELECT h.id, h.last_hash, nextval(pg_get_serial_sequence('audit_auditevent', 'sequence')) FROM "
    "(SELECT id, last_hash FROM audit_auditchainhead ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED) h"
)
# Every head is held by another transaction: queue for the lowest. The transaction holding the
# lowest head always takes it again without waiting, so the queue cannot form a cycle.
_PG_WAIT_FOR_HEAD = (
    "SELECT h.id, h.last_hash, nextval(pg_get_serial_sequence('audit_auditevent', 'sequence')) FROM "
    "(SELECT id, last_hash FROM audit_auditchainhead ORDER BY id LIMIT 1 FOR UPDATE) h"
)
# SQLite runs one writing transaction at a time, so one chain; its sequence follows the head.
_SQLITE_TAKE_HEAD = "SELECT id, last_hash, last_sequence + 1 FROM audit_auditchainhead ORDER BY id LIMIT 1"


def _append(values: dict[str, Any]) -> AuditEvent:
    """Take a chain head, hash, insert, move the head: three statements, no ORM overhead.

    This is the hottest write path in the service (every search match is an event), so it
    talks SQL directly; the values go through the backend's own adapters, as the ORM would.
    """
    connection = transaction.get_connection()
    ops = connection.ops
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(_PG_TAKE_FREE_HEAD)
            row = cursor.fetchone()
            if row is None:
                cursor.execute(_PG_WAIT_FOR_HEAD)
                row = cursor.fetchone()
        else:
            cursor.execute(_SQLITE_TAKE_HEAD)
            row = cursor.fetchone()
        if row is None:
            raise AuditError("The audit chain head is missing; run migrations.")
        values["chain"], values["previous_hash"], values["sequence"] = row
        values["occurred_at"] = clock.now()
        values["hash"] = chain.event_hash(values["previous_hash"], values)
        params = []
        for column in _INSERT_COLUMNS:
            value = values[column]
            if column == "occurred_at":
                value = ops.adapt_datetimefield_value(value)
            elif column == "ip_address":
                value = ops.adapt_ipaddressfield_value(value)
            elif column == "data":
                value = ops.adapt_json_value(value, None)
            params.append(value)
        placeholders = ", ".join(["%s"] * len(_INSERT_COLUMNS))
        cursor.execute(
            f"INSERT INTO audit_auditevent ({', '.join(_INSERT_COLUMNS)}) VALUES ({placeholders})",  # noqa: S608
            params,
        )
        cursor.execute(
            "UPDATE audit_auditchainhead SET last_sequence = %s, last_hash = %s, event_count = event_count + 1 "
            "WHERE id = %s",
            [values["sequence"], values["hash"], values["chain"]],
        )
    event = AuditEvent(**values)
    event._state.adding = False
    event._state.db = connection.alias
    return event


def _json_roundtrip(data: dict[str, Any]) -> dict[str, Any]:
    import json

    try:
        result: dict[str, Any] = json.loads(json.dumps(data, default=str))
    except (TypeError, ValueError) as exc:  # pragma: no cover - defensive
        raise AuditError(f"Audit data is not serialisable: {exc}") from exc
    return result


def audit_or_count(*, actor: Actor, action: str, **kwargs: Any) -> AuditEvent | None:
    """Audit what a person, API client or system did; count what an anonymous request did.

    Anonymous activity (no signed-in user) never enters the hash chain: it is counted per day
    and kind outside it (``ecm.core.anonymous``), so nobody can fill the chain without signing in.
    """
    if is_anonymous(actor):
        anonymous_activity_count(action)
        return None
    return audit_record(actor=actor, action=action, **kwargs)


def audit_security_event(*, request: HttpRequest, action: str, data: dict[str, Any] | None = None) -> AuditEvent | None:
    """A security event from a request: audited for a signed-in user, counted for an anonymous one
    (CSRF failure, unknown session cookie)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        anonymous_activity_count(action)
        return None
    with transaction.atomic():
        return audit_record(actor=user, action=action, data=data)


def audit_heads_export(*, actor: Actor, directory: str | None) -> str:
    """Write each chain's head to a new, read-only file in ``directory`` (or return it as text).

    The file is created exclusively (an earlier export is never overwritten) and made
    read-only. Point ``directory`` at storage the application's account can add to but not
    rewrite (docs/operations.md, "Audit head exports"); ``verify_audit --against`` reads it.
    Returns the path written, or the JSON itself when ``directory`` is None.
    """
    import json
    import os
    from pathlib import Path

    from ecm.audit.selectors import audit_heads_snapshot

    with transaction.atomic():
        snapshot = audit_heads_snapshot()
        text = json.dumps(snapshot, indent=2, sort_keys=True) + "\n"
        if directory is None:
            destination = ""
        else:
            stamp = clock.now().strftime("%Y%m%dT%H%M%S%fZ")
            # Never overwrite: a second export in the same instant takes the next free suffix.
            for name in suffixed(f"audit-heads-{stamp}"):
                path = Path(directory) / f"{name}.json"
                try:
                    with path.open("x", encoding="utf-8") as handle:
                        handle.write(text)
                    break
                except FileExistsError:
                    continue
            else:
                raise AuditError(f"Every name for an audit head export at {stamp} is taken in {directory}.")
            os.chmod(path, 0o444)
            destination = str(path)
        audit_record(
            actor=actor,
            action="audit.heads_exported",
            object_type="audit.chain_heads",
            data={"chains": len(snapshot["chains"]), "file": Path(destination).name if destination else "stdout"},
        )
    return destination or text
