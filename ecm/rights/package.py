"""The subject access package: everything ECM holds about a child, as one structure.

The structure is built once (``package_build``) and stored; the released JSON and PDF are both
rendered from it (``ecm.rights.render``) after ``package_redact`` has replaced every redacted value. Item titles never
carry personal data, only field values do, so redacting values is enough.

Shape::

    {"format": ..., "child": {...}, "request": {...}, "compiled_at": ...,
     "sections": [{"key", "title", "items": [{"path", "title", "fields": [{"key", "label", "value"}]}]}]}

A field's path is its item's path, "/", and its key: ``caf/<id>/versions/2/home_situation``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Model, Q

from ecm.audit.models import AuditEvent
from ecm.consent.selectors import consents_for
from ecm.index.models import Child
from ecm.index.visibility import copyable_details, whereabouts_terms
from ecm.rights.package_caf import caf_items
from ecm.rights.package_fields import _item, _section, text
from ecm.sharing import selectors as sharing_selectors

FORMAT = "ecm-subject-access/1"

ACTION_LABELS = {
    "index.record_view": "Opened the child index record",
    "index.search_match": "The record matched a search",
    "index.sensitive_details_viewed": "Saw a sensitive service's details",
    "index.shield_reveal": "Revealed the shielded record",
    "index.access_denied": "Was refused the record",
    "index.child_created": "Put the child on the index",
    "index.child_updated": "Changed the child's details",
    "caf.opened": "Opened a CAF",
    "caf.existing_checked": "Checked whether a CAF exists",
    "caf.access_denied": "Was refused a CAF",
    "consent.recorded": "Recorded consent",
    "consent.withdrawn": "Recorded that consent was withdrawn",
    "consent.register_viewed": "Viewed the consent register",
    "rights.package_compiled": "Compiled a subject access package",
    "rights.package_downloaded": "Downloaded a subject access package",
}


# Index --------------------------------------------------------------------------------------


def _index_items(child: Child) -> list[dict[str, Any]]:
    items = [
        _item(
            "index/child",
            "The child",
            [
                ("index_number", "Index number", child.formatted_index_number),
                ("given_name", "Given name", child.given_name),
                ("middle_names", "Middle names", child.middle_names),
                ("family_name", "Family name", child.family_name),
                ("date_of_birth", "Date of birth", child.date_of_birth),
                ("expected_delivery_date", "Expected date of delivery", child.expected_delivery_date),
                ("gender", "Gender", child.get_gender_display()),
                ("nhs_number", "NHS number", child.nhs_number),
                ("unique_pupil_number", "Unique pupil number", child.unique_pupil_number),
                ("school", "School", child.school.name if child.school else "None recorded"),
                ("gp_practice", "GP practice", child.gp_practice.name if child.gp_practice else "None recorded"),
                (
                    "local_authority",
                    "Local authority area",
                    child.local_authority.name if child.local_authority else "",
                ),
                ("status", "Record status", child.get_status_display()),
                ("shielded", "Shielded", child.is_shielded),
                ("date_of_death", "Date of death", child.date_of_death),
                ("created_at", "On the index since", child.created_at),
            ],
        )
    ]
    for n, name in enumerate(child.names.order_by("used_from", "id"), start=1):
        items.append(
            _item(
                f"index/names/{n}",
                "Name (current)" if name.is_current else "Previous name",
                [
                    ("name", "Name", " ".join(p for p in (name.given_name, name.middle_names, name.family_name) if p)),
                    ("used_from", "Used from", name.used_from),
                    ("used_until", "Used until", name.used_until),
                ],
            )
        )
    for n, address in enumerate(child.addresses.order_by("lived_from", "id"), start=1):
        items.append(
            _item(
                f"index/addresses/{n}",
                "Address (current)" if address.is_current else "Previous address",
                [
                    ("address", "Address", str(address)),
                    ("lived_from", "Lived here from", address.lived_from),
                    ("lived_until", "Lived here until", address.lived_until),
                ],
            )
        )
    for carer in child.carers.all():
        items.append(
            _item(
                f"index/carers/{carer.pk}",
                "Parent or carer",
                [
                    ("name", "Name", str(carer)),
                    ("relationship", "Relationship", carer.get_relationship_display()),
                    ("parental_responsibility", "Parental responsibility", carer.has_parental_responsibility),
                    ("phone", "Telephone", carer.phone),
                    ("email", "Email", carer.email),
                    ("address", "Address", ", ".join(p for p in (carer.address_line_1, carer.postcode) if p)),
                ],
            )
        )
    for inv in child.involvements.select_related("practitioner", "organisation").order_by("started_on", "id"):
        items.append(
            _item(
                f"index/involvements/{inv.pk}",
                "Practitioner or service working with the child",
                [
                    ("service", "Service", inv.service),
                    ("category", "Kind of service", inv.get_service_category_display()),
                    ("sensitive", "Sensitive service (shown to others only as unspecified)", inv.is_sensitive),
                    ("organisation", "Organisation", inv.organisation.name),
                    ("practitioner", "Practitioner", inv.practitioner.get_full_name()),
                    ("started_on", "From", inv.started_on),
                    ("ended_on", "Until", inv.ended_on),
                    ("lead_professional", "Lead professional", inv.is_lead_professional),
                    ("has_undertaken_caf", "Has undertaken a CAF", inv.has_undertaken_caf),
                    ("wishes_to_be_contacted", "Wishes to be contacted", inv.wishes_to_be_contacted),
                    ("sensitive_basis", "Basis for recording it", inv.get_sensitive_basis_display()),
                ],
            )
        )
    from ecm.linkage.models import StagedRecord

    for rec in StagedRecord.objects.filter(child=child).select_related("source").order_by("linked_at", "id"):
        items.append(
            _item(
                f"index/source_records/{rec.pk}",
                "Record received from a local system",
                [
                    ("source", "From", rec.source.name),
                    ("name", "Name", rec.display_name),
                    ("date_of_birth", "Date of birth", rec.date_of_birth),
                    ("address", "Address", ", ".join(p for p in (rec.address_line_1, rec.town, rec.postcode) if p)),
                    ("parents", "Parents", ", ".join(p for p in (rec.parent_1_name, rec.parent_2_name) if p)),
                    ("linked_at", "Linked to this record", rec.linked_at),
                ],
            )
        )
    return items


# Decisions, disclosures, consents, access log -----------------------------------------------


def _decision_items(child: Child) -> list[dict[str, Any]]:
    return [
        _item(
            f"decisions/{d.pk}",
            "Decision whether to share information",
            [
                ("decided_on", "Decided", d.decided_on),
                ("organisation", "With", d.organisation.name),
                ("outcome", "Decision", d.get_outcome_display()),
                ("ground", "Ground", d.get_ground_display()),
                ("duty_or_order", "Duty or court order", d.duty_or_order),
                ("reason", "Reasons", d.reason),
                ("what_shared", "What was shared", d.what_shared),
                ("purpose", "Purpose", d.purpose),
                ("family_told", "Family told beforehand", d.family_told),
                ("not_told_reason", "Why the family was not told", d.not_told_reason),
            ],
        )
        for d in sharing_selectors.decisions_for(child)
    ]


SKIPPED_FIELDS = {"id", "child", "created_by", "modified_by", "created_by_label", "modified_by_label", "modified_at"}


def _model_fields(row: Model) -> list[tuple[str, str, Any]]:
    """Every concrete field of a row, for records whose shape this app does not own (disclosures)."""
    fields: list[tuple[str, str, Any]] = []
    for f in row._meta.concrete_fields:
        if f.name in SKIPPED_FIELDS:
            continue
        value = getattr(row, f.name)
        display = getattr(row, f"get_{f.name}_display", None)
        if callable(display):
            value = display()
        elif isinstance(value, Model):
            value = getattr(value, "name", None) or str(value)
        fields.append((f.name, str(f.verbose_name).capitalize(), value))
    return fields


def _disclosure_items(child: Child) -> list[dict[str, Any]]:
    """The sharing app's disclosure log: every share of the child's information."""
    return [
        _item(f"disclosures/{row.pk}", "Information disclosed", _model_fields(row))
        for row in sharing_selectors.disclosures_for(child)
    ]


def _consent_items(child: Child) -> list[dict[str, Any]]:
    return [
        _item(
            f"consents/{c.pk}",
            "Consent",
            [
                ("given_on", "Given", c.given_on),
                ("given_by", "Given by", c.giver_label),
                ("competence_judgement", "Judgement of the child's competence", c.competence_judgement),
                ("form", "Form", c.get_form_display()),
                (
                    "scopes",
                    "For",
                    [
                        lbl
                        for on, lbl in (
                            (c.undertake, "undertaking the assessment"),
                            (c.record, "recording it"),
                            (c.share, "sharing it"),
                        )
                        if on
                    ],
                ),
                ("share_purpose", "Sharing is for", c.share_purpose),
                ("allowed", "Agencies allowed", [o.name for o in c.allowed_organisations.all()]),
                ("excluded", "Agencies excluded", [o.name for o in c.excluded_organisations.all()]),
                ("recorded_by", "Recorded by", f"{c.practitioner.get_full_name()}, {c.organisation.name}"),
                ("review_on", "Review due", c.review_on),
                ("withdrawn_at", "Withdrawn", c.withdrawn_at),
                ("withdrawn_reason", "How and why withdrawn", c.withdrawn_reason),
            ],
        )
        for c in consents_for(child)
    ]


def events_about(child: Child) -> list[AuditEvent]:
    """Every audit event about the child: the record itself, or anything naming it (``data.child_id``)."""
    key = str(child.pk)
    return list(AuditEvent.objects.filter(Q(object_id=key) | Q(data__child_id=key)).order_by("sequence"))


def _access_log_items(events: list[AuditEvent]) -> list[dict[str, Any]]:
    return [
        _item(
            f"access_log/{e.sequence}",
            "Who used the record, when and why",
            [
                ("when", "When", e.occurred_at),
                ("who", "Who", e.actor_label),
                ("organisation", "Organisation", e.actor_organisation),
                ("on_behalf_of", "On behalf of", e.on_behalf_of),
                ("what", "What", ACTION_LABELS.get(e.action, e.action)),
                ("reason", "Reason given", e.reason),
            ],
        )
        for e in events
    ]


def package_build(*, child: Child, request: Any, compiled_at: dt.datetime) -> dict[str, Any]:
    """Everything held about the child, in the package shape (not audited: the compile service audits)."""
    annotations: dict[tuple[str, str], list[Any]] = {}
    from ecm.rights.models import Annotation

    for note in Annotation.objects.filter(child=child).order_by("created_at"):
        annotations.setdefault((str(note.assessment_id), note.field_key), []).append(note)
    sections = [
        _section("index", "Child index record and its history", _index_items(child)),
        _section(
            "caf",
            "Common Assessment Framework: assessments, versions, plans and reviews",
            caf_items(child, annotations),
        ),
        _section("decisions", "Decisions whether to share information", _decision_items(child)),
        _section("disclosures", "Information disclosed to others", _disclosure_items(child)),
        _section("consents", "Consents", _consent_items(child)),
        _section(
            "access_log", "Who opened the record and why (the access log)", _access_log_items(events_about(child))
        ),
    ]
    data = {
        "format": FORMAT,
        "child": {"name": child.display_name, "index_number": child.formatted_index_number},
        "request": {"reference": request.reference, "received_on": text(request.received_on)},
        "compiled_at": text(compiled_at),
        "sections": sections,
    }
    if copyable_details(child).withheld:  # shielded: only what the shield allows leaves the index
        from ecm.rights.retention import withhold_whereabouts

        data = withhold_whereabouts(data, whereabouts_terms(child))
    return data
