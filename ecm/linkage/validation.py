"""Validation of one feed row: what it needs, what is malformed, what is set aside.

A row needs a ``source_record_id``, a name (given or family) and either a date of birth or
a postcode. A row without them, or with an impossible date of birth, is quarantined. A
malformed optional value (NHS number failing its check digit, a UPN of the wrong shape, a
postcode of the wrong shape when a date of birth is there) is set aside with a warning
and the rest of the row staged.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from ecm.index.search.keys import nhs_number_is_placeholder, nhs_number_is_valid, normalise_postcode, upn_is_valid
from ecm.linkage.models import FEED_COLUMNS, INVOLVEMENT_COLUMNS

POSTCODE_PATTERN = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][A-Z]{2}$")
OLDEST_BIRTH_YEAR_AGE = 26  # the index holds children and young people up to 25
SEX_VALUES = {
    "m": "male",
    "male": "male",
    "1": "male",
    "f": "female",
    "female": "female",
    "2": "female",
    "u": "unknown",
    "unknown": "unknown",
    "0": "unknown",
    "9": "unknown",
    "x": "other",
    "other": "other",
    "boy": "male",
    "girl": "female",
    "not known": "unknown",
    "not specified": "unknown",
    "indeterminate": "other",
}
FIELD_LENGTHS = {
    "source_record_id": 64,
    "given_name": 35,
    "middle_names": 100,
    "family_name": 35,
    "previous_family_name": 35,
    "address_line_1": 100,
    "address_line_2": 100,
    "town": 60,
    "parent_1_name": 70,
    "parent_2_name": 70,
    "school_urn": 10,
    "gp_practice_code": 10,
}


class RowRejected(ValueError):
    """The row cannot be staged; the message is the quarantine reason."""


# Dates as systems export them: ISO (also with a midnight time, as databases write a date column),
# year first with slashes, or as eight digits; day first (never month first: an English feed) with
# slashes, dashes or dots.
MIDNIGHT = r"(?:[ T]00:00(?::00(?:\.0+)?)?(?:Z|[+-]00:?00)?)?"
YEAR_FIRST = re.compile(rf"(\d{{4}})([-/])(\d{{1,2}})\2(\d{{1,2}}){MIDNIGHT}|(\d{{4}})()(\d{{2}})(\d{{2}})")
DAY_FIRST = re.compile(r"(\d{1,2})([/.-])(\d{1,2})\2(\d{4})")


def parse_date(value: str) -> dt.date:
    """A date as ``YYYY-MM-DD`` (or ``YYYY/MM/DD``, ``YYYYMMDD``, ``YYYY-MM-DDT00:00:00``) or ``DD/MM/YYYY``
    (or ``DD-MM-YYYY``, ``DD.MM.YYYY``); ``ValueError`` otherwise (including 30 February)."""
    value = value.strip()
    if len(value) == 10 and value[4] == value[7] == "-" and value.isascii():
        # Nearly every date is written YYYY-MM-DD, which this C parser reads fastest; one it refuses is
        # read by the patterns below, which give the message.
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    year_first = YEAR_FIRST.fullmatch(value)
    if year_first:
        groups = year_first.groups()  # separated, or the eight digits (the second alternative)
        year, _, month, day = groups[:4] if groups[0] is not None else groups[4:]
        return dt.date(int(year), int(month), int(day))
    day_first = DAY_FIRST.fullmatch(value)
    if day_first:
        day, _, month, year = day_first.groups()
        return dt.date(int(year), int(month), int(day))
    raise ValueError(f"'{value}' is not a date (use YYYY-MM-DD)")


def _text(raw: dict[str, Any], name: str) -> str:
    value = raw.get(name)
    if value is None:
        return ""
    return " ".join(str(value).split())


def _nul_names(raw: dict[str, Any]) -> list[str]:
    """The names (``\\x00`` shown) of the values that hold a NUL, or whose name does."""
    # One C-level scan of the joined text clears a row (nearly all) without a Python step per value.
    try:
        text = "".join(raw) + "".join(raw.values())
    except TypeError:  # a value that is not text (JSON), or a CSV row's missing value (None)
        text = "".join(map(str, raw)) + "".join(map(str, raw.values()))
    if "\x00" not in text:
        return []
    return sorted(str(name).replace("\x00", "\\x00") for name, value in raw.items() if "\x00" in str(name) + str(value))


def validate_row(raw: dict[str, Any], *, today: dt.date) -> tuple[dict[str, Any], list[str]]:
    """The staged values and warnings for one row, or ``RowRejected`` with the quarantine reason."""
    nul = _nul_names(raw)
    if nul:
        # A NUL is never part of a name or a date (it is what a UTF-16 or binary file looks like read as
        # text), and PostgreSQL cannot store it.
        raise RowRejected(f"{', '.join(nul)} holds a NUL character (byte 0x00), which no feed value may hold.")
    # ``_text`` written out: this runs for every column of every row of a national delivery.
    values: dict[str, Any] = {
        name: "" if (value := raw.get(name)) is None else " ".join(str(value).split()) for name in FEED_COLUMNS
    }
    warnings: list[str] = []
    if not values["source_record_id"]:
        raise RowRejected("No source_record_id.")
    for name, limit in FIELD_LENGTHS.items():
        if len(values[name]) > limit:
            if name == "source_record_id":
                raise RowRejected(f"source_record_id is longer than {limit} characters.")
            warnings.append(f"{name} was longer than {limit} characters and was cut.")
            values[name] = values[name][:limit]
    if not values["given_name"] and not values["family_name"]:
        raise RowRejected("No name: a row needs a given name or a family name.")

    date_of_birth: dt.date | None = None
    if values["date_of_birth"]:
        try:
            date_of_birth = parse_date(values["date_of_birth"])
        except ValueError as error:
            raise RowRejected(f"Impossible date of birth: {error}.")
        if date_of_birth > today:
            raise RowRejected(f"Impossible date of birth: {date_of_birth.isoformat()} is in the future.")
        if date_of_birth.year < today.year - OLDEST_BIRTH_YEAR_AGE:
            raise RowRejected(f"Impossible date of birth: {date_of_birth.isoformat()} is too old for the index.")
    values["date_of_birth"] = date_of_birth

    postcode = normalise_postcode(values["postcode"]) if values["postcode"] else ""
    if postcode and not POSTCODE_PATTERN.match(postcode):
        if date_of_birth is None:
            raise RowRejected(f"No date of birth, and the postcode '{values['postcode']}' is not a UK postcode.")
        warnings.append(f"postcode '{values['postcode']}' is not a UK postcode: set aside.")
        postcode = ""
    values["postcode"] = postcode
    if date_of_birth is None and not postcode:
        raise RowRejected("A row needs a date of birth or a postcode.")

    # "943 476 5919" and "943-476-5919" alike (the only whitespace ``_text`` leaves is single spaces).
    nhs = values["nhs_number"].replace(" ", "").replace("-", "")
    # A placeholder is never valid, so the placeholder check is needed only for a number that fails.
    if nhs and not nhs_number_is_valid(nhs):
        if nhs_number_is_placeholder(nhs):
            # Shared by every record whose system keys it, it would join children who have nothing else in common.
            warnings.append(f"nhs_number '{values['nhs_number']}' is a placeholder (one digit ten times): set aside.")
        else:
            warnings.append(f"nhs_number '{values['nhs_number']}' fails its check digit: set aside.")
        nhs = ""
    values["nhs_number"] = nhs
    upn = values["upn"].replace(" ", "").upper()
    if upn and not upn_is_valid(upn):
        warnings.append(f"upn '{values['upn']}' is not a unique pupil number: set aside.")
        upn = ""
    values["upn"] = upn
    sex = values["sex"].lower()
    if sex and sex not in SEX_VALUES:
        warnings.append(f"sex '{values['sex']}' is not one of M, F, U, X: set aside.")
    values["sex"] = SEX_VALUES.get(sex, "")

    involvement = {name: text for name in INVOLVEMENT_COLUMNS if (text := _text(raw, name))}
    if involvement.get("involvement_started_on"):
        try:
            involvement["involvement_started_on"] = parse_date(involvement["involvement_started_on"]).isoformat()
        except ValueError:
            warnings.append("involvement_started_on is not a date: set aside.")
            del involvement["involvement_started_on"]
    values["involvement"] = involvement
    return values, warnings
