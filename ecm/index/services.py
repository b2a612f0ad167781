"""Writes to the child index. Every function takes ``actor``, runs in one transaction and audits.

The same functions serve the web pages, the FHIR API, the management commands, the
retention job and, later, record linkage. Retention lives in ``ecm.index.retention``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction

from ecm.accounts.choices import Role
from ecm.accounts.models import ApiClient, LocalAuthority, Organisation, User
from ecm.audit.services import audit_record
from ecm.core import clock
from ecm.core.actors import Actor, SystemActor
from ecm.index.choices import SENSITIVE_CATEGORIES, CafStatus, ChildStatus, ContactReason, Gender, SensitiveBasis
from ecm.index.models import Carer, Child, Involvement

# The shared rules and row builders live in ``ecm.index.rules``; these names stay importable from here.
from ecm.index.rules import (  # noqa: E402
    IndexRuleError as IndexRuleError,
)
from ecm.index.rules import (
    _check_identifiers as _check_identifiers,
)
from ecm.index.rules import (
    _check_name as _check_name,
)
from ecm.index.rules import (
    _require as _require,
)
from ecm.index.rules import (
    _stamp as _stamp,
)
from ecm.index.rules import (
    address_row as address_row,
)
from ecm.index.rules import (
    name_row as name_row,
)
from ecm.index.rules import (
    new_index_number as new_index_number,
)


@transaction.atomic
def child_create(
    *,
    actor: Actor,
    family_name: str,
    given_name: str = "",
    middle_names: str = "",
    date_of_birth: dt.date | None = None,
    expected_delivery_date: dt.date | None = None,
    gender: str = Gender.UNKNOWN,
    address: dict[str, str] | None = None,
    nhs_number: str = "",
    unique_pupil_number: str = "",
    school: Organisation | None = None,
    gp_practice: Organisation | None = None,
    local_authority: LocalAuthority | None = None,
    carers: Iterable[dict[str, Any]] = (),
) -> Child:
    """Put a child (or an unborn baby, by expected date of delivery) on the index."""
    _require(
        date_of_birth is not None or expected_delivery_date is not None,
        "Enter a date of birth, or an expected date of delivery for an unborn baby.",
    )
    _require(date_of_birth is None or date_of_birth <= clock.today(), "The date of birth must be in the past.")
    _check_name(given_name, family_name, date_of_birth is None)
    _check_identifiers(nhs_number, unique_pupil_number)
    _require(gender in Gender.values, "Choose a gender.")
    child = Child(
        index_number=new_index_number(),
        given_name=given_name.strip(),
        middle_names=middle_names.strip(),
        family_name=family_name.strip(),
        date_of_birth=date_of_birth,
        expected_delivery_date=expected_delivery_date if date_of_birth is None else None,
        gender=gender,
        nhs_number=nhs_number.replace(" ", ""),
        unique_pupil_number=unique_pupil_number.replace(" ", "").upper(),
        school=school,
        gp_practice=gp_practice,
        local_authority=local_authority,
    )
    _stamp(child, actor, creating=True)
    child.save()
    name_row(child, given_name=child.given_name, middle_names=child.middle_names, family_name=child.family_name).save()
    if address:
        address_row(child, **address).save()  # type: ignore[arg-type]
    for carer in carers:
        _carer_save(actor, child, carer)
    audit_record(
        actor=actor,
        action="index.child_created",
        target=child,
        data={"child_id": str(child.pk), "index_number": child.index_number},
    )
    return child


CHILD_UPDATABLE = (
    "given_name",
    "middle_names",
    "family_name",
    "date_of_birth",
    "expected_delivery_date",
    "gender",
    "nhs_number",
    "unique_pupil_number",
    "school",
    "gp_practice",
    "local_authority",
    "high_profile",
)
NAME_FIELDS = ("given_name", "middle_names", "family_name")


@transaction.atomic
def child_update(*, actor: Actor, child: Child, address: dict[str, str] | None = None, **fields: Any) -> Child:
    """Change a child's details. A new name or address keeps the old one as history.

    ``address`` is the new current address (``address_line_1``, ``postcode``, optional
    ``address_line_2``, ``town``, ``lived_from``); the old one ends today.
    """
    unknown = set(fields) - set(CHILD_UPDATABLE)
    _require(not unknown, f"These details cannot be changed here: {', '.join(sorted(unknown))}.")
    _require(child.status != ChildStatus.PURGED, "A purged record cannot be changed.")
    changes: dict[str, list[str]] = {}
    for name, value in fields.items():
        old = getattr(child, name)
        if old != value:
            changes[name] = [str(old or ""), str(value or "")]
            setattr(child, name, value)
    _check_name(child.given_name, child.family_name, child.date_of_birth is None)
    _check_identifiers(child.nhs_number, child.unique_pupil_number)
    today = clock.today()
    if any(n in changes for n in NAME_FIELDS):
        child.names.filter(is_current=True).update(is_current=False, used_until=today)
        name_row(
            child, given_name=child.given_name, middle_names=child.middle_names, family_name=child.family_name
        ).save()
    if "date_of_birth" in changes or "expected_delivery_date" in changes:
        child.names.update(birth_date=child.search_date)
        child.addresses.update(birth_date=child.search_date)
    if address:
        current = child.addresses.filter(is_current=True).first()
        new = address_row(child, **address)  # type: ignore[arg-type]
        if current is None or (current.postcode_norm, current.address_line_1) != (
            new.postcode_norm,
            new.address_line_1,
        ):
            child.addresses.filter(is_current=True).update(is_current=False, lived_until=new.lived_from or today)
            new.save()
            changes["address"] = [str(current or ""), str(new)]
    if changes:
        _stamp(child, actor)
        child.save()
        audit_record(
            actor=actor,
            action="index.child_updated",
            target=child,
            data={"child_id": str(child.pk), "changed": sorted(changes)},
        )
    return child


def _carer_save(actor: Actor, child: Child, values: dict[str, Any]) -> Carer:
    carer = Carer(child=child, **values)
    _require(bool(carer.given_name and carer.family_name), "Enter the carer's given and family names.")
    _stamp(carer, actor, creating=True)
    carer.save()
    return carer


@transaction.atomic
def carer_add(*, actor: Actor, child: Child, **values: Any) -> Carer:
    """Add a parent or carer with their contact details."""
    carer = _carer_save(actor, child, values)
    audit_record(actor=actor, action="index.carer_added", target=carer, data={"child_id": str(child.pk)})
    return carer


@transaction.atomic
def carer_remove(*, actor: Actor, carer: Carer, reason: str) -> None:
    """Take a parent or carer off the record."""
    child_id = str(carer.child_id)
    audit_record(actor=actor, action="index.carer_removed", target=carer, reason=reason, data={"child_id": child_id})
    carer.delete()


@transaction.atomic
def child_record_death(*, actor: Actor, child: Child, date_of_death: dt.date) -> Child:
    """Record that the child has died; the record stays live for a year, then is archived."""
    _require(
        isinstance(actor, SystemActor)
        or (isinstance(actor, User) and (actor.has_role(Role.INDEX_ADMIN) or actor.has_role(Role.DATA_MANAGER))),
        "Only an index administrator or a data manager can record a death.",
    )
    _require(child.status == ChildStatus.ACTIVE, "A death can be recorded only on a live record.")
    _require(date_of_death <= clock.today(), "The date of death cannot be in the future.")
    _require(
        child.search_date is None or date_of_death >= child.search_date,
        "The date of death cannot be before the date of birth.",
    )
    child.status = ChildStatus.DECEASED
    child.date_of_death = date_of_death
    _stamp(child, actor)
    child.save()
    audit_record(
        actor=actor,
        action="index.child_deceased",
        target=child,
        data={"child_id": str(child.pk), "date_of_death": date_of_death.isoformat()},
    )
    return child


# Involvements ------------------------------------------------------------------------------


def _check_involvement_writer(actor: Actor, practitioner: User, organisation: Organisation) -> None:
    """A practitioner writes their own involvement; an API client its own organisation's; jobs any."""
    if isinstance(actor, SystemActor):
        return
    if isinstance(actor, ApiClient):
        _require(
            organisation.pk == actor.organisation_id and practitioner.organisation_id == actor.organisation_id,
            "A system can record involvements only for its own organisation's practitioners.",
        )
        return
    _require(isinstance(actor, User) and actor.pk == practitioner.pk, "You can change only your own involvement.")


