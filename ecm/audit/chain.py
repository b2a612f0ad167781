"""Canonical content and hashing of audit events; shared by writing and verifying."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

GENESIS_HASH = "0" * 64

# The fields covered by the hash, in a fixed order. Adding a field is a new chain version.
HASHED_FIELDS = (
    "sequence",
    "occurred_at",
    "actor_type",
    "actor_id",
    "actor_label",
    "actor_roles",
    "actor_organisation",
    "on_behalf_of",
    "action",
    "object_type",
    "object_id",
    "reason",
    "request_id",
    "ip_address",
    "data",
)


def _utc_text(value: Any) -> Any:
    """An aware datetime as UTC text with microseconds, e.g. 2026-11-23T19:36:09.000000Z."""
    if isinstance(value, dt.datetime):
        if value.utcoffset() != _ZERO:
            value = value.astimezone(dt.UTC)
        return value.replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"
    return value


_ZERO = dt.timedelta(0)
_dumps = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str).encode


def canonical_content(values: dict[str, Any]) -> bytes:
    """A stable byte string for the hashed fields.

    A JSON array of the fields in ``HASHED_FIELDS`` order (the time as UTC text, a missing IP
    address as ""), with the keys of ``data`` sorted, so that PostgreSQL's jsonb key order and
    SQLite's text JSON give the same bytes.
    """
    payload = [values.get(name) for name in HASHED_FIELDS]
    payload[1] = _utc_text(payload[1])
    payload[13] = payload[13] or ""
    return _dumps(payload).encode()


def payload_hash(previous_hash: str, payload: list[Any]) -> str:
    """The hash of an event read as a list in ``HASHED_FIELDS`` order (the verifier's fast path).

    The time may already be the canonical UTC text (PostgreSQL formats it in the query).
    """
    payload[1] = _utc_text(payload[1])
    payload[13] = payload[13] or ""
    digest = hashlib.sha256(previous_hash.encode())
    digest.update(_dumps(payload).encode())
    return digest.hexdigest()


def event_hash(previous_hash: str, values: dict[str, Any]) -> str:
    digest = hashlib.sha256()
    digest.update(previous_hash.encode())
    digest.update(canonical_content(values))
    return digest.hexdigest()
