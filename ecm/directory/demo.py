"""A realistic demo directory for Leeds (E08000035): ``seed_directory_demo(actor=...)``.

Records are built as HSDS 3.0 JSON with stable ids and loaded through the same
import service as real feeds, so running it twice changes nothing.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import uuid
from typing import Any

from ecm.core import clock
from ecm.core.actors import Actor
from ecm.directory import demo_data as data
from ecm.directory.models import Organization, Service
from ecm.directory.postcodes import DEMO_FILE

NAMESPACE = uuid.UUID("6f1c1a52-6d0e-4c0b-9e55-0e4b8a7c2d10")
LANGUAGE_NAMES = {
    "en": "English",
    "ur": "Urdu",
    "pl": "Polish",
    "ar": "Arabic",
    "pa": "Punjabi",
    "ro": "Romanian",
    "bfi": "British Sign Language",
}
AREA = {"name": "Leeds", "extent": "E08000035", "extent_type": "ONS local authority district"}


def uid(*parts: str) -> str:
    return str(uuid.uuid5(NAMESPACE, "/".join(parts)))


def _n(*parts: str) -> int:
    return int(hashlib.sha256("/".join(parts).encode()).hexdigest()[:8], 16)


def _postcodes() -> dict[str, list[tuple[str, float, float]]]:
    by_outward: dict[str, list[tuple[str, float, float]]] = {}
    with DEMO_FILE.open(newline="") as handle:
        for row in csv.DictReader(handle):
            outward = row["postcode"].split()[0]
            by_outward.setdefault(outward, []).append(
                (row["postcode"], float(row["latitude"]), float(row["longitude"]))
            )
    return by_outward


def _taxonomy() -> dict[str, Any]:
    return {
        "id": uid("taxonomy", "needs"),
        "name": "ECM needs",
        "description": "Needs of children, young people and families that services in the directory meet.",
        "version": "1.0",
    }


def _term(code: str) -> dict[str, Any]:
    _, name, plain, description = next(n for n in data.NEEDS if n[0] == code)
    taxonomy = _taxonomy()
    return {
        "id": uid("term", code),
        "code": code,
        "name": name,
        "easy_read_name": plain,
        "description": description,
        "taxonomy": taxonomy["name"],
        "taxonomy_id": taxonomy["id"],
        "language": "en",
        "taxonomy_detail": taxonomy,
    }


def _organization(key: str) -> dict[str, Any]:
    _, name, description, legal = next(o for o in data.ORGANISATIONS if o[0] == key)
    return {
        "id": uid("org", key),
        "name": name,
        "description": description,
        "email": f"info@{key}.example.org",
        "website": f"https://{key}.example.org/",
        "legal_status": legal,
    }


def _location(t: dict[str, Any], outward: str, postcodes: dict[str, list[tuple[str, float, float]]]) -> dict[str, Any]:
    place = data.PLACES[outward]
    venue = t["venue"]
    if venue == "online":
        return {
            "id": uid("location", "online", t["key"]),
            "location_type": "virtual",
            "organization_id": uid("org", t["org"]),
            "name": f"{_organization(t['org'])['name']} (phone and online)",
            "url": f"https://{t['org']}.example.org/{t['key']}",
        }
    key = f"{venue}:{outward}"
    options = postcodes[outward]
    postcode, lat, lon = options[_n(key) % len(options)]
    loc_id = uid("location", key)
    return {
        "id": loc_id,
        "location_type": "physical",
        "organization_id": uid("org", t["org"]),
        "name": data.VENUES[venue].format(place=place),
        "description": f"Community venue in {place}, Leeds.",
        "latitude": lat,
        "longitude": lon,
        "addresses": [
            {
                "id": uid("address", key),
                "location_id": loc_id,
                "address_1": f"{_n(key, 'no') % 180 + 1} {data.STREETS[_n(key) % len(data.STREETS)]}",
                "address_2": place,
                "city": "Leeds",
                "state_province": "West Yorkshire",
                "postal_code": postcode,
                "country": "GB",
                "address_type": "physical",
            }
        ],
        "accessibility": [
            {"id": uid("access", key, str(i)), "location_id": loc_id, "description": text}
            for i, text in enumerate(data.ACCESS[venue])
        ],
    }


def _service(
    t: dict[str, Any], outward: str, postcodes: dict[str, list[tuple[str, float, float]]], today: dt.date
) -> dict[str, Any]:
    key = f"{t['key']}:{outward}"
    sid = uid("service", key)
    place = data.PLACES[outward]
    location = _location(t, outward, postcodes)
    byday, opens, closes = t["schedule"]
    # Most reviewed within the year; about one in twelve is overdue, to show freshness at work.
    age_days = _n(key, "reviewed") % 330 if _n(key, "overdue") % 12 else 365 + _n(key, "late") % 90
    name = t["name"] if t["venue"] == "online" else f"{t['name']} – {place}"
    service: dict[str, Any] = {
        "id": sid,
        "organization_id": uid("org", t["org"]),
        "organization": _organization(t["org"]),
        "name": name,
        "description": t["description"],
        "easy_read_summary": t["easy"],
        "url": f"https://{t['org']}.example.org/{t['key']}",
        "email": f"{t['key']}@{t['org']}.example.org",
        "status": "active",
        "application_process": t["referral"],
        "eligibility_description": t["eligibility"],
        "minimum_age": t["min"] / 12,
        "assured_date": (today - dt.timedelta(days=age_days)).isoformat(),
        "fees_description": "Free." if not t["cost"] else f"£{t['cost']:.2f} per session; ask about help with costs.",
        "phones": [
            {
                "id": uid("phone", key),
                "service_id": sid,
                "number": f"0113 496 0{_n(key, 'tel') % 1000:03d}",
                "type": "voice",
            }
        ],
        "schedules": [
            {
                "id": uid("schedule", key),
                "service_id": sid,
                "freq": "WEEKLY",
                "wkst": "MO",
                "byday": byday,
                "opens_at": opens,
                "closes_at": closes,
                "description": f"{byday.replace(',', ', ')} {opens} to {closes}",
            }
        ],
        "service_areas": [{"id": uid("area", key), "service_id": sid, **AREA}],
        "service_at_locations": [
            {"id": uid("sal", key), "service_id": sid, "location_id": location["id"], "location": location}
        ],
        "languages": [
            {"id": uid("language", key, code), "service_id": sid, "name": LANGUAGE_NAMES[code], "code": code}
            for code in t["languages"]
        ],
        "cost_options": [
            {
                "id": uid("cost", key),
                "service_id": sid,
                "option": "Per session" if t["cost"] else "Free",
                "currency": "GBP",
                "amount": t["cost"],
            }
        ],
        "contacts": [
            {
                "id": uid("contact", key),
                "service_id": sid,
                "title": "Service coordinator",
                "email": f"{t['key']}@{t['org']}.example.org",
            }
        ],
        "attributes": [
            {
                "id": uid("attribute", key, need),
                "link_id": sid,
                "link_entity": "service",
                "link_type": "need",
                "taxonomy_term_id": uid("term", need),
                "taxonomy_term": _term(need),
            }
            for need in t["needs"]
        ],
    }
    if t["max"] is not None:
        service["maximum_age"] = t["max"] / 12
    return service


def demo_records(today: dt.date | None = None) -> list[dict[str, Any]]:
    """Every demo service as HSDS 3.0 JSON (fully nested)."""
    today = today or clock.today()
    postcodes = _postcodes()
    return [_service(t, outward, postcodes, today) for t in data.TEMPLATES for outward in t["places"]]


def seed_directory_demo(*, actor: Actor, provider: Any = None) -> int:
    """Load the Leeds demo directory; returns how many services were created (0 if already there).

    ``provider``: an accounts Organisation to link to Leeds Family Support Network, so
    its staff can try provider self-service.
    """
    from ecm.directory.services import hsds_import, organization_link_provider

    records = demo_records()
    ids = [r["id"] for r in records]
    created = 0
    if Service.objects.filter(id__in=ids).count() != len(ids):
        missing = set(ids) - {str(pk) for pk in Service.objects.filter(id__in=ids).values_list("id", flat=True)}
        created = hsds_import(
            actor=actor, records=[r for r in records if r["id"] in missing], source="demo seed"
        ).created
    if provider is not None:
        org = Organization.objects.filter(id=uid("org", "lfsn")).first()
        if org is not None and org.provider_id != provider.pk:
            organization_link_provider(actor=actor, organization=org, provider=provider)
    return created
