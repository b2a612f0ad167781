"""Reads of the audit trail: chain verification and filtered listings."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import QuerySet

from ecm.audit import chain
from ecm.audit.models import AuditChainHead, AuditEvent

_VALUE_FIELDS = (*chain.HASHED_FIELDS, "chain", "previous_hash", "hash")
_TIME = _VALUE_FIELDS.index("occurred_at")
_DATA = _VALUE_FIELDS.index("data")
_CHAIN = _VALUE_FIELDS.index("chain")
_PREVIOUS = _VALUE_FIELDS.index("previous_hash")
_HASH = _VALUE_FIELDS.index("hash")
_HASHED = len(chain.HASHED_FIELDS)


_UNLINKED = "its previous hash does not match the event before it in its chain (an event was removed or altered)"


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    events: int
    first_broken_sequence: int | None = None
    problem: str = ""


@dataclass
class _ChainState:
    """One chain as seen within one range of sequences."""

    count: int = 0
    first_sequence: int = 0
    first_previous: str | None = None
    last_hash: str | None = None
    last_sequence: int = 0


@dataclass
class _RangeResult:
    chains: dict[int, _ChainState]
    broken: int | None = None
    problem: str = ""
    verified: int = 0


def _select_sql(vendor: str) -> str:
    """Columns in ``_VALUE_FIELDS`` order. PostgreSQL formats the time as the canonical UTC text itself."""
    columns = list(_VALUE_FIELDS)
    if vendor == "postgresql":
        columns[_TIME] = """to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')"""
        columns[_DATA] = "data::text"
    return (
        f"SELECT {', '.join(columns)} FROM audit_auditevent "  # noqa: S608
        "WHERE sequence > %s AND sequence <= %s ORDER BY sequence LIMIT %s"
    )


def _rows(batch_size: int, *, after: int, upto: int) -> Iterator[list[Any]]:
    """Events from ``after`` (exclusive) to ``upto`` in sequence order, as lists ready to hash.

    A plain cursor, not the ORM: its per-row cost dominated verification.
    """
    import datetime as dt
    import json

    from django.db import connection

    sql = _select_sql(connection.vendor)
    last = after
    with connection.cursor() as cursor:
        while True:
            cursor.execute(sql, [last, upto, batch_size])
            batch = cursor.fetchall()
            if not batch:
                return
            for raw in batch:
                row = list(raw)
                when = row[_TIME]
                if isinstance(when, str):
                    if not when.endswith("Z"):  # SQLite keeps naive UTC text
                        row[_TIME] = dt.datetime.fromisoformat(when).replace(tzinfo=dt.UTC)
                elif when.tzinfo is None:  # ... which its converter may already have parsed: still UTC
                    row[_TIME] = when.replace(tzinfo=dt.UTC)
                data = row[_DATA]
                if isinstance(data, str) or data is None:
                    row[_DATA] = json.loads(data) if data else {}
                yield row
            last = batch[-1][0]


def _verify_range(after: int, upto: int, batch_size: int, limits: dict[int, int]) -> _RangeResult:
    """Check the events with sequence in (``after``, ``upto``]: each chained to the one before it
    in its chain, and unaltered.

    Each row carries its predecessor's hash, so ranges can be checked independently and joined
    at their edges, chain by chain. ``limits`` is each chain's last sequence when its head was
    read: later events of that chain were appended since, and are left for the next run.
    """
    chains: dict[int, _ChainState] = {}
    verified = 0
    for row in _rows(batch_size, after=after, upto=upto):
        sequence = row[0]
        if sequence > limits.get(row[_CHAIN], upto):
            continue
        state = chains.get(row[_CHAIN])
        if state is None:
            state = chains[row[_CHAIN]] = _ChainState(first_sequence=sequence, first_previous=row[_PREVIOUS])
        elif row[_PREVIOUS] != state.last_hash:
            return _RangeResult(chains, sequence, _UNLINKED, verified)
        if chain.payload_hash(row[_PREVIOUS], row[:_HASHED]) != row[_HASH]:
            return _RangeResult(chains, sequence, "its content does not match its hash (altered)", verified)
        state.last_hash = row[_HASH]
        state.last_sequence = sequence
        state.count += 1
        verified += 1
    return _RangeResult(chains, verified=verified)


def _verify_in_worker(bounds: tuple[int, int, int, dict[int, int]]) -> _RangeResult:
    from django.db import connections

    connections.close_all()  # a forked worker opens its own connection
    return _verify_range(*bounds)


