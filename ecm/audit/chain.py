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


def _normalise(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return value


def canonical_content(values: dict[str, Any]) -> bytes:
    """A stable byte string for the hashed fields: sorted-key JSON, UTC microsecond times."""
    payload = {name: _normalise(values.get(name)) for name in HASHED_FIELDS}
    payload["ip_address"] = payload["ip_address"] or ""
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str).encode()


def event_hash(previous_hash: str, values: dict[str, Any]) -> str:
    digest = hashlib.sha256()
    digest.update(previous_hash.encode())
    digest.update(canonical_content(values))
    return digest.hexdigest()
