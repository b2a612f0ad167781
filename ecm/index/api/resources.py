"""FHIR R4 resources built from what the selectors allow the caller to see. Nothing else is read here."""

from __future__ import annotations

from typing import Any

from ecm.index.choices import ChildStatus
from ecm.index.models import Child, Involvement
from ecm.index.search.keys import format_postcode
from ecm.index.selectors import ChildRecord, InvolvementView, SearchSummary

ECM = "https://ecm.example.gov.uk/fhir"
INDEX_NUMBER_SYSTEM = "https://ecm.example.gov.uk/Id/child-index-number"
NHS_NUMBER_SYSTEM = "https://fhir.nhs.uk/Id/nhs-number"
UPN_SYSTEM = "https://ecm.example.gov.uk/Id/unique-pupil-number"
ODS_SYSTEM = "https://fhir.nhs.uk/Id/ods-organization-code"
ORG_CODE_SYSTEM = "https://ecm.example.gov.uk/Id/organisation-code"
CONFIDENTIALITY = "http://terminology.hl7.org/CodeSystem/v3-Confidentiality"
SCHOOL_EXTENSION = f"{ECM}/StructureDefinition/school"
INVOLVEMENT_EXTENSION = f"{ECM}/StructureDefinition/involvement"
SERVICE_CATEGORY_SYSTEM = f"{ECM}/CodeSystem/service-category"
INVOLVEMENT_FLAG_SYSTEM = f"{ECM}/CodeSystem/involvement-flag"
RELATIONSHIP_SYSTEM = "http://terminology.hl7.org/CodeSystem/v2-0131"

FLAG_LEAD = "lead-professional"
FLAG_CAF = "has-undertaken-caf"
FLAG_CONTACT = "wishes-to-be-contacted"


def _security(shielded: bool) -> list[dict[str, str]]:
    if shielded:
        return [{"system": CONFIDENTIALITY, "code": "R", "display": "restricted"}]
    return [{"system": CONFIDENTIALITY, "code": "U", "display": "unrestricted"}]


def _human_name(given: str, middle: str, family: str, use: str = "usual", period_end: Any = None) -> dict[str, Any]:
    name: dict[str, Any] = {"use": use, "family": family}
    givens = [g for g in [given, *middle.split()] if g]
    if givens:
        name["given"] = givens
    if period_end:
        name["period"] = {"end": period_end.isoformat()}
    return name


def _identifiers(child: Child, *, full: bool) -> list[dict[str, str]]:
    identifiers = [{"system": INDEX_NUMBER_SYSTEM, "value": child.index_number}]
    if full and child.nhs_number:
        identifiers.append({"system": NHS_NUMBER_SYSTEM, "value": child.nhs_number})
    if full and child.unique_pupil_number:
        identifiers.append({"system": UPN_SYSTEM, "value": child.unique_pupil_number})
    return identifiers


def _organisation_reference(organisation: Any) -> dict[str, Any]:
    system = ODS_SYSTEM if organisation.organisation_type in ("gp_practice", "nhs_trust") else ORG_CODE_SYSTEM
    return {
        "type": "Organization",
        "identifier": {"system": system, "value": organisation.code},
        "display": organisation.name,
    }


def _birth(child: Child, patient: dict[str, Any]) -> None:
    if child.date_of_birth:
        patient["birthDate"] = child.date_of_birth.isoformat()
    if child.status == ChildStatus.DECEASED and child.date_of_death:
        patient["deceasedDateTime"] = child.date_of_death.isoformat()


def patient_summary(summary: SearchSummary, child: Child) -> dict[str, Any]:
    """A search result: name, gender, date of birth, index number; a postcode district unless shielded."""
    patient: dict[str, Any] = {
        "resourceType": "Patient",
        "id": summary.child_id,
        "meta": {"security": _security(summary.shielded)},
        "identifier": _identifiers(child, full=False),
        "name": [_human_name(child.given_name, child.middle_names, child.family_name)],
        "gender": summary.gender,
    }
    _birth(child, patient)
    if summary.postcode_district and not summary.shielded:
        patient["address"] = [{"use": "home", "postalCode": summary.postcode_district}]
    return patient


