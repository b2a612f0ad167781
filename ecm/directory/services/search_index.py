"""Keep the search columns of service-at-locations in step with their service and location."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ecm.directory.models import ServiceAtLocation

SEARCH_FIELDS = [
    "search_latitude",
    "search_longitude",
    "search_status",
    "search_min_age_months",
    "search_max_age_months",
    "search_is_free",
    "search_name",
]


def fill_search_columns(sal: ServiceAtLocation) -> ServiceAtLocation:
    """Copy the searched-on values onto one (saved or unsaved) service_at_location."""
    service, location = sal.service, sal.location
    sal.search_latitude = location.latitude
    sal.search_longitude = location.longitude
    sal.search_status = service.status
    sal.search_min_age_months = service.minimum_age_months
    sal.search_max_age_months = service.maximum_age_months
    sal.search_is_free = service.is_free
    sal.search_name = f"{service.name} {location.name}"[:255]
    return sal


def search_columns_refresh(*, service_ids: Iterable[Any] = (), location_ids: Iterable[Any] = ()) -> int:
    """Recompute the search columns of these services' and locations' rows (call inside the writing
    service's transaction; the audit event is that service's)."""
    service_ids, location_ids = list(service_ids), list(location_ids)
    if not service_ids and not location_ids:
        return 0
    from django.db.models import Q

    rows = list(
        ServiceAtLocation.objects.filter(
            Q(service_id__in=service_ids) | Q(location_id__in=location_ids)
        ).select_related("service", "location")
    )
    for sal in rows:
        fill_search_columns(sal)
    ServiceAtLocation.objects.bulk_update(rows, SEARCH_FIELDS, batch_size=500)
    return len(rows)