def _check_sensitive(category: str, basis: str) -> None:
    if category in SENSITIVE_CATEGORIES:
        _require(
            basis in SensitiveBasis.values,
            "A sexual health, mental health or substance misuse service can be recorded only with the "
            "young person's or a parent's consent, or where significant harm is suspected: choose the basis.",
        )


@transaction.atomic
def involvement_add(
    *,
    actor: Actor,
    child: Child,
    practitioner: User,
    service: str,
    service_category: str,
    organisation: Organisation | None = None,
    started_on: dt.date | None = None,
    sensitive_basis: str = "",
    sensitive_basis_note: str = "",
    is_lead_professional: bool = False,
    wishes_to_be_contacted: bool = False,
    contact_reason: str = "",
) -> Involvement:
    """Record that a practitioner and their service work with the child."""
    organisation = organisation or practitioner.organisation
    _require(organisation is not None, "The practitioner has no organisation.")
    assert organisation is not None
    _check_involvement_writer(actor, practitioner, organisation)
    _require(
        child.status in (ChildStatus.ACTIVE, ChildStatus.DECEASED) and child.merged_into_id is None,
        "Involvements can be added only to a live record.",
    )
    _require(bool(service.strip()), "Enter the name of the service.")
    _check_sensitive(service_category, sensitive_basis)
    _require(
        not wishes_to_be_contacted or contact_reason in ContactReason.values, "Choose why you wish to be contacted."
    )
    started_on = started_on or clock.today()
    _require(started_on <= clock.today(), "The start date cannot be in the future.")
    if is_lead_professional:
        _require_no_other_lead(child, None)
    involvement = Involvement(
        child=child,
        practitioner=practitioner,
        organisation=organisation,
        service=service.strip(),
        service_category=service_category,
        started_on=started_on,
        sensitive_basis=sensitive_basis if service_category in SENSITIVE_CATEGORIES else "",
        sensitive_basis_note=sensitive_basis_note,
        is_lead_professional=is_lead_professional,
        wishes_to_be_contacted=wishes_to_be_contacted,
        contact_reason=contact_reason if wishes_to_be_contacted else "",
    )
    _stamp(involvement, actor, creating=True)
    involvement.save()
    audit_record(
        actor=actor,
        action="index.involvement_added",
        target=involvement,
        data={
            "child_id": str(child.pk),
            "sensitive": involvement.is_sensitive,
            "sensitive_basis": involvement.sensitive_basis,
        },
    )
    return involvement


