"""Reading feed files: CSV (with a header row) and JSON Lines, one row per child per source.

Rows come out with their line number in the file (a CSV header is line 1), so that a
quarantined row can be found and an interrupted import resumed after a known line.
"""

from __future__ import annotations

import codecs
import collections
import csv
import hashlib
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

FORMATS = ("csv", "jsonl")


class FeedFileError(ValueError):
    """The file as a whole cannot be read (unknown format, encoding, delimiter, a missing column, empty)."""


# A CSV must have this column, one of each other group (docs/feeds.md, "Columns").
REQUIRED_COLUMN = "source_record_id"
REQUIRED_ONE_OF = (("given_name", "family_name"), ("date_of_birth", "postcode"))
DELIMITER_NAMES = {",": "commas", ";": "semicolons", "\t": "tabs", "|": "vertical bars", ":": "colons"}
UTF8_BOM = b"\xef\xbb\xbf"


def column_name(header: str) -> str:
    """A CSV header's column as the feed names it: `` Source Record ID`` and ``Given-Name`` are
    ``source_record_id`` and ``given_name`` (spreadsheets keep capitals, spaces and padding)."""
    return re.sub(r"[\s-]+", "_", header.strip()).lower()


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


def check_encoding(path: Path) -> int:
    """Refuse a file that is not UTF-8 (a byte order mark is allowed); the number of lines otherwise.

    Read whole before anything is staged: a bad byte on line 5,002 of 6,002 refuses the file
    with its line and byte instead of staging 5,000 rows first.
    """
    # Decoded in large blocks, in C; a line ends with a newline byte, which no UTF-8 character
    # holds, so the file decodes exactly when each of its lines does. Only a file that does not is
    # read again line by line, to say where.
    decoder = codecs.getincrementaldecoder("utf-8")()
    lines = 0
    last = b""
    try:
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                decoder.decode(block)
                lines += block.count(b"\n")
                last = block[-1:]
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return _check_encoding_by_line(path)
    return lines + (last not in (b"", b"\n"))  # a last line without a newline counts


def _check_encoding_by_line(path: Path) -> int:
    """``check_encoding`` line by line: the ``FeedFileError`` names the line and byte that are not UTF-8."""
    offset = 0
    lines = 0
    with path.open("rb") as handle:
        for number, line in enumerate(handle, start=1):
            try:
                line.decode("utf-8")
            except UnicodeDecodeError as error:
                byte = line[error.start]
                raise FeedFileError(
                    f"The file is not UTF-8: line {number:,}, byte {error.start + 1} of the line "
                    f"(byte {offset + error.start + 1:,} of the file) is 0x{byte:02X}, which UTF-8 does not allow "
                    'there. Save the file as UTF-8 (for example "CSV UTF-8") and import it again. '
                    "Nothing was imported."
                ) from None
            offset += len(line)
            lines = number
    return lines


def _has_content(path: Path) -> bool:
    with path.open("rb") as handle:
        head = handle.read(1 << 16)
        if head.startswith(UTF8_BOM):
            head = head[len(UTF8_BOM) :]
        while head:
            if head.strip():
                return True
            head = handle.read(1 << 16)
    return False


def _delimiter(header: str, sample: str) -> str:
    """The CSV delimiter: the header's commonest candidate, checked by ``csv.Sniffer`` over the first lines.

    A header split by commas wins whenever it has at least as many commas as any other
    candidate (names never hold a comma, and a sniffer can be fooled by the values).
    """
    counts = {d: header.count(d) for d in DELIMITER_NAMES}
    if counts[","] and counts[","] >= max(counts.values()):
        return ","
    try:
        return csv.Sniffer().sniff(sample, delimiters="".join(DELIMITER_NAMES)).delimiter
    except csv.Error:
        best = max(counts, key=lambda d: counts[d])
        return best if counts[best] else ","


def check_csv_header(path: Path) -> list[str]:
    """The CSV's column names, or ``FeedFileError`` naming a wrong delimiter or a missing required column."""
    with path.open(newline="", encoding="utf-8-sig") as handle:
        header = handle.readline()
        sample = header + "".join(handle.readline() for _ in range(20))
    if not header.strip():
        raise FeedFileError("The CSV file has no header row: its first line is blank. Nothing was imported.")
    delimiter = _delimiter(header, sample)
    if delimiter != ",":
        name = DELIMITER_NAMES.get(delimiter, repr(delimiter))
        raise FeedFileError(
            f"The CSV file is separated by {name}, not commas. Save it as comma-separated values "
            "and import it again. Nothing was imported."
        )
    columns = [column_name(c) for c in next(csv.reader([header]))]
    repeated = sorted({c for c in columns if c and columns.count(c) > 1})
    if repeated:
        raise FeedFileError(
            f"The header row names {', '.join(repeated)} more than once: each column may appear once, "
            "or which value is the child's cannot be known. Nothing was imported."
        )
    missing = [REQUIRED_COLUMN] if REQUIRED_COLUMN not in columns else []
    missing += [" or ".join(group) for group in REQUIRED_ONE_OF if not set(group) & set(columns)]
    if missing:
        raise FeedFileError(
            f"The header row has no {' and no '.join(missing)} column"
            f"{'s' if len(missing) > 1 else ''}; it names: {', '.join(c for c in columns if c) or 'nothing'}. "
            "Nothing was imported."
        )
    return columns


def check_file(path: Path, fmt: str) -> int:
    """Refuse, before any row is read, a file that cannot be imported whole; its line count otherwise.

    Empty (or only blank lines), not UTF-8, a CSV separated by something other than commas,
    or whose header lacks a required column: each refused with what is wrong.
    """
    if not _has_content(path):
        raise FeedFileError("The file is empty. Nothing was imported.")
    lines = check_encoding(path)
    if fmt == "csv":
        check_csv_header(path)
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.reader(handle)
            next(reader, None)
            try:
                has_rows = any("".join(values).strip() for values in reader)
                # The rest is parsed only for a ``csv.Error``: consumed in C, no Python step per row.
                collections.deque(reader, maxlen=0)
            except csv.Error as error:
                raise FeedFileError(
                    f"The CSV file cannot be read at line {reader.line_num:,}: {error}. Nothing was imported."
                ) from None
        if not has_rows:
            raise FeedFileError("The CSV file has a header row but no rows. Nothing was imported.")
    return lines


def read_rows(path: Path, fmt: str) -> Iterator[tuple[int, dict[str, Any] | None, str]]:
    """``(line_number, row, problem)``: row is ``None`` when the line could not be read as a row."""
    if fmt == "csv":
        with path.open(newline="", encoding="utf-8-sig") as handle:
            # ``csv.DictReader``'s rows, built here without its Python steps per row: the same dict
            # (a short row's missing columns ``None``), the same lines skipped.
            reader = csv.reader(handle)
            header = next(reader, None)
            if not header:
                raise FeedFileError("The CSV file has no header row.")
            columns = [column_name(c) for c in header]
            width = len(columns)
            for cells in reader:
                if not cells:
                    continue  # an empty line
                if len(cells) > width:
                    yield reader.line_num, None, "The row has more values than the header has columns."
                    continue
                row: dict[str, Any] = dict(zip(columns, cells, strict=False))
                if len(cells) < width:
                    for name in columns[len(cells) :]:
                        row[name] = None
                if not "".join(filter(None, row.values())).strip():
                    continue  # a blank line
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
