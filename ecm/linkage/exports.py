"""Writing linkage data out for spreadsheets, safely."""

from __future__ import annotations

# A cell starting with one of these is read as a formula by Excel, LibreOffice and Sheets
# (OWASP "CSV injection"); a tab or carriage return can hide one.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: str) -> str:
    """The value, prefixed with ``'`` if a spreadsheet would run it as a formula."""
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value