@transaction.atomic
def involvement_end(*, actor: Actor, involvement: Involvement, ended_on: dt.date | None = None) -> Involvement:
    """End an involvement (it stays on the record with its end date)."""
    _check_involvement_writer(actor, involvement.practitioner, involvement.organisation)
    _require(involvement.ended_on is None, "This involvement has already ended.")
    ended_on = ended_on or clock.today()
    _require(
        involvement.started_on <= ended_on <= clock.today(), "The end date must be between the start date and today."
    )
    involvement.ended_on = ended_on
    involvement.is_lead_professional = False
    involvement.family_lead = ""
    involvement.wishes_to_be_contacted = False
    _stamp(involvement, actor)
    involvement.save()
    audit_record(
        actor=actor,
        action="index.involvement_ended",
        target=involvement,
        data={"child_id": str(involvement.child_id), "ended_on": ended_on.isoformat()},
    )
    return involvement


_UNSET: Any = object()


def _require_no_other_lead(child: Child, involvement: Involvement | None) -> None:
    """A child has one lead professional at a time, across the whole service (DOMAIN section 4)."""
    others = Involvement.objects.filter(child=child, is_lead_professional=True, ended_on__isnull=True)
    if involvement is not None:
        others = others.exclude(pk=involvement.pk)
    current = others.select_related("practitioner").first()
    if current is not None:
        name = current.practitioner.get_full_name() or current.practitioner.username
        raise IndexRuleError(
            f"{name} is already the lead professional for this child. A child has one lead professional at a "
            "time: a change is a handover that the new lead accepts, agreed with the current lead."
        )