def patient_full(record: ChildRecord) -> dict[str, Any]:
    """The record a client may see; a restricted one keeps name, gender, birth date, number and a parent's name."""
    child = record.child
    patient: dict[str, Any] = {
        "resourceType": "Patient",
        "id": str(child.pk),
        "meta": {"lastUpdated": child.modified_at.isoformat(), "security": _security(record.restricted)},
        "identifier": _identifiers(child, full=not record.restricted),
        "name": [_human_name(child.given_name, child.middle_names, child.family_name)],
        "gender": child.gender,
    }
    _birth(child, patient)
    if record.restricted:
        if record.parent_name:
            given, _, family = record.parent_name.rpartition(" ")
            contact_name: dict[str, Any] = {"family": family}
            if given:
                contact_name["given"] = [given]
            patient["contact"] = [{"name": contact_name}]
        return patient
    patient["name"] += [
        _human_name(n.given_name, n.middle_names, n.family_name, use="old", period_end=n.used_until)
        for n in record.previous_names
    ]
    addresses = ([record.address] if record.address else []) + record.previous_addresses
    if addresses:
        patient["address"] = [
            {
                "use": "home" if a.is_current else "old",
                "line": [line for line in (a.address_line_1, a.address_line_2) if line],
                **({"city": a.town} if a.town else {}),
                "postalCode": format_postcode(a.postcode),
                **({"period": {"end": a.lived_until.isoformat()}} if a.lived_until and not a.is_current else {}),
            }
            for a in addresses
        ]
    if record.carers:
        patient["contact"] = [_carer_contact(c) for c in record.carers]
    if record.gp_practice:
        patient["generalPractitioner"] = [_organisation_reference(record.gp_practice)]
    if record.school:
        patient["extension"] = [{"url": SCHOOL_EXTENSION, "valueReference": _organisation_reference(record.school)}]
    return patient


def _carer_contact(carer: Any) -> dict[str, Any]:
    relationship_code = "N" if carer.relationship in ("mother", "father", "parent", "step_parent") else "C"
    contact: dict[str, Any] = {
        "relationship": [
            {
                "coding": [{"system": RELATIONSHIP_SYSTEM, "code": relationship_code}],
                "text": carer.get_relationship_display(),
            }
        ],
        "name": {"family": carer.family_name, "given": [carer.given_name]},
    }
    telecom = []
    if carer.phone:
        telecom.append({"system": "phone", "value": carer.phone})
    if carer.email:
        telecom.append({"system": "email", "value": carer.email})
    if telecom:
        contact["telecom"] = telecom
    if carer.address_line_1:
        contact["address"] = {"line": [carer.address_line_1], "postalCode": format_postcode(carer.postcode)}
    return contact


def searchset(entries: list[dict[str, Any]], base: str) -> dict[str, Any]:
    return {
        "resourceType": "Bundle",
        "type": "searchset",
        "total": len(entries),
        "entry": [
            {"fullUrl": f"{base}/{e['resource']['id']}", "search": {"score": e["score"]}, "resource": e["resource"]}
            for e in entries
        ],
    }


def care_team(view: InvolvementView, *, owned: bool) -> dict[str, Any]:
    """One involvement as a CareTeam. An unspecified sensitive service shows nothing but that it exists."""
    involvement: Involvement = view.involvement
    resource: dict[str, Any] = {
        "resourceType": "CareTeam",
        "id": str(involvement.pk),
        "status": "active" if involvement.ended_on is None else "inactive",
        "subject": {"reference": f"Patient/{involvement.child_id}"},
    }
    if view.unspecified:
        resource["meta"] = {"security": _security(True)}
        resource["name"] = "An unspecified service is involved"
        return resource
    period: dict[str, str] = {"start": involvement.started_on.isoformat()}
    if involvement.ended_on:
        period["end"] = involvement.ended_on.isoformat()
    practitioner = involvement.practitioner
    roles = [
        {"coding": [{"system": INVOLVEMENT_FLAG_SYSTEM, "code": code}]}
        for code, on in (
            (FLAG_LEAD, involvement.is_lead_professional),
            (FLAG_CAF, involvement.has_undertaken_caf),
            (FLAG_CONTACT, involvement.wishes_to_be_contacted),
        )
        if on
    ]
    telecom = [
        {"system": s, "value": v}
        for s, v in (("phone", practitioner.phone or involvement.organisation.phone), ("email", practitioner.email))
        if v
    ]
    participant: dict[str, Any] = {
        "member": {"reference": f"Practitioner/{practitioner.pk}", "display": practitioner.get_full_name()},
        "onBehalfOf": {
            "reference": f"Organization/{involvement.organisation_id}",
            "display": involvement.organisation.name,
        },
        "period": period,
    }
    if roles:
        participant["role"] = roles
    resource.update(
        {
            "name": involvement.service,
            "category": [
                {
                    "coding": [
                        {
                            "system": SERVICE_CATEGORY_SYSTEM,
                            "code": involvement.service_category,
                            "display": involvement.get_service_category_display(),
                        }
                    ]
                }
            ],
            "period": period,
            "participant": [participant],
            "managingOrganization": [
                {"reference": f"Organization/{involvement.organisation_id}", "display": involvement.organisation.name}
            ],
            "telecom": telecom,
        }
    )
    details = [
        (k, v)
        for k, v in (
            ("caf-start-date", involvement.caf_started_on.isoformat() if involvement.caf_started_on else ""),
            ("caf-status", involvement.caf_status),
            ("contact-reason", involvement.contact_reason),
            ("sensitive-basis", involvement.sensitive_basis if owned else ""),
        )
        if v
    ]
    if details:
        resource["extension"] = [
            {
                "url": INVOLVEMENT_EXTENSION,
                "extension": [{"url": k, "valueDate" if k == "caf-start-date" else "valueCode": v} for k, v in details],
            }
        ]
    return resource
