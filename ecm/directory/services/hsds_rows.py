"""HSDS 3.0 JSON → unsaved directory rows, collected in a batch for ``importing.hsds_import``.

Nothing here writes: the builders only create model instances and stamp them.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import models

from ecm.core import clock
from ecm.core.actors import Actor
from ecm.directory.choices import LinkEntity
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


def fill_search_columns(sal: ServiceAtLocation) -> ServiceAtLocation:
    from ecm.directory.services.search_index import fill_search_columns as fill

    return fill(sal)


def _date(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def _time(value: Any) -> dt.time | None:
    try:
        return dt.time.fromisoformat(str(value)[:8]) if value else None
    except ValueError:
        return None


def _datetime(value: Any) -> dt.datetime:
    try:
        return dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return clock.now()


def _decimal(value: Any) -> Decimal | None:
    try:
        return None if value is None or value == "" else Decimal(str(value))
    except InvalidOperation:
        return None


def _months(value: Any) -> int | None:
    return None if value is None or value == "" else max(0, round(float(value) * 12))


def _text(data: Json, key: str) -> str:
    value = data.get(key)
    return "" if value is None else str(value)


@dataclass
class Batch:
    """Rows to write, collected per model, and ids already in the database."""

    actor: Actor
    new: dict[type[models.Model], list[models.Model]] = field(default_factory=lambda: defaultdict(list))
    changed: dict[type[models.Model], list[models.Model]] = field(default_factory=lambda: defaultdict(list))
    seen: set[tuple[type[models.Model], str]] = field(default_factory=set)
    existing: dict[type[models.Model], set[str]] = field(default_factory=dict)

    def add(self, obj: Any, *, upsert: bool = False) -> Any:
        model = type(obj)
        key = (model, str(obj.id))
        if key in self.seen:
            return obj
        self.seen.add(key)
        is_existing = upsert and str(obj.id) in self.existing.get(model, set())
        obj.stamp(self.actor, creating=not is_existing)
        (self.changed if is_existing else self.new)[model].append(obj)
        return obj


def _phone(b: Batch, d: Json, **links: Any) -> None:
    phone = b.add(
        Phone(
            id=d["id"],
            number=_text(d, "number"),
            extension=d.get("extension"),
            type=_text(d, "type"),
            description=_text(d, "description"),
            **links,
        )
    )
    for lang in d.get("languages") or []:
        _language(b, lang, phone_id=phone.id)


def _language(b: Batch, d: Json, **links: Any) -> None:
    b.add(Language(id=d["id"], name=_text(d, "name"), code=_text(d, "code"), note=_text(d, "note"), **links))


def _contact(b: Batch, d: Json, **links: Any) -> None:
    contact = b.add(
        Contact(
            id=d["id"],
            name=_text(d, "name"),
            title=_text(d, "title"),
            department=_text(d, "department"),
            email=_text(d, "email"),
            **links,
        )
    )
    for p in d.get("phones") or []:
        _phone(b, p, contact_id=contact.id)


def _schedule(b: Batch, d: Json, **links: Any) -> None:
    b.add(
        Schedule(
            id=d["id"],
            valid_from=_date(d.get("valid_from")),
            valid_to=_date(d.get("valid_to")),
            freq=d.get("freq") or "WEEKLY",
            wkst=d.get("wkst") or "MO",
            byday=_text(d, "byday"),
            opens_at=_time(d.get("opens_at")),
            closes_at=_time(d.get("closes_at")),
            description=_text(d, "description"),
            attending_type=_text(d, "attending_type"),
            notes=_text(d, "notes"),
            **links,
        )
    )


def _metadata(b: Batch, d: Json, resource_id: Any, resource_type: str) -> None:
    b.add(
        Metadata(
            id=d["id"],
            resource_id=d.get("resource_id") or resource_id,
            resource_type=d.get("resource_type") or resource_type,
            last_action_date=_datetime(d.get("last_action_date")),
            last_action_type=_text(d, "last_action_type"),
            field_name=_text(d, "field_name"),
            previous_value=_text(d, "previous_value"),
            replacement_value=_text(d, "replacement_value"),
            updated_by=_text(d, "updated_by"),
        )
    )


def _term(b: Batch, d: Json) -> None:
    taxonomy = d.get("taxonomy_detail")
    if isinstance(taxonomy, dict):
        b.add(
            Taxonomy(
                id=taxonomy["id"],
                name=_text(taxonomy, "name"),
                description=_text(taxonomy, "description"),
                uri=_text(taxonomy, "uri"),
                version=_text(taxonomy, "version"),
            ),
            upsert=True,
        )
    b.add(
        TaxonomyTerm(
            id=d["id"],
            taxonomy_id=d.get("taxonomy_id") or (taxonomy or {}).get("id"),
            code=_text(d, "code"),
            name=_text(d, "name"),
            easy_read_name=_text(d, "easy_read_name"),  # our extension: the families' wording
            description=_text(d, "description"),
            parent_id=d.get("parent_id"),
            language=_text(d, "language"),
            term_uri=_text(d, "term_uri"),
        ),
        upsert=True,
    )


def _attributes(b: Batch, items: list[Json], link_id: Any, entity: str) -> None:
    for a in items or []:
        if isinstance(a.get("taxonomy_term"), dict):
            _term(b, a["taxonomy_term"])
        b.add(
            Attribute(
                id=a["id"],
                link_id=link_id,
                link_entity=a.get("link_entity") or entity,
                link_type=_text(a, "link_type"),
                taxonomy_term_id=a.get("taxonomy_term_id") or a["taxonomy_term"]["id"],
                value=_text(a, "value"),
            )
        )


def _location(b: Batch, d: Json) -> Location:
    loc = b.add(
        Location(
            id=d["id"],
            organization_id=d.get("organization_id"),
            location_type=d.get("location_type") or "physical",
            url=_text(d, "url"),
            name=_text(d, "name"),
            alternate_name=_text(d, "alternate_name"),
            description=_text(d, "description"),
            transportation=_text(d, "transportation"),
            latitude=d.get("latitude"),
            longitude=d.get("longitude"),
            external_identifier=_text(d, "external_identifier"),
            external_identifier_type=_text(d, "external_identifier_type"),
        ),
        upsert=True,
    )
    for a in d.get("addresses") or []:
        b.add(
            Address(
                id=a["id"],
                location_id=loc.id,
                attention=_text(a, "attention"),
                address_1=_text(a, "address_1"),
                address_2=_text(a, "address_2"),
                city=_text(a, "city"),
                region=_text(a, "region"),
                state_province=_text(a, "state_province"),
                postal_code=_text(a, "postal_code"),
                country=_text(a, "country") or "GB",
                address_type=a.get("address_type") or "physical",
            )
        )
    for a in d.get("accessibility") or []:
        b.add(
            Accessibility(
                id=a["id"],
                location_id=loc.id,
                description=_text(a, "description"),
                details=_text(a, "details"),
                url=_text(a, "url"),
            )
        )
    for x in d.get("languages") or []:
        _language(b, x, location_id=loc.id)
    for x in d.get("phones") or []:
        _phone(b, x, location_id=loc.id)
    for x in d.get("contacts") or []:
        _contact(b, x, location_id=loc.id)
    for x in d.get("schedules") or []:
        _schedule(b, x, location_id=loc.id)
    _attributes(b, d.get("attributes") or [], loc.id, LinkEntity.LOCATION)
    for m in d.get("metadata") or []:
        _metadata(b, m, loc.id, "location")
    return loc


def service_rows(b: Batch, d: Json) -> None:
    org = d.get("organization")
    if isinstance(org, dict):
        b.add(
            Organization(
                id=org["id"],
                name=_text(org, "name"),
                alternate_name=_text(org, "alternate_name"),
                description=_text(org, "description"),
                email=_text(org, "email"),
                website=_text(org, "website"),
                legal_status=_text(org, "legal_status"),
                uri=_text(org, "uri"),
            ),
            upsert=True,
        )
    costs = d.get("cost_options") or []
    service = b.add(
        Service(
            id=d["id"],
            organization_id=d.get("organization_id") or org["id"],  # type: ignore[index]
            name=_text(d, "name"),
            alternate_name=_text(d, "alternate_name"),
            description=_text(d, "description"),
            url=_text(d, "url"),
            email=_text(d, "email"),
            status=d.get("status") or "active",
            interpretation_services=_text(d, "interpretation_services"),
            application_process=_text(d, "application_process"),
            fees_description=_text(d, "fees_description"),
            wait_time=_text(d, "wait_time"),
            accreditations=_text(d, "accreditations"),
            eligibility_description=_text(d, "eligibility_description"),
            minimum_age_months=_months(d.get("minimum_age")) or 0,
            maximum_age_months=_months(d.get("maximum_age")),
            assurer_email=_text(d, "assurer_email"),
            alert=_text(d, "alert"),
            is_free=not any((_decimal(c.get("amount")) or 0) > 0 for c in costs),
            last_reviewed_on=_date(d.get("assured_date")) or clock.today(),
        ),
        upsert=True,
    )
    if d.get("easy_read_summary"):  # our own extension, kept on round trips
        service.easy_read_summary = str(d["easy_read_summary"])
    for sal in d.get("service_at_locations") or []:
        location = _location(b, sal["location"])
        row = ServiceAtLocation(id=sal["id"], service=service, location=location, description=_text(sal, "description"))
        b.add(fill_search_columns(row))
        for x in sal.get("contacts") or []:
            _contact(b, x, service_at_location_id=sal["id"])
        for x in sal.get("phones") or []:
            _phone(b, x, service_at_location_id=sal["id"])
        for x in sal.get("schedules") or []:
            _schedule(b, x, service_at_location_id=sal["id"])
        _attributes(b, sal.get("attributes") or [], sal["id"], "service_at_location")
    for x in d.get("phones") or []:
        _phone(b, x, service_id=service.id)
    for x in d.get("schedules") or []:
        _schedule(b, x, service_id=service.id)
    for x in d.get("languages") or []:
        _language(b, x, service_id=service.id)
    for x in d.get("contacts") or []:
        _contact(b, x, service_id=service.id)
    for c in costs:
        b.add(
            CostOption(
                id=c["id"],
                service_id=service.id,
                valid_from=_date(c.get("valid_from")),
                valid_to=_date(c.get("valid_to")),
                option=_text(c, "option"),
                currency=_text(c, "currency") or "GBP",
                amount=_decimal(c.get("amount")),
                amount_description=_text(c, "amount_description"),
            )
        )
    for a in d.get("service_areas") or []:
        b.add(
            ServiceArea(
                id=a["id"],
                service_id=service.id,
                name=_text(a, "name"),
                description=_text(a, "description"),
                extent=_text(a, "extent"),
                extent_type=_text(a, "extent_type"),
                uri=_text(a, "uri"),
            )
        )
    _attributes(b, d.get("attributes") or [], service.id, LinkEntity.SERVICE)
    for m in d.get("metadata") or []:
        _metadata(b, m, service.id, "service")
