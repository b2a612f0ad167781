"""Validate API responses against the HSDS 3.0 schemas vendored in ecm/directory/hsds_schema, formats included.

jsonschema checks ``uri`` and ``date-time`` only when optional packages are present,
so this module supplies strict checkers of its own; ``test_hsds_checker`` proves they
reject bad values.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import uuid
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

RAW = "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/"
URI_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\s<>\"{}|\\^`]+$")
DATETIME_RE = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def schema_dir() -> Path:
    configured = os.environ.get("HSDS_SCHEMA_DIR")
    path = Path(configured) if configured else Path(settings.BASE_DIR) / "ecm" / "directory" / "hsds_schema"
    if not (path / "service.json").exists():
        raise AssertionError(f"HSDS 3.0 schemas not found at {path} (set HSDS_SCHEMA_DIR)")
    return path


def checker() -> FormatChecker:
    fc = FormatChecker()

    @fc.checks("uuid")
    def is_uuid(value: object) -> bool:
        if not isinstance(value, str):
            return True
        try:
            return str(uuid.UUID(value)) == value.lower()
        except ValueError:
            return False

    @fc.checks("uri")
    def is_uri(value: object) -> bool:
        return not isinstance(value, str) or bool(URI_RE.match(value))

    @fc.checks("date-time")
    def is_datetime(value: object) -> bool:
        if not isinstance(value, str):
            return True
        if not DATETIME_RE.match(value):
            return False
        try:
            dt.datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
        except ValueError:
            return False
        return True

    @fc.checks("email")
    def is_email(value: object) -> bool:
        return not isinstance(value, str) or bool(EMAIL_RE.match(value))

    return fc


@lru_cache(maxsize=1)
def registry() -> Registry:
    base = schema_dir()
    pairs = []
    for path in [*base.glob("*.json"), *base.glob("compiled/*.json")]:
        if path.name == "openapi.json":
            continue
        resource = Resource.from_contents(json.loads(path.read_text()), default_specification=DRAFT202012)
        rel = path.relative_to(base).as_posix()
        pairs.extend([(rel, resource), (RAW + rel, resource)])
    return Registry().with_resources(pairs)


@lru_cache(maxsize=32)
def validator(name: str) -> Draft202012Validator:
    """``name`` like ``compiled/service.json`` or ``taxonomy.json``."""
    schema = json.loads((schema_dir() / name).read_text())
    return Draft202012Validator(schema, registry=registry(), format_checker=checker())


@lru_cache(maxsize=1)
def page_validator() -> Draft202012Validator:
    spec = json.loads((schema_dir() / "openapi.json").read_text())
    page = dict(spec["components"]["schemas"]["Page"])
    page["required"] = [
        "total_items",
        "total_pages",
        "page_number",
        "size",
        "first_page",
        "last_page",
        "empty",
        "contents",
    ]
    page["properties"] = {**page["properties"], "contents": {"type": "array"}}
    return Draft202012Validator(page, format_checker=checker())


def assert_valid(instance: Any, name: str) -> None:
    errors = sorted(validator(name).iter_errors(instance), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:20])


def assert_page(body: Any, item_schema: str) -> None:
    errors = list(page_validator().iter_errors(body))
    assert not errors, [e.message for e in errors]
    for item in body["contents"]:
        assert_valid(item, item_schema)


IDS = re.compile(r"(^id$|_id$)")


def assert_ids_are_uuids(instance: Any, path: str = "") -> None:
    """Every ``id`` and ``*_id`` anywhere in the document is a UUID (ORUK validator rule)."""
    if isinstance(instance, dict):
        for key, value in instance.items():
            if IDS.search(key) and value is not None:
                assert isinstance(value, str) and str(uuid.UUID(value)) == value, f"{path}.{key} = {value!r}"
            assert_ids_are_uuids(value, f"{path}.{key}")
    elif isinstance(instance, list):
        for i, value in enumerate(instance):
            assert_ids_are_uuids(value, f"{path}[{i}]")
