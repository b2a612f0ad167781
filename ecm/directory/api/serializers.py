"""Directory models → HSDS 3.0 JSON objects (the API and ``export_hsds`` share these).

Optional fields that are empty are left out rather than sent as ``null`` or ``""``:
HSDS types them as strings with formats (uri, email), so an empty value would fail
validation.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

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

Json = dict[str, Any]


def clean(data: Json, keep: Iterable[str] = ()) -> Json:
    """Drop None and empty-string values, except the keys in ``keep``."""
    kept = set(keep)
    return {k: v for k, v in data.items() if k in kept or (v is not None and v != "")}


def _s(value: Any) -> str | None:
    return None if value is None else str(value)


def _date(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _time(value: dt.time | None) -> str | None:
    return value.strftime("%H:%M") if value else None


def _datetime(value: dt.datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _number(value: Decimal | None) -> float | int | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


# Leaves --------------------------------------------------------------------
def taxonomy_json(t: Taxonomy) -> Json:
    return clean({"id": str(t.id), "name": t.name, "description": t.description, "uri": t.uri, "version": t.version})


def taxonomy_term_json(term: TaxonomyTerm, *, detail: bool = True) -> Json:
    data: Json = {
        "id": str(term.id),
        "code": term.code,
        "name": term.name,
        "description": term.description,
        "parent_id": _s(term.parent_id),
        "taxonomy": term.taxonomy.name if term.taxonomy is not None else None,
        "taxonomy_id": _s(term.taxonomy_id),
        "language": term.language,
        "term_uri": term.term_uri,
    }
    if detail and term.taxonomy_id:
        data["taxonomy_detail"] = taxonomy_json(term.taxonomy)  # type: ignore[arg-type]
    return clean(data)


def attribute_json(a: Attribute) -> Json:
    return clean(
        {
            "id": str(a.id),
            "link_id": str(a.link_id),
            "taxonomy_term_id": str(a.taxonomy_term_id),
            "link_type": a.link_type,
            "link_entity": a.link_entity,
            "value": a.value,
            "taxonomy_term": taxonomy_term_json(a.taxonomy_term),
        }
    )


def metadata_json(m: Metadata) -> Json:
    return {
        "id": str(m.id),
        "resource_id": str(m.resource_id),
        "resource_type": m.resource_type,
        "last_action_date": _datetime(m.last_action_date),
        "last_action_type": m.last_action_type,
        "field_name": m.field_name,
        "previous_value": m.previous_value,
        "replacement_value": m.replacement_value,
        "updated_by": m.updated_by,
    }


def language_json(lang: Language) -> Json:
    return clean(
        {
            "id": str(lang.id),
            "service_id": _s(lang.service_id),
            "location_id": _s(lang.location_id),
            "phone_id": _s(lang.phone_id),
            "name": lang.name,
            "code": lang.code,
            "note": lang.note,
        }
    )


def phone_json(p: Phone) -> Json:
    return clean(
        {
            "id": str(p.id),
            "location_id": _s(p.location_id),
            "service_id": _s(p.service_id),
            "organization_id": _s(p.organization_id),
            "contact_id": _s(p.contact_id),
            "service_at_location_id": _s(p.service_at_location_id),
            "number": p.number,
            "extension": p.extension,
            "type": p.type,
            "description": p.description,
            "languages": [language_json(lang) for lang in p.languages.all()],
        }
    )


def contact_json(c: Contact) -> Json:
    return clean(
        {
            "id": str(c.id),
            "organization_id": _s(c.organization_id),
            "service_id": _s(c.service_id),
            "service_at_location_id": _s(c.service_at_location_id),
            "location_id": _s(c.location_id),
            "name": c.name,
            "title": c.title,
            "department": c.department,
            "email": c.email,
            "phones": [phone_json(p) for p in c.phones.all()],
        }
    )


def schedule_json(s: Schedule) -> Json:
    return clean(
        {
            "id": str(s.id),
            "service_id": _s(s.service_id),
            "location_id": _s(s.location_id),
            "service_at_location_id": _s(s.service_at_location_id),
            "valid_from": _date(s.valid_from),
            "valid_to": _date(s.valid_to),
            "freq": s.freq,
            "wkst": s.wkst,
            "byday": s.byday,
            "opens_at": _time(s.opens_at),
            "closes_at": _time(s.closes_at),
            "description": s.description,
            "attending_type": s.attending_type,
            "notes": s.notes,
        }
    )


def cost_option_json(c: CostOption) -> Json:
    return clean(
        {
            "id": str(c.id),
            "service_id": str(c.service_id),
            "valid_from": _date(c.valid_from),
            "valid_to": _date(c.valid_to),
            "option": c.option,
            "currency": c.currency,
            "amount": _number(c.amount),
            "amount_description": c.amount_description,
        }
    )


def service_area_json(a: ServiceArea) -> Json:
    return clean(
        {
            "id": str(a.id),
            "service_id": str(a.service_id),
            "name": a.name,
            "description": a.description,
            "extent": a.extent,
            "extent_type": a.extent_type,
            "uri": a.uri,
        }
    )


def address_json(a: Address) -> Json:
    return clean(
        {
            "id": str(a.id),
            "location_id": str(a.location_id),
            "attention": a.attention,
            "address_1": a.address_1,
            "address_2": a.address_2,
            "city": a.city,
            "region": a.region,
            "state_province": a.state_province,
            "postal_code": a.postal_code,
            "country": a.country,
            "address_type": a.address_type,
        }
    )


def accessibility_json(a: Accessibility) -> Json:
    return clean(
        {
            "id": str(a.id),
            "location_id": str(a.location_id),
            "description": a.description,
            "details": a.details,
            "url": a.url,
        }
    )


# Entities -------------------------------------------------------------------
class Extras:
    """Attributes and metadata for a batch of objects, fetched in two queries."""

    def __init__(self, ids: Sequence[Any]) -> None:
        self.attributes: dict[Any, list[Attribute]] = defaultdict(list)
        self.metadata: dict[Any, list[Metadata]] = defaultdict(list)
        from ecm.directory.selectors.records import attributes_and_metadata

        attributes, metadata = attributes_and_metadata(ids)
        for a in attributes:
            self.attributes[a.link_id].append(a)
        for m in metadata:
            self.metadata[m.resource_id].append(m)

    def attrs(self, obj_id: Any) -> list[Json]:
        return [attribute_json(a) for a in self.attributes.get(obj_id, [])]

    def meta(self, obj_id: Any) -> list[Json]:
        return [metadata_json(m) for m in self.metadata.get(obj_id, [])]


def location_json(loc: Location, *, full: bool = False, extras: Extras | None = None) -> Json:
    data: Json = {
        "id": str(loc.id),
        "location_type": loc.location_type,
        "url": loc.url,
        "organization_id": _s(loc.organization_id),
        "name": loc.name,
        "alternate_name": loc.alternate_name,
        "description": loc.description,
        "transportation": loc.transportation,
        "latitude": loc.latitude,
        "longitude": loc.longitude,
        "external_identifier": loc.external_identifier,
        "external_identifier_type": loc.external_identifier_type,
    }
    if full:
        data.update(
            {
                "languages": [language_json(x) for x in loc.languages.all()],
                "addresses": [address_json(x) for x in loc.addresses.all()],
                "contacts": [contact_json(x) for x in loc.contacts.all()],
                "accessibility": [accessibility_json(x) for x in loc.accessibility.all()],
                "phones": [phone_json(x) for x in loc.phones.all()],
                "schedules": [schedule_json(x) for x in loc.schedules.all()],
                "attributes": extras.attrs(loc.id) if extras else [],
                "metadata": extras.meta(loc.id) if extras else [],
            }
        )
    return clean(data)


def organization_json(org: Organization, *, full: bool = False, extras: Extras | None = None) -> Json:
    data: Json = {
        "id": str(org.id),
        "name": org.name,
        "alternate_name": org.alternate_name,
        "description": org.description,
        "email": org.email,
        "website": org.website,
        "legal_status": org.legal_status,
        "uri": org.uri,
        "parent_organization_id": _s(org.parent_organization_id),
    }
    if full:
        data.update(
            {
                "funding": [],
                "contacts": [contact_json(x) for x in org.contacts.all()],
                "phones": [phone_json(x) for x in org.phones.all()],
                "locations": [location_json(x, full=True, extras=extras) for x in org.locations.all()],
                "programs": [],
                "organization_identifiers": [],
                "attributes": extras.attrs(org.id) if extras else [],
                "metadata": extras.meta(org.id) if extras else [],
            }
        )
    return clean(data, keep=["description"])


def service_basic_json(s: Service) -> Json:
    """The service's one-to-one fields (HSDS ``service_list``), without its organization."""
    return clean(
        {
            "id": str(s.id),
            "organization_id": str(s.organization_id),
            "name": s.name,
            "alternate_name": s.alternate_name,
            "description": s.description,
            "url": s.url,
            "email": s.email,
            "status": s.status,
            "interpretation_services": s.interpretation_services,
            "application_process": s.application_process,
            "fees_description": s.fees_description,
            "wait_time": s.wait_time,
            "accreditations": s.accreditations,
            "eligibility_description": s.eligibility_description,
            "minimum_age": s.minimum_age_years,
            "maximum_age": s.maximum_age_years,
            "assured_date": _date(s.last_reviewed_on),
            "assurer_email": s.assurer_email,
            "alert": s.alert,
            "last_modified": _datetime(s.modified_at),
        }
    )


