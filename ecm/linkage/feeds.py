"""Reading feed files: CSV (with a header row) and JSON Lines, one row per child per source.

Rows come out with their line number in the file (a CSV header is line 1), so that a
quarantined row can be found and an interrupted import resumed after a known line.
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

FORMATS = ("csv", "jsonl")


class FeedFileError(ValueError):
    """The file as a whole cannot be read (unknown format, no header)."""


def file_sha256(path: Path) -> str:
    """The SHA-256 of the file's bytes: a delivery's identity."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def file_format(path: Path, declared: str = "") -> str:
    """``csv`` or ``jsonl``, from ``declared`` or the file's extension."""
    fmt = (declared or path.suffix.lstrip(".")).lower()
    fmt = {"ndjson": "jsonl", "json": "jsonl"}.get(fmt, fmt)
    if fmt not in FORMATS:
        raise FeedFileError(f"Unknown feed format '{fmt}': use .csv or .jsonl.")
    return fmt


def count_lines(path: Path) -> int:
    """Physical lines in the file (for the progress bar)."""
    with path.open("rb") as handle:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b""))


def read_rows(path: Path, fmt: str) -> Iterator[tuple[int, dict[str, Any] | None, str]]:
    """``(line_number, row, problem)``: row is ``None`` when the line could not be read as a row."""
    if fmt == "csv":
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            if not reader.fieldnames:
                raise FeedFileError("The CSV file has no header row.")
            for row in reader:
                extra = row.pop(None, None)  # type: ignore[call-overload]
                if extra:
                    yield reader.line_num, None, "The row has more values than the header has columns."
                    continue
                yield reader.line_num, row, ""
        return
    with path.open(encoding="utf-8-sig") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as error:
                yield number, None, f"Not valid JSON: {error.msg}."
                continue
            if not isinstance(row, dict):
                yield number, None, "Not a JSON object."
                continue
            yield number, row, ""
