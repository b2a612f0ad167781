"""Query parameters of the Open Referral API, parsed strictly: a bad value is a 400 with a reason."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from django.http import QueryDict
from django.utils import timezone

from ecm.directory import postcodes
from ecm.directory.choices import Day
from ecm.directory.selectors.search import SearchFilters

DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 1000


class ParamError(ValueError):
    """A query parameter the API cannot use; the message says which and why."""


@dataclass
class Paging:
    page: int
    per_page: int
    full: bool
    ndjson: bool


def _int(params: QueryDict, name: str, default: int) -> int:
    raw = params.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise ParamError(f"{name} must be a whole number, not “{raw}”.") from None


def boolean(params: QueryDict, name: str) -> bool:
    raw = params.get(name, "").strip().lower()
    if raw in ("", "false", "0", "no"):
        return False
    if raw in ("true", "1", "yes"):
        return True
    raise ParamError(f"{name} must be true or false.")


def paging(params: QueryDict) -> Paging:
    page = _int(params, "page", 1)
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


def _number(params: QueryDict, name: str) -> float | None:
    raw = params.get(name, "").strip()
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        raise ParamError(f"{name} must be a number.") from None
    if value < 0 or value != value or value in (float("inf"),):
        raise ParamError(f"{name} must be zero or more.")
    return value


def _time(params: QueryDict, name: str) -> dt.time | None:
    raw = params.get(name, "").strip()
    if not raw:
        return None
    try:
        if len(raw) != 5:
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
    f.min_age_years = _number(params, "minimum_age")
    f.max_age_years = _number(params, "maximum_age")
    day = params.get("day", "").strip().upper()
    if day and day not in Day.values:
        raise ParamError("day must be an iCal day code: MO, TU, WE, TH, FR, SA or SU.")
    f.day = day
    f.start_time = _time(params, "start_time")
    f.end_time = _time(params, "end_time")
    if f.start_time and f.end_time and f.end_time <= f.start_time:
        raise ParamError("end_time must be after start_time.")
    if with_place:
        raw_postcode = params.get("postcode", "").strip()
        proximity = _number(params, "proximity")
        if proximity is not None and not raw_postcode:
            raise ParamError("proximity needs a postcode to measure from.")
        if raw_postcode:
            try:
                point = postcodes.lookup(raw_postcode)
            except postcodes.PostcodeError as exc:
                raise ParamError(str(exc)) from None
            f.latitude, f.longitude, f.radius_m = point.latitude, point.longitude, proximity
    return f
