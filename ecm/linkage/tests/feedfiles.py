"""Small feed files for the tests."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from ecm.linkage.models import FEED_COLUMNS

GOOD_NHS = "9434765919"  # passes the modulus 11 check
GOOD_UPN = "A123456789012"


def row(**values: Any) -> dict[str, Any]:
    """A feed row with every documented column (blank unless given)."""
    base = dict.fromkeys(FEED_COLUMNS, "")
    base.update(values)
    return base


def write_csv(path: Path, rows: list[dict[str, Any]]) -> Path:
    columns = list(FEED_COLUMNS) + sorted({k for r in rows for k in r} - set(FEED_COLUMNS))
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        for values in rows:
            writer.writerow({k: values.get(k, "") for k in columns})
    return path


def write_jsonl(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def many_rows(count: int, *, prefix: str = "R") -> list[dict[str, Any]]:
    """``count`` valid rows, with a quarantined one every 50 rows and a bad NHS number every 40."""
    rows = []
    for i in range(count):
        values = row(
            source_record_id=f"{prefix}{i:06d}",
            given_name=f"Child{i}",
            family_name="Smith" if i % 3 else "Jones",
            date_of_birth=f"2015-{1 + i % 12:02d}-{1 + i % 28:02d}",
            postcode="SW1A 1AA",
            nhs_number="1234567890" if i % 40 == 0 else "",
        )
        if i % 50 == 7:
            values["date_of_birth"] = "2015-02-30"
        rows.append(values)
    return rows
