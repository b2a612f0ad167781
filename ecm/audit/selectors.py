"""Reads of the audit trail: chain verification and filtered listings."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from ecm.audit import chain
from ecm.audit.models import AuditChainHead, AuditEvent

_VALUE_FIELDS = (*chain.HASHED_FIELDS, "previous_hash", "hash")


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    events: int
    first_broken_sequence: int | None = None
    problem: str = ""


def _rows(batch_size: int) -> Iterator[dict[str, Any]]:
    """Every event in order, read with a plain cursor: the ORM's per-row cost dominated verification."""
    import datetime as dt
    import json

    from django.db import connection

    columns = ", ".join(_VALUE_FIELDS)
    sql = f"SELECT {columns} FROM audit_auditevent WHERE sequence > %s ORDER BY sequence LIMIT %s"  # noqa: S608
    sqlite = connection.vendor == "sqlite"
    time_index = _VALUE_FIELDS.index("occurred_at")
    data_index = _VALUE_FIELDS.index("data")
    last = 0
    with connection.cursor() as cursor:
        while True:
            cursor.execute(sql, [last, batch_size])
            batch = cursor.fetchall()
            if not batch:
                return
            for raw in batch:
                row = list(raw)
                when = row[time_index]
                if isinstance(when, str):  # SQLite keeps naive UTC text
                    when = dt.datetime.fromisoformat(when).replace(tzinfo=dt.UTC)
                row[time_index] = when
                if sqlite or isinstance(row[data_index], str):
                    row[data_index] = json.loads(row[data_index]) if row[data_index] else {}
                yield dict(zip(_VALUE_FIELDS, row, strict=True))
            last = batch[-1][0]


def audit_chain_verify(*, batch_size: int = 20_000) -> ChainReport:
    """Recompute every hash in order; report the first event that does not fit."""
    previous_hash = chain.GENESIS_HASH
    expected_sequence = 1
    count = 0
    for row in _rows(batch_size):
        sequence = row["sequence"]
        if sequence != expected_sequence:
            return ChainReport(False, count, expected_sequence, f"event #{expected_sequence} is missing")
        if row["previous_hash"] != previous_hash:
            return ChainReport(False, count, sequence, "its previous hash does not match the event before it")
        if chain.event_hash(previous_hash, row) != row["hash"]:
            return ChainReport(False, count, sequence, "its content does not match its hash (altered)")
        previous_hash = row["hash"]
        expected_sequence += 1
        count += 1
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is None:
        return ChainReport(False, count, None, "the chain head is missing")
    if head.last_sequence != count or head.last_hash != previous_hash:
        return ChainReport(
            False,
            count,
            count + 1 if head.last_sequence > count else head.last_sequence,
            f"the chain head expects {head.last_sequence} events but {count} were found (events removed at the end)",
        )
    return ChainReport(True, count)


def audit_event_list(
    *, action: str = "", actor: str = "", object_id: str = "", limit: int = 200
) -> QuerySet[AuditEvent]:
    """Most recent events first, filtered for a reviewer."""
    qs = AuditEvent.objects.order_by("-sequence")
    if action:
        qs = qs.filter(action__startswith=action)
    if actor:
        qs = qs.filter(actor_label__icontains=actor)
    if object_id:
        qs = qs.filter(object_id=object_id)
    return qs[:limit]
