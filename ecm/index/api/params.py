"""Reading FHIR search parameters into search criteria, with PDS's error codes."""

from __future__ import annotations

import datetime as dt
import re

from django.http import QueryDict

from ecm.index.choices import Gender
from ecm.index.search.criteria import SearchCriteria

PATIENT_PARAMETERS = {
    "family",
    "given",
    "birthdate",
    "gender",
    "address-postalcode",
    "_fuzzy-match",
    "_exact-match",
    "_history",
    "_max-results",
}
DATE = re.compile(r"(eq|ge|le)?([0-9]{4}-[0-9]{2}-[0-9]{2})")
ASCII_NUMBER = re.compile(r"[0-9]{1,3}")  # ASCII digits only: str.isdigit() also accepts "²" and "٣"
MAX_RESULTS = 50
BOOLEANS = {"true": True, "false": False}


class ApiError(ValueError):
    """A request the API refuses; ``code`` is the Spine error code."""

    def __init__(self, code: str, diagnostics: str) -> None:
        self.code = code
        self.diagnostics = diagnostics
        super().__init__(diagnostics)


def _single(query: QueryDict, name: str) -> str:
    values = query.getlist(name)
    if len(values) > 1:
        raise ApiError("INVALID_VALUE", f"'{name}' may be given only once.")
    return values[0].strip() if values else ""


def _boolean(query: QueryDict, name: str) -> bool:
    raw = _single(query, name).lower()
    if raw == "":
        return False
    if raw not in BOOLEANS:
        raise ApiError("INVALID_VALUE", f"'{name}' must be true or false.")
    return BOOLEANS[raw]


def _dates(values: list[str]) -> tuple[dt.date | None, dt.date | None, dt.date | None]:
    """(eq, ge, le) from repeated ``birthdate`` values; a bare date means eq."""
    found: dict[str, dt.date] = {}
    for raw in values:
        match = DATE.fullmatch(raw.strip())
        if not match:
            raise ApiError("INVALID_VALUE", f"Invalid birthdate '{raw}': use YYYY-MM-DD, optionally with eq, ge or le.")
        prefix = match.group(1) or "eq"
        if prefix in found:
            raise ApiError("INVALID_VALUE", f"birthdate with '{prefix}' may be given only once.")
        try:
            found[prefix] = dt.date.fromisoformat(match.group(2))
        except ValueError:
            raise ApiError("INVALID_VALUE", f"Invalid birthdate '{raw}': no such date.")
    if "eq" in found and len(found) > 1:
        raise ApiError("INVALID_VALUE", "Give either an exact birthdate or a range with ge and le, not both.")
    return found.get("eq"), found.get("ge"), found.get("le")


def patient_criteria(query: QueryDict, *, is_system: bool) -> SearchCriteria:
    """The criteria of ``GET /fhir/Patient?...``; raises :class:`ApiError`."""
    unknown = sorted(set(query) - PATIENT_PARAMETERS)
    if unknown:
        raise ApiError("ADDITIONAL_PROPERTIES", f"Unknown parameter(s): {', '.join(unknown)}.")
    if not any(query.get(name) for name in PATIENT_PARAMETERS if not name.startswith("_")):
        raise ApiError("MISSING_VALUE", "Give search parameters, at least family and birthdate.")
    gender = _single(query, "gender").lower()
    if gender and gender not in Gender.values:
        raise ApiError("INVALID_VALUE", f"Invalid gender '{gender}': use male, female, other or unknown.")
    max_raw = _single(query, "_max-results")
    max_results = None
    if max_raw:
        if not ASCII_NUMBER.fullmatch(max_raw) or not 1 <= int(max_raw) <= MAX_RESULTS:
            raise ApiError("INVALID_VALUE", f"_max-results must be a whole number from 1 to {MAX_RESULTS}.")
        max_results = int(max_raw)
    born, born_from, born_to = _dates(query.getlist("birthdate"))
    fuzzy = _boolean(query, "_fuzzy-match")
    exact = _boolean(query, "_exact-match")
    if fuzzy and exact:
        raise ApiError("INVALID_SEARCH_DATA", "_fuzzy-match and _exact-match cannot both be true.")
    return SearchCriteria(
        given_name=" ".join(query.getlist("given")).strip(),
        family_name=_single(query, "family"),
        gender=gender,
        postcode=_single(query, "address-postalcode"),
        birth_date=born,
        birth_date_from=born_from,
        birth_date_to=born_to,
        fuzzy=fuzzy,
        exact_only=exact,
        history=_boolean(query, "_history"),
        max_results=max_results,
    )