def service_at_location_json(
    sal: ServiceAtLocation, *, full: bool = False, with_service: bool = True, extras: Extras | None = None
) -> Json:
    data: Json = {
        "id": str(sal.id),
        "service_id": str(sal.service_id),
        "location_id": str(sal.location_id),
        "description": sal.description,
        "location": location_json(sal.location, full=full, extras=extras),
    }
    if full:
        data.update(
            {
                "contacts": [contact_json(x) for x in sal.contacts.all()],
                "phones": [phone_json(x) for x in sal.phones.all()],
                "schedules": [schedule_json(x) for x in sal.schedules.all()],
                "attributes": extras.attrs(sal.id) if extras else [],
                "metadata": extras.meta(sal.id) if extras else [],
            }
        )
    if with_service:
        service = service_basic_json(sal.service)
        service["organization"] = organization_json(sal.service.organization)
        data["service"] = service
    return clean(data)


def service_json(s: Service, *, full: bool = False, extras: Extras | None = None) -> Json:
    data = service_basic_json(s)
    data["organization"] = organization_json(s.organization)
    if not full:
        return data
    data.update(
        {
            "phones": [phone_json(x) for x in s.phones.all()],
            "schedules": [schedule_json(x) for x in s.schedules.all()],
            "service_areas": [service_area_json(x) for x in s.service_areas.all()],
            "service_at_locations": [
                service_at_location_json(x, full=True, with_service=False, extras=extras)
                for x in s.service_at_locations.all()
            ],
            "languages": [language_json(x) for x in s.languages.all()],
            "funding": [],
            "cost_options": [cost_option_json(x) for x in s.cost_options.all()],
            "required_documents": [],
            "contacts": [contact_json(x) for x in s.contacts.all()],
            "attributes": extras.attrs(s.id) if extras else [],
            "metadata": extras.meta(s.id) if extras else [],
        }
    )
    return data


def service_extras(services: Sequence[Service]) -> Extras:
    """Attributes and metadata of these services and of their locations and service_at_locations."""
    ids: list[Any] = []
    for s in services:
        ids.append(s.id)
        for sal in s.service_at_locations.all():
            ids.extend([sal.id, sal.location_id])
    return Extras(ids)
