"""Reads of single directory records and simple lists (organisations, taxonomies, terms)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q, QuerySet

from ecm.core import clock
from ecm.directory.choices import ChangeStatus, LinkEntity, ReportStatus
from ecm.directory.models import (
    Attribute,
    Metadata,
    Organization,
    ProblemReport,
    Service,
    ServiceAtLocation,
    ServiceChange,
    Taxonomy,
    TaxonomyTerm,
)

REVIEW_AFTER_DAYS = 365
OUT_OF_DATE_GRACE_DAYS = 28


def review_due_date(last_reviewed_on: dt.date) -> dt.date:
    """When a service falls due for review: 12 months after it was last reviewed."""
    try:
        return last_reviewed_on.replace(year=last_reviewed_on.year + 1)
    except ValueError:  # 29 February
        return last_reviewed_on.replace(year=last_reviewed_on.year + 1, day=28)


def is_out_of_date(service: Service, today: dt.date | None = None) -> bool:
    """Not reviewed for 12 months and not put right within the reminders' 28 days."""
    today = today or clock.today()
    return today >= review_due_date(service.last_reviewed_on) + dt.timedelta(days=OUT_OF_DATE_GRACE_DAYS)


def services_full() -> QuerySet[Service]:
    """Services with everything HSDS nests under them, prefetched."""
    sal_qs = ServiceAtLocation.objects.select_related("location").prefetch_related(
        "contacts__phones__languages",
        "phones__languages",
        "schedules",
        "location__languages",
        "location__addresses",
        "location__contacts__phones__languages",
        "location__accessibility",
        "location__phones__languages",
        "location__schedules",
    )
    return Service.objects.select_related("organization").prefetch_related(
        "phones__languages",
        "schedules",
        "service_areas",
        Prefetch("service_at_locations", queryset=sal_qs),
        "languages",
        "cost_options",
        "contacts__phones__languages",
    )


def services_by_ids(ids: Any, *, full: bool = False) -> list[Service]:
    """These services, in the order given (full: everything HSDS nests, prefetched)."""
    qs = services_full() if full else Service.objects.select_related("organization")
    found = {s.id: s for s in qs.filter(id__in=list(ids))}
    return [found[i] for i in ids if i in found]


def services_of_organization(org: Organization, *, full: bool = False) -> list[Service]:
    qs = services_full() if full else Service.objects.select_related("organization")
    return list(qs.filter(organization=org).order_by("name", "id"))


def attributes_and_metadata(ids: Any) -> tuple[list[Attribute], list[Metadata]]:
    """HSDS attributes (with their terms) and metadata rows of these objects, in two queries."""
    if not ids:
        return [], []
    attributes = list(
        Attribute.objects.filter(link_id__in=list(ids))
        .select_related("taxonomy_term__taxonomy")
        .order_by("taxonomy_term__name")
    )
    metadata = list(Metadata.objects.filter(resource_id__in=list(ids)).order_by("last_action_date", "field_name"))
    return attributes, metadata


def service_by_id(service_id: Any, *, full: bool = True) -> Service | None:
    qs = services_full() if full else Service.objects.select_related("organization")
    try:
        return qs.filter(pk=service_id).first()
    except (ValueError, TypeError, ValidationError):
        return None


def sal_by_id(sal_id: Any) -> ServiceAtLocation | None:
    from ecm.directory.selectors.search import with_related

    try:
        return with_related(ServiceAtLocation.objects.filter(pk=sal_id), full=True).first()
    except (ValueError, TypeError, ValidationError):
        return None


def organizations(search: str = "", *, full: bool = False) -> QuerySet[Organization]:
    qs = organizations_full() if full else Organization.objects.all()
    if search:
        qs = qs.filter(Q(name__icontains=search) | Q(description__icontains=search))
    return qs.order_by("name", "id")


def organizations_full() -> QuerySet[Organization]:
    return Organization.objects.prefetch_related(
        "contacts__phones__languages",
        "phones__languages",
        "locations__languages",
        "locations__addresses",
        "locations__contacts__phones__languages",
        "locations__accessibility",
        "locations__phones__languages",
        "locations__schedules",
    )


