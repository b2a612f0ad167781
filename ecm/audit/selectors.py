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


def _rows(batch_size: int, *, after: int = 0, upto: int | None = None) -> Iterator[dict[str, Any]]:
    """Every event in order, read with a plain cursor: the ORM's per-row cost dominated verification."""
    import datetime as dt
    import json

    from django.db import connection

    columns = ", ".join(_VALUE_FIELDS)
    sql = f"SELECT {columns} FROM audit_auditevent WHERE sequence > %s ORDER BY sequence LIMIT %s"  # noqa: S608
    sqlite = connection.vendor == "sqlite"
    time_index = _VALUE_FIELDS.index("occurred_at")
    data_index = _VALUE_FIELDS.index("data")
    last = after
    with connection.cursor() as cursor:
        while True:
            limit = batch_size if upto is None else min(batch_size, upto - last)
            if limit <= 0:
                return
            cursor.execute(sql, [last, limit])
            batch = cursor.fetchall()
            if not batch:
                return
            for raw in batch:
                row = list(raw)
                when = row[time_index]
                if isinstance(when, str):  # SQLite keeps naive UTC text
                    when = dt.datetime.fromisoformat(when).replace(tzinfo=dt.UTC)
                elif when.tzinfo is None:  # ... which its converter may already have parsed: still UTC
                    when = when.replace(tzinfo=dt.UTC)
                row[time_index] = when
                if sqlite or isinstance(row[data_index], str):
                    row[data_index] = json.loads(row[data_index]) if row[data_index] else {}
                yield dict(zip(_VALUE_FIELDS, row, strict=True))
            last = batch[-1][0]


def _verify_range(first: int, last: int | None, batch_size: int) -> tuple[int, int | None, str, str, str]:
    """Check every event from sequence ``first`` to ``last``: contiguous, chained, and unaltered.

    Each row carries its predecessor's hash, so ranges can be checked independently and joined
    at their edges. Returns (count, first broken sequence or None, problem, first row's previous
    hash, last row's hash).
    """
    expected_sequence = first
    previous_hash: str | None = None
    first_previous = ""
    count = 0
    for row in _rows(batch_size, after=first - 1, upto=last):
        sequence = row["sequence"]
        if sequence != expected_sequence:
            return count, expected_sequence, f"event #{expected_sequence} is missing", first_previous, ""
        if previous_hash is None:
            first_previous = row["previous_hash"]
        elif row["previous_hash"] != previous_hash:
            return count, sequence, "its previous hash does not match the event before it", first_previous, ""
        if chain.event_hash(row["previous_hash"], row) != row["hash"]:
            return count, sequence, "its content does not match its hash (altered)", first_previous, ""
        previous_hash = row["hash"]
        expected_sequence += 1
        count += 1
    return count, None, "", first_previous, previous_hash or ""


def _verify_in_worker(bounds: tuple[int, int | None, int]) -> tuple[int, int | None, str, str, str]:
    from django.db import connections

    connections.close_all()  # a forked worker opens its own connection
    return _verify_range(*bounds)


def audit_chain_verify(*, batch_size: int = 20_000, workers: int = 1, min_parallel: int = 20_000) -> ChainReport:
    """Recompute every hash in order; report the first event that does not fit.

    With ``workers`` > 1 the chain is split into ranges checked in parallel processes (each
    on its own database connection) and joined at the range edges.
    """
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is None:
        return ChainReport(False, 0, None, "the chain head is missing")
    total = head.last_sequence
    if workers > 1 and total >= min_parallel:
        step = -(-total // workers)
        ranges = [(start, min(start + step - 1, total), batch_size) for start in range(1, total + 1, step)]
        import multiprocessing

        from django.db import connections

        connections.close_all()
        with multiprocessing.get_context("fork").Pool(len(ranges)) as pool:
            results = pool.map(_verify_in_worker, ranges)
        # Events appended after the head was read are checked by the next run.
    else:
        results = [_verify_range(1, None, batch_size)]
    verified = 0
    previous_hash = chain.GENESIS_HASH
    for count, broken, problem, first_previous, last_hash in results:
        if count and first_previous != previous_hash:
            return ChainReport(False, verified, verified + 1, "its previous hash does not match the event before it")
        if broken is not None:
            return ChainReport(False, verified + count, broken, problem)
        verified += count
        previous_hash = last_hash or previous_hash
    head.refresh_from_db()
    if workers == 1 and (head.last_sequence != verified or head.last_hash != previous_hash):
        return ChainReport(
            False,
            verified,
            min(head.last_sequence, verified + 1),
            f"the chain head expects {head.last_sequence} events but {verified} were found (events removed at the end)",
        )
    if workers > 1 and verified < total:
        return ChainReport(
            False, verified, verified + 1, f"the chain head expects {total} events but {verified} were found"
        )
    return ChainReport(True, verified)


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
