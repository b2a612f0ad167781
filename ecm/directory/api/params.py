"""Query parameters of the Open Referral API, parsed strictly: a bad value is a 400 with a reason."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from dataclasses import dataclass

from django.http import QueryDict
from django.utils import timezone

from ecm.directory import postcodes
from ecm.directory.choices import Day
from ecm.directory.selectors.search import SearchFilters

DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 1000
MAX_PAGE = 1_000_000_000  # a page past the end is an empty page; beyond this, a 400 (no query offset overflows)
MAX_AGE_YEARS = 150
MAX_PROXIMITY_M = 1_000_000
# Numbers are ASCII only: int() and float() also accept "²", "٣" and full-width digits.
TIME = re.compile(r"[0-9]{2}:[0-9]{2}")
WHOLE = re.compile(r"[0-9]{1,12}")
DECIMAL = re.compile(r"[0-9]{1,12}(\.[0-9]{1,12})?([eE][+-]?[0-9]{1,3})?")


class ParamError(ValueError):
    """A query parameter the API cannot use; the message says which and why."""


@dataclass
class Paging:
    page: int
    per_page: int
    full: bool
    ndjson: bool


def _int(params: QueryDict, name: str, default: int, *, maximum: int | None = None) -> int:
    raw = params.get(name, "").strip()
    if not raw:
        return default
    if not WHOLE.fullmatch(raw):
        raise ParamError(f"{name} must be a whole number from 1, written in digits 0-9, not “{raw[:40]}”.")
    value = int(raw)
    if maximum is not None and value > maximum:
        raise ParamError(f"{name} must be at most {maximum}.")
    return value


def boolean(params: QueryDict, name: str) -> bool:
    raw = params.get(name, "").strip().lower()
    if raw in ("", "false", "0", "no"):
        return False
    if raw in ("true", "1", "yes"):
        return True
    raise ParamError(f"{name} must be true or false.")


def paging(params: QueryDict) -> Paging:
    page = _int(params, "page", 1, maximum=MAX_PAGE)
    per_page = _int(params, "per_page", DEFAULT_PER_PAGE)
    if page < 1:
        raise ParamError("page counts from 1.")
    if per_page < 1:
        raise ParamError("per_page must be at least 1.")
    fmt = params.get("format", "json").strip().lower() or "json"
    if fmt not in ("json", "ndjson"):
        raise ParamError("format must be json or ndjson.")
    return Paging(page=page, per_page=min(per_page, MAX_PER_PAGE), full=boolean(params, "full"), ndjson=fmt == "ndjson")


def uuid_param(params: QueryDict, name: str) -> str:
    raw = params.get(name, "").strip()
    if not raw:
        return ""
    try:
        return str(uuid.UUID(raw))
    except ValueError:
        raise ParamError(f"{name} must be a UUID.") from None


def _number(params: QueryDict, name: str, maximum: float) -> float | None:
    raw = params.get(name, "").strip()
    if not raw:
        return None
    if raw.startswith("-") and DECIMAL.fullmatch(raw[1:]):
        raise ParamError(f"{name} must be zero or more.")
    if not DECIMAL.fullmatch(raw):
        raise ParamError(f"{name} must be a number written in digits 0-9, for example 5 or 2.5.")
    value = float(raw)
    if not 0 <= value <= maximum:
        raise ParamError(f"{name} must be from 0 to {maximum:g}.")
    return value


def _time(params: QueryDict, name: str) -> dt.time | None:
    raw = params.get(name, "").strip()
    if not raw:
        return None
    try:
        if not TIME.fullmatch(raw):
            raise ValueError
        return dt.time.fromisoformat(raw)
    except ValueError:
        raise ParamError(f"{name} must be a time as HH:MM, for example 09:30.") from None


def _datetime(params: QueryDict, name: str) -> dt.datetime | None:
    raw = params.get(name, "").strip()
    if not raw:
        return None
    try:
        value = dt.datetime.fromisoformat(raw.replace("Z", "+00:00").replace(" ", "+"))
    except ValueError:
        raise ParamError(f"{name} must be an ISO 8601 date and time, for example 2025-01-31T09:00:00Z.") from None
    if not 1900 <= value.year <= 9000:
        raise ParamError(f"{name} must be a date and time between the years 1900 and 9000.")
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value


def filters(params: QueryDict, *, with_place: bool = True) -> SearchFilters:
    """Every filter the list endpoints take (``statuses=None``: the API lists every status)."""
    f = SearchFilters(statuses=None)
    f.keyword = params.get("search", "").strip()[:200]
    term = uuid_param(params, "taxonomy_term_id")
    f.term_ids = [term] if term else []
    f.taxonomy_id = uuid_param(params, "taxonomy_id")
    f.organization_id = uuid_param(params, "organization_id")
    f.modified_after = _datetime(params, "modified_after")
    f.min_age_years = _number(params, "minimum_age", MAX_AGE_YEARS)
    f.max_age_years = _number(params, "maximum_age", MAX_AGE_YEARS)
    day = params.get("day", "").strip().upper()
    if day and day not in Day.values:
        raise ParamError("day must be an iCal day code: MO, TU, WE, TH, FR, SA or SU.")
    f.day = day
    # ORUK: start_time keeps schedules that open at or after it, end_time those that close at or before it.
    f.opens_from = _time(params, "start_time")
    f.closes_by = _time(params, "end_time")
    if f.opens_from and f.closes_by and f.closes_by <= f.opens_from:
        raise ParamError("end_time must be after start_time.")
    if with_place:
        raw_postcode = params.get("postcode", "").strip()
        proximity = _number(params, "proximity", MAX_PROXIMITY_M)
        if proximity is not None and not raw_postcode:
            raise ParamError("proximity needs a postcode to measure from.")
        if raw_postcode:
            try:
                point = postcodes.lookup(raw_postcode)
            except postcodes.PostcodeError as exc:
                raise ParamError(str(exc)) from None
            f.latitude, f.longitude, f.radius_m = point.latitude, point.longitude, proximity
    return f