def audit_chain_verify(*, batch_size: int = 20_000, workers: int = 1, min_parallel: int = 20_000) -> ChainReport:
    """Recompute every hash of every chain in order; report the first event that does not fit.

    The heads are read first: each chain is checked up to its head, and events appended after
    that are left for the next run. With ``workers`` > 1 the sequence range is split into
    parts checked in parallel processes (each on its own database connection) and joined at
    the edges, chain by chain.
    """
    heads = {head.pk: head for head in AuditChainHead.objects.all()}
    if not heads:
        return ChainReport(False, 0, None, "the chain head is missing")
    limits = {head.pk: head.last_sequence for head in heads.values()}
    upto = max(limits.values())
    # Inside a transaction the parallel check would close the caller's connection (a forked worker
    # must not share it), and with it the transaction: the chain is checked in this process instead.
    if workers > 1 and upto >= min_parallel and not connection.in_atomic_block:
        step = -(-upto // workers)
        ranges = [(start, min(start + step, upto), batch_size, limits) for start in range(0, upto, step)]
        import multiprocessing

        from django.db import connections

        connections.close_all()
        with multiprocessing.get_context("fork").Pool(len(ranges)) as pool:
            results = pool.map(_verify_in_worker, ranges)
    else:
        results = [_verify_range(0, upto, batch_size, limits)]

    verified = 0
    seen: dict[int, _ChainState] = {}
    for result in results:
        breaks = [(result.broken, result.problem)] if result.broken is not None else []
        for chain_id, part in result.chains.items():
            joined = seen.get(chain_id)
            if part.first_previous != (joined.last_hash if joined else chain.GENESIS_HASH):
                breaks.append((part.first_sequence, _UNLINKED))
        if breaks:
            sequence, problem = min(breaks, key=lambda item: item[0] or 0)
            return ChainReport(False, verified + result.verified, sequence, problem)
        verified += result.verified
        for chain_id, part in result.chains.items():
            joined = seen.setdefault(chain_id, _ChainState(first_sequence=part.first_sequence))
            joined.count += part.count
            joined.last_hash = part.last_hash
            joined.last_sequence = part.last_sequence
    for chain_id, state in seen.items():
        if chain_id not in heads:
            return ChainReport(False, verified, state.last_sequence, f"its chain {chain_id} has no head")
    for head in sorted(heads.values(), key=lambda h: h.pk):
        state = seen.get(head.pk, _ChainState())
        if state.count != head.event_count or (state.last_hash or chain.GENESIS_HASH) != head.last_hash:
            return ChainReport(
                False,
                verified,
                head.last_sequence or None,
                f"chain {head.pk}'s head expects {head.event_count} events ending at #{head.last_sequence} but "
                f"{state.count} were found (events removed at the end)",
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


HEADS_FORMAT = "ecm-audit-heads/1"


def audit_heads_snapshot() -> dict[str, Any]:
    """Each chain's head as it is now: the record an export keeps outside the application's reach."""
    from ecm.core import clock

    return {
        "format": HEADS_FORMAT,
        "exported_at": clock.now().isoformat(),
        "chains": [
            {
                "chain": head.pk,
                "last_sequence": head.last_sequence,
                "last_hash": head.last_hash,
                "event_count": head.event_count,
            }
            for head in AuditChainHead.objects.order_by("pk")
        ],
    }


class HeadsExportError(ValueError):
    """An exported heads file that cannot be read as one."""


def audit_heads_parse(raw: str) -> list[dict[str, Any]]:
    """The chains of an exported heads file, checked for shape; a clear error naming what is wrong."""
    import json

    try:
        document = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise HeadsExportError(f"the export is not JSON ({exc.msg} at line {exc.lineno})") from exc
    if not isinstance(document, dict) or document.get("format") != HEADS_FORMAT:
        raise HeadsExportError(f"the export is not an ECM audit heads file (format {HEADS_FORMAT!r} expected)")
    chains = document.get("chains")
    if not isinstance(chains, list):
        raise HeadsExportError("the export has no list of chains")
    for entry in chains:
        if not isinstance(entry, dict):
            raise HeadsExportError("a chain in the export is not an object")
        for key, kind in (("chain", int), ("last_sequence", int), ("event_count", int), ("last_hash", str)):
            if not isinstance(entry.get(key), kind) or isinstance(entry.get(key), bool):
                raise HeadsExportError(f"a chain in the export has no valid {key!r}")
    return chains


def audit_chain_verify_against(chains: list[dict[str, Any]]) -> ChainReport:
    """Check that every chain still passes through the head exported earlier.

    A chain recomputed from scratch (every hash rewritten consistently) still verifies on its
    own; it cannot reproduce the exported hash at the exported sequence with the same number of
    events before it, because each hash covers everything before it.
    """
    for entry in sorted(chains, key=lambda e: e["chain"]):
        if entry["last_sequence"] == 0:
            continue
        event = AuditEvent.objects.filter(pk=entry["last_sequence"]).values("chain", "hash").first()
        where = f"chain {entry['chain']}'s exported head #{entry['last_sequence']}"
        if event is None:
            return ChainReport(False, 0, entry["last_sequence"], f"{where} is missing (events removed)")
        if event["chain"] != entry["chain"] or event["hash"] != entry["last_hash"]:
            return ChainReport(
                False, 0, entry["last_sequence"], f"{where} has a different hash now (the chain was rewritten)"
            )
        count = AuditEvent.objects.filter(chain=entry["chain"], sequence__lte=entry["last_sequence"]).count()
        if count != entry["event_count"]:
            return ChainReport(
                False,
                0,
                entry["last_sequence"],
                f"{where} had {entry['event_count']} events up to it and now has {count}",
            )
    return ChainReport(True, len(chains))
