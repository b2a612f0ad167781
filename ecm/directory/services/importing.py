"""Loading HSDS 3.0 service records into the directory (imports, the demo seed, the benchmark).

Records are upserted by their HSDS ``id``: an existing service keeps its id, its
changes and reports, and has its nested details replaced by the file's. Rows are
written in bulk; one audit event records the whole import.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import models, transaction

from ecm.audit.services import audit_record
from ecm.core.actors import Actor
from ecm.directory.models import (
    Accessibility,
    Address,
    Attribute,
    Contact,
    CostOption,
    Language,
    Location,
    Metadata,
    Organization,
    Phone,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
)
from ecm.directory.services.hsds_rows import Batch, service_rows
from ecm.directory.services.search_index import search_columns_refresh

Json = dict[str, Any]


UPSERT_FIELDS = {
    Organization: ["name", "alternate_name", "description", "email", "website", "legal_status", "uri"],
    Taxonomy: ["name", "description", "uri", "version"],
    TaxonomyTerm: ["taxonomy", "code", "name", "easy_read_name", "description", "parent", "language", "term_uri"],
    Location: [
        "organization",
        "location_type",
        "url",
        "name",
        "alternate_name",
        "description",
        "transportation",
        "latitude",
        "longitude",
        "external_identifier",
        "external_identifier_type",
    ],
    Service: [
        "organization",
        "name",
        "alternate_name",
        "description",
        "url",
        "email",
        "status",
        "interpretation_services",
        "application_process",
        "fees_description",
        "wait_time",
        "accreditations",
        "eligibility_description",
        "minimum_age_months",
        "maximum_age_months",
        "assurer_email",
        "alert",
        "is_free",
        "last_reviewed_on",
        "easy_read_summary",
    ],
}
STAMP_FIELDS = ["modified_at", "modified_by", "modified_by_label"]
# Children are replaced wholesale, in this order (parents before children).
CHILD_ORDER = [
    ServiceAtLocation,
    Contact,
    Phone,
    Language,
    Schedule,
    CostOption,
    ServiceArea,
    Address,
    Accessibility,
    Attribute,
    Metadata,
]


@dataclass
class ImportResult:
    created: int
    updated: int


def _clear_children(service_ids: list[str], location_ids: list[str]) -> None:
    """Remove the nested details of services and locations being replaced."""
    sal_ids = list(ServiceAtLocation.objects.filter(service_id__in=service_ids).values_list("id", flat=True))
    for model in (Contact, Phone, Language, Schedule):
        names = {f.name for f in model._meta.get_fields()}
        owners = models.Q(service_id__in=service_ids) | models.Q(location_id__in=location_ids)
        if "service_at_location" in names:
            owners |= models.Q(service_at_location_id__in=sal_ids)
        model.objects.filter(owners).delete()  # type: ignore[attr-defined]
    CostOption.objects.filter(service_id__in=service_ids).delete()
    ServiceArea.objects.filter(service_id__in=service_ids).delete()
    Address.objects.filter(location_id__in=location_ids).delete()
    Accessibility.objects.filter(location_id__in=location_ids).delete()
    Attribute.objects.filter(link_id__in=[*service_ids, *location_ids, *sal_ids]).delete()
    ServiceAtLocation.objects.filter(id__in=sal_ids).delete()


def _existing_ids(model: type[models.Model], ids: list[Any]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        found.update(str(pk) for pk in model.objects.filter(pk__in=chunk).values_list("pk", flat=True))  # type: ignore[attr-defined]
    return found


@transaction.atomic
def hsds_import(*, actor: Actor, records: list[Json], source: str = "") -> ImportResult:
    """Upsert validated HSDS service records (see ``hsds_io.validate_records``) in one transaction."""
    batch = Batch(actor=actor)
    model: Any  # each entity's model class in turn
    for model in (Service, Organization, Location, Taxonomy, TaxonomyTerm):
        batch.existing[model] = {str(pk) for pk in model.objects.values_list("pk", flat=True)}  # type: ignore[attr-defined]
    for record in records:
        service_rows(batch, record)
    service_ids = [str(s.pk) for s in batch.changed.get(Service, [])]
    location_ids = [str(loc.pk) for loc in batch.changed.get(Location, [])]
    _clear_children(service_ids, location_ids)
    for model in (Organization, Taxonomy, TaxonomyTerm, Location, Service):
        if batch.new.get(model):
            model.objects.bulk_create(batch.new[model], batch_size=500)  # type: ignore[attr-defined]
        if batch.changed.get(model):
            model.objects.bulk_update(batch.changed[model], UPSERT_FIELDS[model] + STAMP_FIELDS, batch_size=500)  # type: ignore[attr-defined]
    replacing = any(batch.changed.values())
    for model in CHILD_ORDER:
        rows = batch.new.get(model, [])
        if replacing:  # rows of entities not being replaced stay as they are
            already = _existing_ids(model, [o.pk for o in rows])
            rows = [o for o in rows if str(o.pk) not in already]
        model.objects.bulk_create(rows, batch_size=500)  # type: ignore[attr-defined]
    search_columns_refresh(service_ids=service_ids, location_ids=location_ids)
    created = len(batch.new.get(Service, []))
    updated = len(service_ids)
    audit_record(
        actor=actor,
        action="directory.import",
        object_type="directory.service",
        reason=source,
        data={"created": created, "updated": updated, "source": source},
    )
    return ImportResult(created=created, updated=updated)
