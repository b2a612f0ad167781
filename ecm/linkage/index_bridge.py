"""The only place record linkage touches the child index, through clearly named functions.

Children are created and changed through ``ecm.index.services`` (``child_create_many``,
``child_update``, ``carer_add``, ``involvement_add``), which validate and audit.
Survivorship: a child's current name and address come from the most recent record of the
most trusted source that has them (the index services keep the old ones as history); the
school and GP practice from the best record whose URN / ODS code names an organisation on
ECM; the parents named in any record become the child's carers; each record's involvement
columns become an involvement of the sending service.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.db.models import Q

from ecm.accounts.choices import OrganisationType
from ecm.accounts.models import Organisation, User
from ecm.core.actors import Actor
from ecm.index.choices import SENSITIVE_CATEGORIES, CarerRelationship, Gender, ServiceCategory
from ecm.index.models import Child
from ecm.index.services import (
    IndexRuleError,
    bulk_connection_prepare,
    carer_add,
    child_create_many,
    child_update,
    involvement_add,
)
from ecm.linkage.matching.features import normalise_name
from ecm.linkage.models import StagedRecord

SCHOOL, GP = OrganisationType.SCHOOL.value, OrganisationType.GP_PRACTICE.value
KNOWN_SEXES = frozenset(Gender.values) - {Gender.UNKNOWN.value}
Organisations = dict[tuple[str, str], Organisation]  # (organisation type, code) -> organisation
__all__ = ["bulk_connection_prepare"]  # readies a bulk command's connection (``ecm.index.bulk``)


def surviving_child(child: Child) -> Child:
    """The child a record now belongs to: follows ``merged_into`` to the survivor."""
    seen = set()
    while child.merged_into_id is not None and child.pk not in seen:
        seen.add(child.pk)
        child = child.merged_into  # type: ignore[assignment]
    return child


def _rank(record: StagedRecord) -> tuple[int, float, int]:
    return (record.source.trust_rank, -record.delivery.started_at.timestamp(), -record.line_number)


def organisations_for(records: Iterable[StagedRecord]) -> Organisations:
    """The schools and GP practices the records name (by URN / ODS code) that exist on ECM: one query."""
    records = list(records)
    schools = {r.school_urn for r in records if r.school_urn}
    practices = {r.gp_practice_code for r in records if r.gp_practice_code}
    if not schools and not practices:
        return {}
    rows = Organisation.objects.filter(
        Q(organisation_type=SCHOOL, code__in=schools) | Q(organisation_type=GP, code__in=practices)
    )
    return {(o.organisation_type, o.code): o for o in rows}


def split_parent_name(full_name: str) -> tuple[str, str] | None:
    """``"Sara Khan"`` -> ``("Sara", "Khan")``; a single word is not enough for a carer (``None``)."""
    parts = full_name.split()
    if len(parts) < 2:
        return None
    return " ".join(parts[:-1])[:35], parts[-1][:35]


def carers_from(records: Sequence[StagedRecord]) -> list[dict[str, Any]]:
    """The parents named in the records (best-ranked spelling first), once each, as carer details."""
    carers: dict[str, dict[str, Any]] = {}
    for record in records:
        for full_name in (record.parent_1_name, record.parent_2_name):
            split = split_parent_name(full_name or "")
            if not split:
                continue  # the key is worked out only for a name that makes a carer (many records lack a second parent)
            key = normalise_name(full_name)
            if key not in carers:
                carers[key] = {
                    "given_name": split[0],
                    "family_name": split[1],
                    "relationship": CarerRelationship.PARENT,
                    "has_parental_responsibility": True,
                }
    return list(carers.values())


def survivorship_values(records: Iterable[StagedRecord], organisations: Organisations | None = None) -> dict[str, Any]:
    """The child's details from its records: each from the best-ranked record that has it.

    Ranked by source trust (most trusted first), then the most recent delivery. The name
    (given, middle, family) comes from one record and the address from one record, never
    mixed from several. ``carers`` lists every parent named in any record.
    """
    ranked = list(records)
    if len(ranked) > 1:  # most new children have one record, which needs no rank
        ranked.sort(key=_rank)
    values: dict[str, Any] = {}
    name = next((r for r in ranked if r.family_name), None)
    if name is not None:
        values.update(given_name=name.given_name, middle_names=name.middle_names, family_name=name.family_name)
    address = next((r for r in ranked if r.postcode and r.address_line_1), None)
    if address is not None:
        values["address"] = {
            "address_line_1": address.address_line_1,
            "address_line_2": address.address_line_2,
            "town": address.town,
            "postcode": address.postcode,
        }
    for field, column in (("date_of_birth", "date_of_birth"), ("nhs_number", "nhs_number"), ("upn", "upn")):
        found = next((getattr(r, column) for r in ranked if getattr(r, column)), None)
        if found:
            values[field] = found
    sex = next((r.sex for r in ranked if r.sex in KNOWN_SEXES), "")
    values["gender"] = sex or Gender.UNKNOWN
    if organisations is None:
        organisations = organisations_for(ranked)
    for field, kind, column in (("school", SCHOOL, "school_urn"), ("gp_practice", GP, "gp_practice_code")):
        keys = ((kind, getattr(r, column)) for r in ranked)
        found_org = next((organisations[key] for key in keys if key in organisations), None)
        if found_org is not None:
            values[field] = found_org
    values["carers"] = carers_from(ranked)
    return values


def _child_row(values: dict[str, Any]) -> dict[str, Any]:
    """``child_create_many``'s row for one child's survivorship values."""
    row = {
        "given_name": values["given_name"],
        "middle_names": values["middle_names"],
        "family_name": values["family_name"],
        "date_of_birth": values["date_of_birth"],
        "gender": values["gender"],
        "address": values.get("address"),
        "nhs_number": values.get("nhs_number", ""),
        "unique_pupil_number": values.get("upn", ""),
        "carers": values["carers"],
    }
    for field in ("school", "gp_practice"):
        if values.get(field) is not None:
            row[field] = values[field]
    return row


def index_children_create_from_records(*, actor: Actor, groups: Sequence[Sequence[StagedRecord]]) -> list[Child | None]:
    """Put one new child per group of records on the index in one bulk call; ``None`` for a group
    that lacks a family name or a date of birth (it cannot be a child yet)."""
    organisations = organisations_for(r for group in groups for r in group)
    rows: list[dict[str, Any]] = []
    positions: list[int] = []
    for n, records in enumerate(groups):
        values = survivorship_values(records, organisations)
        if values.get("family_name") and values.get("date_of_birth"):
            rows.append(_child_row(values))
            positions.append(n)
    created = child_create_many(actor=actor, rows=rows)
    out: list[Child | None] = [None] * len(groups)
    for n, child in zip(positions, created, strict=True):
        out[n] = child
    return out


def index_child_create_from_records(*, actor: Actor, records: Sequence[StagedRecord]) -> Child | None:
    """Put a new child on the index from its records; ``None`` when they lack a family name or date of birth."""
    return index_children_create_from_records(actor=actor, groups=[records])[0]


def child_records(child: Child) -> list[StagedRecord]:
    """Every staged record of the child and of the records merged into it."""
    ids = [child.pk, *Child.objects.filter(merged_into=child).values_list("pk", flat=True)]
    return list(StagedRecord.objects.filter(child_id__in=ids).select_related("source", "delivery"))


def index_child_apply_survivorship(*, actor: Actor, child: Child) -> Child:
    """Bring the child's name, address, school, GP, missing identifiers and carers in line with its records."""
    values = survivorship_values(child_records(child))
    changes: dict[str, Any] = {}
    if values.get("family_name"):
        for field in ("given_name", "middle_names", "family_name"):
            if getattr(child, field) != values[field]:
                changes[field] = values[field]
    if values.get("nhs_number") and not child.nhs_number:
        changes["nhs_number"] = values["nhs_number"]
    if values.get("upn") and not child.unique_pupil_number:
        changes["unique_pupil_number"] = values["upn"]
    for field in ("school", "gp_practice"):
        if values.get(field) is not None and getattr(child, f"{field}_id") != values[field].pk:
            changes[field] = values[field]
    address = values.get("address")
    current = child.current_address if address else None
    if address and (
        current is None
        or (current.postcode_norm, current.address_line_1) != (address["postcode"], address["address_line_1"])
    ):
        changes["address"] = address
    if changes:
        child = child_update(actor=actor, child=child, **changes)
    have = {normalise_name(f"{c.given_name} {c.family_name}") for c in child.carers.all()}
    for carer in values["carers"]:
        if normalise_name(f"{carer['given_name']} {carer['family_name']}") not in have:
            carer_add(actor=actor, child=child, **carer)
    return child


