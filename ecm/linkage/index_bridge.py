"""The only place record linkage touches the child index, through clearly named functions.

Children are created and changed through ``ecm.index.services`` (``child_create``,
``child_update``), which validate and audit. Survivorship: a child's current name and
address come from the most recent record of the most trusted source that has them; the
index services keep the old name and address as history.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from ecm.index.choices import Gender
from ecm.index.models import Child
from ecm.index.services import child_create, child_update
from ecm.linkage.models import StagedRecord


def surviving_child(child: Child) -> Child:
    """The child a record now belongs to: follows ``merged_into`` to the survivor."""
    seen = set()
    while child.merged_into_id is not None and child.pk not in seen:
        seen.add(child.pk)
        child = child.merged_into  # type: ignore[assignment]
    return child


def _rank(record: StagedRecord) -> tuple[int, float, int]:
    return (record.source.trust_rank, -record.delivery.started_at.timestamp(), -record.line_number)


def survivorship_values(records: Iterable[StagedRecord]) -> dict[str, Any]:
    """The child's details from its records: each from the best-ranked record that has it.

    Ranked by source trust (most trusted first), then the most recent delivery. The name
    (given, middle, family) comes from one record and the address from one record, never
    mixed from several.
    """
    ranked = sorted(records, key=_rank)
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
    sex = next((r.sex for r in ranked if r.sex in Gender.values and r.sex != Gender.UNKNOWN), "")
    values["gender"] = sex or Gender.UNKNOWN
    return values


def index_child_create_from_records(*, actor: Any, records: Sequence[StagedRecord]) -> Child | None:
    """Put a new child on the index from its records; ``None`` when they lack a family name or date of birth."""
    values = survivorship_values(records)
    if not values.get("family_name") or not values.get("date_of_birth"):
        return None
    return child_create(
        actor=actor,
        given_name=values["given_name"],
        middle_names=values["middle_names"],
        family_name=values["family_name"],
        date_of_birth=values["date_of_birth"],
        gender=values["gender"],
        address=values.get("address"),
        nhs_number=values.get("nhs_number", ""),
        unique_pupil_number=values.get("upn", ""),
    )


def child_records(child: Child) -> list[StagedRecord]:
    """Every staged record of the child and of the records merged into it."""
    ids = [child.pk, *Child.objects.filter(merged_into=child).values_list("pk", flat=True)]
    return list(StagedRecord.objects.filter(child_id__in=ids).select_related("source", "delivery"))


def index_child_apply_survivorship(*, actor: Any, child: Child) -> Child:
    """Bring the child's current name and address (and missing identifiers) in line with its records."""
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
    address = values.get("address")
    current = child.current_address if address else None
    if address and (
        current is None
        or (current.postcode_norm, current.address_line_1) != (address["postcode"], address["address_line_1"])
    ):
        changes["address"] = address
    if changes:
        child = child_update(actor=actor, child=child, **changes)
    return child
