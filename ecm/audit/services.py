"""The one way to write the audit trail. Every service calls :func:`audit_record`.

It runs inside the caller's transaction (or opens one), so an action and its audit
event commit or fail together: if the audit write fails, the action fails.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import structlog
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

logger = structlog.get_logger("ecm.audit")


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
    return audit_record_many(
        actor=actor,
        events=[
            AuditEntry(
                action=action,
                target=target,
                object_type=object_type,
                object_id=object_id,
                reason=reason,
                data=data,
                on_behalf_of=on_behalf_of,
                ip_address=ip_address,
            )
        ],
    )[0]


@dataclass(frozen=True)
class AuditEntry:
    """One event of ``audit_record_many``: the arguments of ``audit_record`` but the actor."""

    action: str
    target: models.Model | None = None
    object_type: str = ""
    object_id: str = ""
    reason: str = ""
    data: dict[str, Any] | None = None
    on_behalf_of: str = ""
    ip_address: str | None = None


def audit_record_many(*, actor: Actor, events: list[AuditEntry]) -> list[AuditEvent]:
    """Append several events by one actor to one chain, in order, in the current transaction.

    The same events as that many ``audit_record`` calls (consecutive in their chain), written
    with one head taken and one insert: a search and its matches cost two round trips on
    PostgreSQL however many records matched.
    """
    ctx = request_context.current()
    rows: list[dict[str, Any]] = []
    for entry in events:
        object_type, object_id = entry.object_type, entry.object_id
        if entry.target is not None:
            object_type = object_type or entry.target._meta.label_lower
            object_id = object_id or str(entry.target.pk)
        try:
            if not entry.action:
                raise AuditError("An audit event needs an action.")
            who = describe_actor(actor)
        except AuditError as exc:
            _log_write_failure(
                {"action": entry.action, "object_type": object_type, "actor_type": "", "actor_id": ""}, exc
            )
            raise
        rows.append(
            {
                **who,
                "on_behalf_of": entry.on_behalf_of,
                "action": entry.action,
                "object_type": object_type,
                "object_id": str(object_id),
                "reason": entry.reason,
                "request_id": ctx.request_id if ctx else "",
                "ip_address": entry.ip_address or (ctx.ip_address if ctx else None),
                "data": entry.data or {},
            }
        )
    if not rows:
        return []
    # No savepoint: if the audit write fails, the caller's whole transaction must fail with it.
    try:
        with transaction.atomic(savepoint=False):
            for values in rows:
                values["data"] = _json_roundtrip(values["data"])
            written = _append(rows)
            for event in written:
                run_hooks(event)
    except Exception as exc:
        for values in rows:
            _log_write_failure(values, exc)
        raise
    return written


def _log_write_failure(values: dict[str, Any], exc: Exception) -> None:
    """One error line naming the action that could not be audited, before the read or write fails.

    Only the message's first line: a database error's DETAIL can quote the row's values.
    """
    message = str(exc).strip().splitlines()
    logger.error(
        "audit.write_failed",
        action=values["action"],
        object_type=values["object_type"],
        actor_type=values["actor_type"],
        actor_id=values["actor_id"],
        error=type(exc).__name__,
        error_message=message[0][:300] if message else "",
    )


_INSERT_COLUMNS = (*chain.HASHED_FIELDS, "chain", "previous_hash", "hash")

# PostgreSQL: take the first head no other transaction holds, and the next sequence numbers,
# in one round trip. A transaction that already holds a head finds it first or takes another;
# SKIP LOCKED never waits, so two transactions cannot deadlock over heads.
_PG_NEXT_SEQUENCES = (
    "(SELECT array_agg(n ORDER BY n) FROM (SELECT nextval(pg_get_serial_sequence('audit_auditevent', 'sequence')) "
    "AS n FROM generate_series(1, %s)) s)"
)
_PG_TAKE_FREE_HEAD = (
    f"SELECT h.id, h.last_hash, {_PG_NEXT_SEQUENCES} FROM "  # noqa: S608 - constant text
    "(SELECT id, last_hash FROM audit_auditchainhead ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED) h"
)
# Every head is held by another transaction: queue for the lowest. The transaction holding the
# lowest head always takes it again without waiting, so the queue cannot form a cycle.
_PG_WAIT_FOR_HEAD = (
    f"SELECT h.id, h.last_hash, {_PG_NEXT_SEQUENCES} FROM "  # noqa: S608 - constant text
    "(SELECT id, last_hash FROM audit_auditchainhead ORDER BY id LIMIT 1 FOR UPDATE) h"
)
# SQLite runs one writing transaction at a time, so one chain; its sequence follows the head.
_SQLITE_TAKE_HEAD = "SELECT id, last_hash, last_sequence FROM audit_auditchainhead ORDER BY id LIMIT 1"
_MOVE_HEAD = (
    "UPDATE audit_auditchainhead SET last_sequence = %s, last_hash = %s, event_count = event_count + %s WHERE id = %s"
)


def _append(rows: list[dict[str, Any]]) -> list[AuditEvent]:
    """Take a chain head, hash, insert, move the head: no ORM overhead, a fixed number of round trips.

    This is the hottest write path in the service (every search match is an event), so it
    talks SQL directly; the values go through the backend's own adapters, as the ORM would.
    PostgreSQL: two round trips (the head with the sequence numbers; the insert and the head's
    move in one statement). SQLite: three statements, in process.
    """
    connection = transaction.get_connection()
    ops = connection.ops
    postgres = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        if postgres:
            cursor.execute(_PG_TAKE_FREE_HEAD, [len(rows)])
            row = cursor.fetchone()
            if row is None:
                cursor.execute(_PG_WAIT_FOR_HEAD, [len(rows)])
                row = cursor.fetchone()
        else:
            cursor.execute(_SQLITE_TAKE_HEAD)
            row = cursor.fetchone()
        if row is None:
            raise AuditError("The audit chain head is missing; run migrations.")
        chain_id, previous_hash = row[0], row[1]
        sequences = list(row[2]) if postgres else [row[2] + n for n in range(1, len(rows) + 1)]
        now = clock.now()
        params: list[Any] = []
        for values, sequence in zip(rows, sequences, strict=True):
            values["chain"], values["previous_hash"], values["sequence"] = chain_id, previous_hash, sequence
            values["occurred_at"] = now
            values["hash"] = previous_hash = chain.event_hash(previous_hash, values)
            for column in _INSERT_COLUMNS:
                value = values[column]
                if column == "occurred_at":
                    value = ops.adapt_datetimefield_value(value)
                elif column == "ip_address":
                    value = ops.adapt_ipaddressfield_value(value)
                elif column == "data":
                    value = ops.adapt_json_value(value, None)
                params.append(value)
        placeholders = ", ".join(["(" + ", ".join(["%s"] * len(_INSERT_COLUMNS)) + ")"] * len(rows))
        insert = f"INSERT INTO audit_auditevent ({', '.join(_INSERT_COLUMNS)}) VALUES {placeholders}"  # noqa: S608
        move = [sequences[-1], previous_hash, len(rows), chain_id]
        if postgres:
            cursor.execute(f"WITH written AS ({insert}) {_MOVE_HEAD}", [*params, *move])
        else:
            cursor.execute(insert, params)
            cursor.execute(_MOVE_HEAD, move)
    events = []
    for values in rows:
        event = AuditEvent(**values)
        event._state.adding = False
        event._state.db = connection.alias
        events.append(event)
    return events


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