# Involvements from feeds ---------------------------------------------------------------------


def _practitioner(organisation: Organisation, who: str) -> User | None:
    """The organisation's practitioner named by username or email."""
    if not who:
        return None
    return (
        User.objects.filter(organisation=organisation)
        .filter(Q(username__iexact=who) | Q(email__iexact=who))
        .order_by("username")
        .first()
    )


def _involvement_problem(actor: Actor, child: Child, record: StagedRecord) -> str:
    """Add the record's involvement to the child; the reason it was set aside, or ``""``."""
    data = record.involvement
    service = data.get("involvement_service", "")
    code = data.get("involvement_organisation", "")
    category = (data.get("involvement_category") or ServiceCategory.OTHER).lower()
    organisation = Organisation.objects.filter(code=code).first() if code else None
    if organisation is None:
        return f"involvement set aside: no organisation with code '{code}' on ECM."
    practitioner = _practitioner(organisation, data.get("involvement_practitioner", ""))
    if practitioner is None:
        return f"involvement set aside: no practitioner '{data.get('involvement_practitioner', '')}' at {code}."
    if category not in ServiceCategory.values:
        return f"involvement set aside: '{category}' is not a service category."
    started = data.get("involvement_started_on")
    started_on = dt.date.fromisoformat(started) if started else None
    exists = child.involvements.filter(
        organisation=organisation, practitioner=practitioner, service=service.strip(), ended_on__isnull=True
    ).exists()
    if exists:
        return ""
    try:
        involvement_add(
            actor=actor,
            child=child,
            practitioner=practitioner,
            organisation=organisation,
            service=service,
            service_category=category,
            started_on=started_on,
            sensitive_basis=data.get("involvement_sensitive_basis", "") if category in SENSITIVE_CATEGORIES else "",
        )
    except IndexRuleError as error:
        return f"involvement set aside: {error}"
    return ""


def index_involvements_from_records(*, actor: Actor, child: Child, records: Iterable[StagedRecord]) -> int:
    """Add each record's involvement (its involvement columns) to the child; returns how many were set aside.

    A record whose organisation or practitioner is not on ECM, or whose sensitive service
    has no basis, keeps the reason in its warnings. An involvement already open is not added twice.
    """
    set_aside = 0
    for record in records:
        if not record.involvement.get("involvement_service"):
            continue
        problem = _involvement_problem(actor, child, record)
        if problem:
            set_aside += 1
            if problem not in record.warnings:
                record.warnings = [*record.warnings, problem]
                StagedRecord.objects.filter(pk=record.pk).update(warnings=record.warnings)
    return set_aside
