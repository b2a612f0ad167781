"""Search for services at locations: keyword, needs, ages, cost, day and time, language,
organization, taxonomy, freshness and distance. Every filter given must hold (AND).

Distance uses a bounding box on the indexed latitude/longitude first, then the exact
haversine distance on the few rows left, nearest first.
"""

from __future__ import annotations

import datetime as dt
import math
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import ExpressionWrapper, F, FloatField, Q, QuerySet, Value
from django.db.models.functions import ASin, Cos, Least, Power, Radians, Sin, Sqrt

from ecm.directory.choices import LinkEntity, ServiceStatus
from ecm.directory.geo import EARTH_RADIUS_M, bounding_box
from ecm.directory.models import Attribute, Language, Schedule, Service, ServiceAtLocation, TaxonomyTerm

VISIBLE_STATUSES = (ServiceStatus.ACTIVE, ServiceStatus.TEMPORARILY_CLOSED)


@dataclass
class SearchFilters:
    """What a search asks for. Empty values mean "no filter"."""

    keyword: str = ""
    term_ids: Sequence[str] = ()  # any of these needs
    taxonomy_id: str = ""
    organization_id: str = ""
    modified_after: dt.datetime | None = None
    age_months: int | None = None  # the child's age: the service's range includes it
    min_age_years: float | None = None  # ORUK: minimum age at least N
    max_age_years: float | None = None  # ORUK: maximum age at most N
    cost: str = ""  # "free" or "paid"
    day: str = ""  # iCal code
    start_time: dt.time | None = None  # people's search: open at this time (or from it to end_time)
    end_time: dt.time | None = None
    opens_from: dt.time | None = None  # ORUK API start_time: opens at or after this time
    closes_by: dt.time | None = None  # ORUK API end_time: closes at or before this time
    language: str = ""  # ISO 639 code
    latitude: float | None = None
    longitude: float | None = None
    radius_m: float | None = None
    statuses: Sequence[str] | None = VISIBLE_STATUSES

    @property
    def has_point(self) -> bool:
        return self.latitude is not None and self.longitude is not None


@dataclass
class Hit:
    sal: ServiceAtLocation
    distance_m: float | None = None

    @property
    def distance_miles(self) -> float | None:
        return None if self.distance_m is None else self.distance_m / 1609.344


@dataclass
class SearchPage:
    hits: list[Hit]
    total: int
    page: int
    per_page: int
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def total_pages(self) -> int:
        return math.ceil(self.total / self.per_page) if self.total else 0


def service_q(f: SearchFilters, prefix: str = "") -> Q:
    """The filters that concern the service, as one Q (``prefix`` reaches the service)."""
    p = prefix
    sid = f"{p}id" if p else "id"
    q = Q()
    if f.statuses is not None:
        q &= Q(**{f"{p}status__in": list(f.statuses)})
    if f.keyword:
        words = f.keyword.split()
        for word in words[:8]:
            matching_terms = Attribute.objects.filter(
                link_entity=LinkEntity.SERVICE, taxonomy_term__name__icontains=word
            ).values("link_id")
            q &= (
                Q(**{f"{p}name__icontains": word})
                | Q(**{f"{p}description__icontains": word})
                | Q(**{f"{p}organization__name__icontains": word})
                | Q(**{f"{sid}__in": matching_terms})
            )
    if f.term_ids:
        q &= Q(
            **{
                f"{sid}__in": Attribute.objects.filter(
                    link_entity=LinkEntity.SERVICE, taxonomy_term_id__in=list(f.term_ids)
                ).values("link_id")
            }
        )
    if f.taxonomy_id:
        q &= Q(
            **{
                f"{sid}__in": Attribute.objects.filter(
                    link_entity=LinkEntity.SERVICE, taxonomy_term__taxonomy_id=f.taxonomy_id
                ).values("link_id")
            }
        )
    if f.organization_id:
        q &= Q(**{f"{p}organization_id": f.organization_id})
    if f.modified_after is not None:
        q &= Q(**{f"{p}modified_at__gte": f.modified_after})
    if f.age_months is not None:
        q &= Q(**{f"{p}minimum_age_months__lte": f.age_months}) & (
            Q(**{f"{p}maximum_age_months__isnull": True}) | Q(**{f"{p}maximum_age_months__gte": f.age_months})
        )
    if f.min_age_years is not None:
        q &= Q(**{f"{p}minimum_age_months__gte": round(f.min_age_years * 12)})
    if f.max_age_years is not None:
        q &= Q(**{f"{p}maximum_age_months__lte": round(f.max_age_years * 12)})
    if f.cost == "free":
        q &= Q(**{f"{p}is_free": True})
    elif f.cost == "paid":
        q &= Q(**{f"{p}is_free": False})
    if f.language:
        q &= Q(**{f"{sid}__in": Language.objects.filter(code=f.language, service__isnull=False).values("service_id")})
    return q