def organization_by_id(org_id: Any) -> Organization | None:
    try:
        return organizations_full().filter(pk=org_id).first()
    except (ValueError, TypeError, ValidationError):
        return None


def taxonomies(search: str = "") -> QuerySet[Taxonomy]:
    qs = Taxonomy.objects.all()
    if search:
        qs = qs.filter(name__icontains=search)
    return qs.order_by("name", "id")


def taxonomy_by_id(taxonomy_id: Any) -> Taxonomy | None:
    try:
        return Taxonomy.objects.filter(pk=taxonomy_id).first()
    except (ValueError, TypeError, ValidationError):
        return None


def taxonomy_terms(
    search: str = "", taxonomy_id: str = "", parent_id: str = "", top_only: bool = False
) -> QuerySet[TaxonomyTerm]:
    qs = TaxonomyTerm.objects.select_related("taxonomy")
    if search:
        qs = qs.filter(Q(name__icontains=search) | Q(description__icontains=search))
    if taxonomy_id:
        qs = qs.filter(taxonomy_id=taxonomy_id)
    if parent_id:
        qs = qs.filter(parent_id=parent_id)  # type: ignore[misc]
    if top_only:
        qs = qs.filter(parent__isnull=True)
    return qs.order_by("name", "id")


def taxonomy_term_by_id(term_id: Any) -> TaxonomyTerm | None:
    try:
        return TaxonomyTerm.objects.select_related("taxonomy").filter(pk=term_id).first()
    except (ValueError, TypeError, ValidationError):
        return None


def need_terms() -> list[TaxonomyTerm]:
    """The needs used to tag services, for the search filters (only those in use)."""
    used = Attribute.objects.filter(link_entity=LinkEntity.SERVICE).values("taxonomy_term_id")
    return list(TaxonomyTerm.objects.filter(id__in=used).order_by("name"))


def service_languages() -> list[tuple[str, str]]:
    """(code, name) of every language a service offers, for the search filter."""
    from ecm.directory.models import Language

    rows = Language.objects.filter(service__isnull=False).exclude(code="").values_list("code", "name").distinct()
    return sorted(set(rows), key=lambda pair: pair[1])


def service_metadata(service: Service) -> QuerySet[Metadata]:
    return Metadata.objects.filter(resource_id=service.id).order_by("-last_action_date", "field_name")


def services_for_provider(*, organisation: Any) -> QuerySet[Service]:
    """The services an accounts organisation's staff may propose changes to."""
    if organisation is None:
        return Service.objects.none()
    return Service.objects.filter(organization__provider=organisation).select_related("organization").order_by("name")


def pending_changes() -> QuerySet[ServiceChange]:
    return ServiceChange.objects.filter(status=ChangeStatus.PENDING).select_related(
        "service__organization", "submitted_by"
    )


def changes_for_service(service: Service) -> QuerySet[ServiceChange]:
    return ServiceChange.objects.filter(service=service).select_related("submitted_by", "reviewed_by")


def open_problem_reports() -> QuerySet[ProblemReport]:
    return ProblemReport.objects.filter(status=ReportStatus.OPEN).select_related("service")


def services_due_for_review(today: dt.date) -> QuerySet[Service]:
    """Services last reviewed 12 months or more before ``today`` (and not defunct)."""
    cutoff = review_due_date_inverse(today)
    return (
        Service.objects.filter(last_reviewed_on__lte=cutoff)
        .exclude(status="defunct")
        .select_related("organization__provider")
    )


def review_due_date_inverse(today: dt.date) -> dt.date:
    """The latest last-reviewed date whose review is due by ``today``."""
    try:
        return today.replace(year=today.year - 1)
    except ValueError:
        return today.replace(year=today.year - 1, day=28)


def known_ids() -> tuple[set[str], set[str]]:
    """Ids of the organizations and taxonomy terms already in the directory (for import checks)."""
    orgs = {str(pk) for pk in Organization.objects.values_list("pk", flat=True)}
    terms = {str(pk) for pk in TaxonomyTerm.objects.values_list("pk", flat=True)}
    return orgs, terms
