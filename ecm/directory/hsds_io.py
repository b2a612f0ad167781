"""Reading, validating and writing HSDS 3.0 service records (JSON arrays or ndjson).

Validation lists every problem with where it is: the item number (and line, for
ndjson) and the field path, so a provider can fix a file in one go. Writing to the
database happens only in ``services.importing.hsds_import``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Set
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import IO, Any

from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

SCHEMA_DIR = Path(__file__).resolve().parent / "hsds_schema"


@dataclass(frozen=True)
class Problem:
    """One validation problem: where (item, line, field) and what."""

    item: int
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = f"item {self.item}" + (f" (line {self.line})" if self.line else "")
        return f"{where}, field {self.field or '(the record)'}: {self.message}"


@dataclass
class Record:
    item: int
    line: int | None
    data: Any


@lru_cache(maxsize=1)
def _registry() -> Registry:
    resources = []
    for path in SCHEMA_DIR.glob("*.json"):
        contents = json.loads(path.read_text())
        resources.append((path.name, Resource.from_contents(contents, default_specification=DRAFT202012)))
    return Registry().with_resources(resources)


@lru_cache(maxsize=4)
def validator(entity: str = "service") -> Draft202012Validator:
    schema = json.loads((SCHEMA_DIR / f"{entity}.json").read_text())
    return Draft202012Validator(schema, registry=_registry(), format_checker=FormatChecker())


def read_records(handle: IO[str], fmt: str) -> tuple[list[Record], list[Problem]]:
    """Parse a JSON array (or one object) or ndjson; report lines that are not JSON."""
    records: list[Record] = []
    problems: list[Problem] = []
    if fmt == "ndjson":
        item = 0
        for line_no, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            item += 1
            try:
                records.append(Record(item, line_no, json.loads(line)))
            except json.JSONDecodeError as exc:
                problems.append(Problem(item, line_no, "", f"not valid JSON ({exc.msg})"))
        return records, problems
    try:
        data = json.load(handle)
    except json.JSONDecodeError as exc:
        return [], [Problem(0, exc.lineno, "", f"not valid JSON ({exc.msg})")]
    if isinstance(data, dict) and "contents" in data:
        data = data["contents"]
    items = data if isinstance(data, list) else [data]
    return [Record(i, None, d) for i, d in enumerate(items, start=1)], problems


def _path(parts: Iterable[Any]) -> str:
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def validate_records(
    records: list[Record],
    *,
    known_org_ids: Set[str] = frozenset(),
    known_term_ids: Set[str] = frozenset(),
) -> list[Problem]:
    """Schema errors plus what the database needs: an organization and located service_at_locations."""
    problems: list[Problem] = []
    check = validator("service")
    in_file_orgs = {
        str(r.data.get("organization", {}).get("id"))
        for r in records
        if isinstance(r.data, dict) and isinstance(r.data.get("organization"), dict)
    }
    seen: set[str] = set()
    for r in records:
        if not isinstance(r.data, dict):
            problems.append(Problem(r.item, r.line, "", "each record must be a JSON object (one service)"))
            continue
        for error in sorted(check.iter_errors(r.data), key=lambda e: list(e.absolute_path)):
            problems.append(Problem(r.item, r.line, _path(error.absolute_path), error.message))
        sid = str(r.data.get("id", ""))
        if sid and sid in seen:
            problems.append(Problem(r.item, r.line, "id", f"service {sid} appears more than once"))
        seen.add(sid)
        org = r.data.get("organization")
        org_id = str(r.data.get("organization_id") or (org or {}).get("id") or "")
        if not org_id:
            problems.append(
                Problem(r.item, r.line, "organization", "a service needs its organization (or organization_id)")
            )
        elif not isinstance(org, dict) and org_id not in known_org_ids and org_id not in in_file_orgs:
            problems.append(
                Problem(r.item, r.line, "organization_id", f"organization {org_id} is not in the directory or the file")
            )
        for i, sal in enumerate(r.data.get("service_at_locations") or []):
            if isinstance(sal, dict) and not isinstance(sal.get("location"), dict):
                problems.append(
                    Problem(
                        r.item,
                        r.line,
                        f"service_at_locations[{i}].location",
                        "each service_at_location needs its location, nested",
                    )
                )
        for i, attr in enumerate(r.data.get("attributes") or []):
            if (
                isinstance(attr, dict)
                and not isinstance(attr.get("taxonomy_term"), dict)
                and str(attr.get("taxonomy_term_id", "")) not in known_term_ids
            ):
                problems.append(
                    Problem(
                        r.item,
                        r.line,
                        f"attributes[{i}].taxonomy_term",
                        "the taxonomy term is neither nested nor in the directory",
                    )
                )
    return problems


def write_records(handle: IO[str], items: Iterator[dict[str, Any]], fmt: str) -> int:
    """Write services as a JSON array or as ndjson; returns how many."""
    count = 0
    if fmt == "ndjson":
        for item in items:
            handle.write(json.dumps(item, ensure_ascii=False) + "\n")
            count += 1
        return count
    handle.write("[\n")
    for item in items:
        handle.write((",\n" if count else "") + json.dumps(item, ensure_ascii=False, indent=2))
        count += 1
    handle.write("\n]\n")
    return count