@transaction.atomic
def involvement_set_flags(
    *,
    actor: Actor,
    involvement: Involvement,
    is_lead_professional: bool | None = None,
    has_undertaken_caf: bool | None = None,
    caf_started_on: dt.date | None = _UNSET,
    caf_status: str | None = None,
    wishes_to_be_contacted: bool | None = None,
    contact_reason: str | None = None,
    family_lead: str | None = None,
) -> Involvement:
    """Set or clear the flags of an involvement; ``None`` leaves a flag as it is.

    "Has undertaken a CAF" carries only the CAF's start date and whether it is open. ``family_lead``
    names the young person, parent or carer who leads, supported by this practitioner (the index then
    says that the family leads); it goes with the lead professional flag.
    """
    _check_involvement_writer(actor, involvement.practitioner, involvement.organisation)
    _require(involvement.ended_on is None, "Flags can be changed only on a current involvement.")
    before = _flags(involvement)
    if is_lead_professional:
        _require_no_other_lead(involvement.child, involvement)
    if is_lead_professional is not None:
        involvement.is_lead_professional = is_lead_professional
        if not is_lead_professional:
            involvement.family_lead = ""
    if family_lead is not None:
        involvement.family_lead = family_lead.strip() if involvement.is_lead_professional else ""
    if has_undertaken_caf is not None:
        involvement.has_undertaken_caf = has_undertaken_caf
        if has_undertaken_caf:
            involvement.caf_started_on = (
                involvement.caf_started_on or clock.today() if caf_started_on is _UNSET else caf_started_on
            )
            involvement.caf_status = caf_status or involvement.caf_status or CafStatus.OPEN
        else:
            involvement.caf_started_on = None
            involvement.caf_status = ""
    elif caf_status is not None:
        _require(involvement.has_undertaken_caf, "Set 'has undertaken a CAF' first.")
        involvement.caf_status = caf_status
    _require(involvement.caf_status in ("", *CafStatus.values), "Choose whether the CAF is open or closed.")
    _require(
        involvement.caf_started_on is None or involvement.caf_started_on <= clock.today(),
        "The CAF's start date cannot be in the future.",
    )
    if wishes_to_be_contacted is not None:
        involvement.wishes_to_be_contacted = wishes_to_be_contacted
        involvement.contact_reason = (contact_reason or "") if wishes_to_be_contacted else ""
        _require(
            not wishes_to_be_contacted or involvement.contact_reason in ContactReason.values,
            "Choose why you wish to be contacted.",
        )
    after = _flags(involvement)
    if after != before:
        _stamp(involvement, actor)
        involvement.save()
        audit_record(
            actor=actor,
            action="index.involvement_flags_set",
            target=involvement,
            data={"child_id": str(involvement.child_id), "before": before, "after": after},
        )
    return involvement


def _flags(involvement: Involvement) -> dict[str, Any]:
    return {
        "is_lead_professional": involvement.is_lead_professional,
        "family_lead": involvement.family_lead,
        "has_undertaken_caf": involvement.has_undertaken_caf,
        "caf_started_on": involvement.caf_started_on.isoformat() if involvement.caf_started_on else None,
        "caf_status": involvement.caf_status,
        "wishes_to_be_contacted": involvement.wishes_to_be_contacted,
        "contact_reason": involvement.contact_reason,
    }


# Shielding, merging and bulk creation live in their own modules; callers may use them from here too.
from ecm.index.bulk import bulk_connection_prepare, child_create_many  # noqa: E402
from ecm.index.merging import child_merge, child_unmerge  # noqa: E402
from ecm.index.shielding import child_shield_lift, child_shield_set  # noqa: E402

__all__ = [
    "bulk_connection_prepare",
    "child_create_many",
    "child_merge",
    "child_shield_lift",
    "child_shield_set",
    "child_unmerge",
]