def _schedule_q(f: SearchFilters) -> Q:
    q = Q()
    if f.day:
        q &= Q(byday__contains=f.day)
    if f.start_time and f.end_time:
        q &= Q(opens_at__lte=f.start_time, closes_at__gte=f.end_time)
    elif f.start_time:
        q &= Q(opens_at__lte=f.start_time, closes_at__gt=f.start_time)
    elif f.end_time:
        q &= Q(opens_at__lt=f.end_time, closes_at__gte=f.end_time)
    if f.opens_from:
        q &= Q(opens_at__gte=f.opens_from)
    if f.closes_by:
        q &= Q(closes_at__lte=f.closes_by)
    return q


def _wants_schedule(f: SearchFilters) -> bool:
    return bool(f.day or f.start_time or f.end_time or f.opens_from or f.closes_by)


def service_queryset(f: SearchFilters) -> QuerySet[Service]:
    """Services matching the filters (distance does not apply to services)."""
    qs = Service.objects.filter(service_q(f))
    if _wants_schedule(f):
        times = Schedule.objects.filter(_schedule_q(f))
        qs = qs.filter(
            Q(id__in=times.filter(service__isnull=False).values("service_id"))
            | Q(id__in=times.filter(service_at_location__isnull=False).values("service_at_location__service_id"))
        )
    return qs


def _sal_q(f: SearchFilters) -> Q:
    """The filters on a service-at-location's own search columns and foreign keys (no joins)."""
    q = Q()
    if f.statuses is not None:
        q &= Q(search_status__in=list(f.statuses))
    if f.age_months is not None:
        q &= Q(search_min_age_months__lte=f.age_months) & (
            Q(search_max_age_months__isnull=True) | Q(search_max_age_months__gte=f.age_months)
        )
    if f.min_age_years is not None:
        q &= Q(search_min_age_months__gte=round(f.min_age_years * 12))
    if f.max_age_years is not None:
        q &= Q(search_max_age_months__lte=round(f.max_age_years * 12))
    if f.cost in ("free", "paid"):
        q &= Q(search_is_free=f.cost == "free")
    if f.term_ids:
        q &= Q(
            service_id__in=Attribute.objects.filter(
                link_entity=LinkEntity.SERVICE, taxonomy_term_id__in=list(f.term_ids)
            ).values("link_id")
        )
    if f.language:
        q &= Q(service_id__in=Language.objects.filter(code=f.language, service__isnull=False).values("service_id"))
    rest = SearchFilters(
        keyword=f.keyword,
        taxonomy_id=f.taxonomy_id,
        organization_id=f.organization_id,
        modified_after=f.modified_after,
        statuses=None,
    )
    if rest.keyword or rest.taxonomy_id or rest.organization_id or rest.modified_after:
        q &= Q(service_id__in=Service.objects.filter(service_q(rest)).values("id"))
    return q


def sal_queryset(f: SearchFilters, *, with_schedule: bool = True) -> QuerySet[ServiceAtLocation]:
    """Service-at-locations matching every filter except the exact distance.

    Reads only the service_at_location table (its search columns) plus uncorrelated
    IN subqueries, which the database evaluates once, not once per candidate row.
    """
    qs = ServiceAtLocation.objects.filter(_sal_q(f))
    if with_schedule and _wants_schedule(f):
        times = Schedule.objects.filter(_schedule_q(f))
        qs = qs.filter(
            Q(service_id__in=times.filter(service__isnull=False).values("service_id"))
            | Q(id__in=times.filter(service_at_location__isnull=False).values("service_at_location_id"))
        )
    if f.has_point and f.radius_m is not None:
        min_lat, max_lat, min_lon, max_lon = bounding_box(f.latitude, f.longitude, f.radius_m)  # type: ignore[arg-type]
        qs = qs.filter(
            search_latitude__gte=min_lat,
            search_latitude__lte=max_lat,
            search_longitude__gte=min_lon,
            search_longitude__lte=max_lon,
        )
    return qs


def _raw_rows(qs: QuerySet[Any]) -> list[tuple[Any, ...]]:
    """The rows of a values_list query, straight from the driver (no per-row model conversion)."""
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def as_uuid(value: Any) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


