"""Reads for location pages and the provider links: which services sit together at a place.

An *integrated service* (DOMAIN section 8) is a place where several services from
different organisations work side by side (a children's centre, an extended school).
The directory does not store it as a separate entity: it is read off the HSDS
``service_at_location`` rows of one location.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet

from ecm.directory.choices import ServiceStatus
from ecm.directory.models import Location, Organization, ServiceAtLocation

# Statuses people-facing pages show (the API lists every status).
SHOWN_STATUSES = (ServiceStatus.ACTIVE, ServiceStatus.TEMPORARILY_CLOSED)


@dataclass
class Place:
    """One location with the services delivered there, and whether it is an integrated service."""

    location: Location
    sals: list[ServiceAtLocation] = field(default_factory=list)

    @property
    def organizations(self) -> list[Organization]:
        seen: dict[Any, Organization] = {}
        for sal in self.sals:
            seen.setdefault(sal.service.organization_id, sal.service.organization)
        return sorted(seen.values(), key=lambda o: o.name)

    @property
    def is_integrated(self) -> bool:
        """Several services from more than one organisation sit together here."""
        return len(self.sals) > 1 and len(self.organizations) > 1


def location_by_id(location_id: Any) -> Location | None:
    try:
        return Location.objects.prefetch_related("addresses", "accessibility").filter(pk=location_id).first()
    except (ValueError, TypeError, ValidationError):
        return None


def place(location: Location) -> Place:
    """The location and every shown service at it, by name."""
    sals = (
        ServiceAtLocation.objects.filter(location=location, service__status__in=SHOWN_STATUSES)
        .select_related("service__organization")
        .order_by("service__name", "service_id")
    )
    return Place(location=location, sals=list(sals))


def integrated_location_ids(location_ids: Any) -> set[Any]:
    """Which of these locations are integrated services (one aggregate query, for result lists)."""
    ids = [i for i in location_ids if i]
    if not ids:
        return set()
    rows = (
        ServiceAtLocation.objects.filter(location_id__in=ids, service__status__in=SHOWN_STATUSES)
        .values("location_id")
        .annotate(services=Count("service_id", distinct=True), orgs=Count("service__organization_id", distinct=True))
        .filter(services__gt=1, orgs__gt=1)
    )
    return {row["location_id"] for row in rows}


def organizations_with_providers(search: str = "", *, unlinked_only: bool = False) -> QuerySet[Organization]:
    """Directory organisations with the accounts organisation each is linked to (if any)."""
    qs = Organization.objects.select_related("provider").annotate(service_count=Count("services"))
    if search:
        qs = qs.filter(Q(name__icontains=search) | Q(provider__name__icontains=search))
    if unlinked_only:
        qs = qs.filter(provider__isnull=True)
    return qs.order_by("name", "id")
