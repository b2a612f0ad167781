"""Template filters for the directory pages (plain-English ages, hours and distances)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import template

from ecm.directory import presenters
from ecm.directory.selectors.records import is_out_of_date

register = template.Library()


@register.filter
def age_range(service: Any) -> str:
    return presenters.age_range(service.minimum_age_months, service.maximum_age_months)


@register.filter
def opening(schedule: Any) -> str:
    return presenters.opening_text(schedule.byday, schedule.opens_at, schedule.closes_at)


@register.filter
def miles(metres: float | None) -> str:
    return presenters.miles_text(metres)


@register.filter
def out_of_date(service: Any) -> bool:
    return is_out_of_date(service)


@register.simple_tag
def page_url(query: Any, page: int) -> str:
    """The current search with another page number."""
    params = query.copy()
    params["page"] = str(page)
    return "?" + urlencode(params, doseq=True)


@register.simple_tag
def without(query: Any, name: str, value: str = "") -> str:
    """The current search without one filter value (for the MOJ filter tags)."""
    params = query.copy()
    if value:
        params.setlist(name, [v for v in params.getlist(name) if v != value])
    else:
        params.pop(name, None)
    params.pop("page", None)
    return "?" + urlencode(params, doseq=True)