def distance_m(latitude: float, longitude: float) -> Any:
    """The exact haversine distance in metres from a point, as a database expression.

    Both databases compute it in SQL (SQLite's built-in maths functions, or Django's
    fallbacks where SQLite lacks them), so ordering and paging happen in the database.
    """
    number = FloatField()
    half = Value(2.0, output_field=number)
    dlat = Radians(F("search_latitude") - Value(latitude, output_field=number)) / half
    dlon = Radians(F("search_longitude") - Value(longitude, output_field=number)) / half
    cos0 = Value(math.cos(math.radians(latitude)), output_field=number)
    a = Power(Sin(dlat), 2) + cos0 * Cos(Radians(F("search_latitude"))) * Power(Sin(dlon), 2)
    return ExpressionWrapper(
        Value(2 * EARTH_RADIUS_M, output_field=number) * ASin(Least(Value(1.0, output_field=number), Sqrt(a))),
        output_field=number,
    )


def _placed(f: SearchFilters) -> QuerySet[ServiceAtLocation]:
    """Matching rows with their distance: within the radius (box first, then exact), or all."""
    qs = sal_queryset(f).annotate(distance=distance_m(f.latitude, f.longitude))  # type: ignore[arg-type]
    if f.radius_m is not None:
        qs = qs.filter(distance__lte=f.radius_m)
    return qs.order_by(F("distance").asc(nulls_last=True), "id")


def sal_ranked_ids(f: SearchFilters) -> list[tuple[Any, float | None]]:
    """Every matching (service_at_location id, distance in metres): nearest first with a point, else by name.

    Ids come back as the driver gives them (text on SQLite, UUID on PostgreSQL);
    ``sals_by_ids`` and ``as_uuid`` accept either.
    """
    if not f.has_point:
        return [(row[0], None) for row in _raw_rows(sal_queryset(f).order_by("search_name", "id").values_list("id"))]
    return [(row[0], row[1]) for row in _raw_rows(_placed(f).values_list("id", "distance"))]  # type: ignore[misc]


def sal_search(f: SearchFilters, *, page: int = 1, per_page: int = 20, full: bool = False) -> SearchPage:
    """One page of matching service-at-locations: nearest first with a point, else by name.

    The database filters, counts, orders and pages; only the page's rows come back.
    """
    offset = (page - 1) * per_page
    if f.has_point:
        qs = _placed(f)
        placed = qs.values_list("id", "distance")  # type: ignore[misc]  # "distance" is an annotation
        window = [(as_uuid(i), d) for i, d in _raw_rows(placed[offset : offset + per_page])]
        objects = {o.id: o for o in sals_by_ids([i for i, _ in window], full)}
        hits = [Hit(objects[i], d) for i, d in window if i in objects]
        total = len(window) + offset if len(window) < per_page and (window or offset == 0) else qs.count()
        return SearchPage(hits=hits, total=total, page=page, per_page=per_page)
    qs = sal_queryset(f).order_by("search_name", "id")
    hits = [Hit(o) for o in with_related(qs, full)[offset : offset + per_page]]
    return SearchPage(hits=hits, total=qs.count(), page=page, per_page=per_page)


def sals_by_ids(ids: Sequence[Any], full: bool = False) -> list[ServiceAtLocation]:
    """These service-at-locations with what the API and pages show, in the order given."""
    wanted = [as_uuid(i) for i in ids]
    found = {o.id: o for o in with_related(ServiceAtLocation.objects.filter(id__in=wanted), full)}
    return [found[i] for i in wanted if i in found]


def with_related(qs: QuerySet[ServiceAtLocation], full: bool = False) -> QuerySet[ServiceAtLocation]:
    qs = qs.select_related("service__organization", "location").prefetch_related("location__addresses")
    if full:
        qs = qs.prefetch_related(
            "contacts__phones__languages",
            "phones__languages",
            "schedules",
            "location__languages",
            "location__contacts__phones__languages",
            "location__accessibility",
            "location__phones__languages",
            "location__schedules",
        )
    return qs


def terms_for_services(service_ids: Sequence[Any]) -> dict[Any, list[TaxonomyTerm]]:
    """The needs (taxonomy terms) of each of these services, in one query."""
    found: dict[Any, list[TaxonomyTerm]] = {}
    rows = Attribute.objects.filter(link_entity=LinkEntity.SERVICE, link_id__in=list(service_ids)).select_related(
        "taxonomy_term"
    )
    for a in rows.order_by("taxonomy_term__name"):
        found.setdefault(a.link_id, []).append(a.taxonomy_term)
    return found
