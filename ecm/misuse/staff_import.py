"""Reading a CSV of staff home and family details for a bulk upload; every problem named by row and column.

Columns (a header row first; the order does not matter): ``username`` (required),
``home_postcode``, ``home_address``, ``family_names`` (several separated by ``;``),
``works_out_of_hours`` (yes or no). Rows are numbered as a spreadsheet shows them: the
header is row 1. Nothing is read as a formula: the values are only stored and compared.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model

from ecm.misuse.facts import norm_postcode

COLUMNS = ("username", "home_postcode", "home_address", "family_names", "works_out_of_hours")
MAX_ROWS = 5000
MAX_BYTES = 2 * 1024 * 1024
YES = {"yes", "y", "true", "1"}
NO = {"no", "n", "false", "0", ""}


@dataclass
class ParsedUpload:
    rows: list[tuple[Any, dict[str, Any]]] = field(default_factory=list)  # (user, fields)
    problems: list[str] = field(default_factory=list)


def _postcode(raw: str) -> str | None:
    value = norm_postcode(raw)
    if not value:
        return ""
    if not (5 <= len(value) <= 7 and value[-3].isdigit() and value[0].isalpha()):
        return None
    return f"{value[:-3]} {value[-3:]}"


def parse_staff_csv(data: bytes) -> ParsedUpload:
    """The rows of an upload with their users, or the problems that stop all of it."""
    result = ParsedUpload()
    if len(data) > MAX_BYTES:
        result.problems.append("The file is larger than 2 MB: split it into smaller files")
        return result
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        result.problems.append("The file must be a CSV saved as UTF-8 (in Excel: Save as, CSV UTF-8)")
        return result
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    if not header:
        result.problems.append("The file is empty: it needs a header row and one row per member of staff")
        return result
    reader.fieldnames = header
    unknown = [h for h in header if h not in COLUMNS]
    if unknown:
        result.problems.append(f"Row 1: unknown column {', '.join(unknown)}. The columns are: {', '.join(COLUMNS)}")
    if "username" not in header:
        result.problems.append("Row 1: the column username is missing")
    if result.problems:
        return result
    User = get_user_model()
    seen: dict[str, int] = {}
    raw_rows = list(reader)
    if not raw_rows:
        result.problems.append("The file has a header row but no members of staff")
    if len(raw_rows) > MAX_ROWS:
        result.problems.append(f"The file has {len(raw_rows)} rows: upload at most {MAX_ROWS} at a time")
        return result
    users = {
        u.username.lower(): u
        for u in User.objects.filter(username__in=[(r.get("username") or "").strip() for r in raw_rows])
    }
    for number, row in enumerate(raw_rows, start=2):
        if None in row:
            result.problems.append(
                f"Row {number}: more values than columns (is there a comma in an address? Put it in quotes)"
            )
            continue
        username = (row.get("username") or "").strip()
        user = users.get(username.lower())
        if not username:
            result.problems.append(f"Row {number}, column username: enter the username")
        elif user is None:
            result.problems.append(f"Row {number}, column username: no account is called {username}")
        elif username.lower() in seen:
            result.problems.append(
                f"Row {number}, column username: {username} is already on row {seen[username.lower()]}"
            )
        seen.setdefault(username.lower(), number)
        fields: dict[str, Any] = {}
        if "home_postcode" in row:
            postcode = _postcode(row["home_postcode"] or "")
            if postcode is None:
                result.problems.append(
                    f"Row {number}, column home_postcode: {row['home_postcode'].strip()} is not a real postcode, "
                    "enter one like LS1 4AP"
                )
            fields["home_postcode"] = postcode or ""
        if "home_address" in row:
            address = (row["home_address"] or "").strip()
            if len(address) > 500:
                result.problems.append(f"Row {number}, column home_address: enter 500 characters or fewer")
            fields["home_address"] = address
        if "family_names" in row:
            names = [n.strip() for n in (row["family_names"] or "").split(";") if n.strip()]
            fields["family_names"] = "\n".join(names)
        if "works_out_of_hours" in row:
            flag = (row["works_out_of_hours"] or "").strip().lower()
            if flag not in YES | NO:
                result.problems.append(
                    f"Row {number}, column works_out_of_hours: enter yes or no, not {row['works_out_of_hours'].strip()}"
                )
            fields["works_out_of_hours"] = flag in YES
        if user is not None:
            result.rows.append((user, fields))
    return result
