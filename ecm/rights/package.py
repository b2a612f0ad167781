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

from django.db.models import Q

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
    "caf.started": "Started a CAF",
    "caf.section_saved": "Wrote part of a CAF",
    "caf.completed": "Completed a CAF",
    "caf.closed": "Closed a CAF",
    "caf.team_member_added": "Added someone to the Team Around the Child",
    "caf.team_member_removed": "Took someone off the Team Around the Child",
    "caf.meeting_recorded": "Recorded a Team Around the Child meeting",
    "caf.lead_professional_offered": "Asked someone to be the lead professional",
    "caf.lead_professional_appointed": "Recorded the lead professional",
    "caf.action_added": "Added an action to the plan",
    "caf.review_recorded": "Recorded a review",
    "caf.checklist_saved": "Filled in a pre-assessment checklist",
    "caf.checklist_child_linked": "Linked a checklist to the child",
    "index.involvement_added": "Recorded that their service works with the child",
    "index.involvement_ended": "Recorded that their service stopped working with the child",
    "index.involvement_flags_set": "Changed what the index says about their work with the child",
    "sharing.decision_recorded": "Recorded a decision whether to share information",
    "sharing.decision_viewed": "Read a decision whether to share information",
    "sharing.decision_countersigned": "Countersigned a decision to share information",
    "sharing.disclosure_recorded": "Recorded that information was shared",
    "sharing.disclosure_log_viewed": "Read the list of times information was shared",
    "multiagency.case_viewed": "Looked at the child's panel case",
    "multiagency.referral_made": "Referred the child to a multi-agency panel",
    "referrals.referral_sent": "Referred the child to a service",
}

# When an action has no wording of its own: what kind of work it was, never the internal code.
ACTION_AREAS = {
    "index": "Used the child index record",
    "caf": "Worked on the common assessment (CAF)",
    "consent": "Worked on consent",
    "sharing": "Worked on a decision to share information",
    "multiagency": "Worked on a multi-agency panel case",
    "referrals": "Worked on a referral to a service",
    "rights": "Handled a request about the family's data",
    "budgets": "Worked on a budget for the child",
    "linkage": "Matched records from local systems",
    "misuse": "Reviewed how the record was used",
}


def action_words(action: str) -> str:
    """An audit action in plain words."""
    if action in ACTION_LABELS:
        return ACTION_LABELS[action]
    return ACTION_AREAS.get(action.split(".", 1)[0], "Used the child's information")


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


def _person(user: Any) -> str:
    if user is None:
        return ""
    name = user.get_full_name() or user.username
    role = getattr(user, "job_title", "") or ""
    organisation = getattr(getattr(user, "organisation", None), "name", "")
    return ", ".join(p for p in (name, role, organisation) if p)


def _disclosure_items(child: Child) -> list[dict[str, Any]]:
    """The sharing app's disclosure log: every share of the child's information, in words."""
    items = []
    for row in sharing_selectors.disclosures_for(child):
        if row.decision is not None:
            basis = f"A decision of {text(row.decision.decided_on)} to share"
        elif row.consent is not None:
            basis = f"Consent given on {text(row.consent.given_on)}"
        else:
            basis = ""
        items.append(
            _item(
                f"disclosures/{row.pk}",
                "Information shared",
                [
                    ("when", "When", row.disclosed_at),
                    ("what", "What", row.get_information_display()),
                    ("description", "Details", row.description),
                    ("reference", "Reference", row.reference),
                    ("organisation", "Shared with", row.organisation.name),
                    ("recipient_person", "Person who received it", row.recipient_person),
                    ("method", "How", row.get_method_display()),
                    ("shared_by", "Shared by", _person(row.shared_by)),
                    ("basis", "Allowed by", basis),
                ],
            )
        )
    return items


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


def _people(events: list[AuditEvent]) -> dict[str, Any]:
    from ecm.accounts.models import User

    ids = {e.actor_id for e in events if e.actor_type == "user" and e.actor_id and e.actor_id.isdigit()}
    return {str(u.pk): u for u in User.objects.filter(pk__in=ids).select_related("organisation")}


def _actor_words(event: AuditEvent, people: dict[str, Any]) -> tuple[str, str, str]:
    """Who did it: name, role and organisation, never a login."""
    from ecm.accounts.choices import Role

    roles = [Role(code).label for code in (event.actor_roles or "").replace(" ", "").split(",") if code in Role.values]
    user = people.get(event.actor_id)
    if user is not None:
        name = user.get_full_name() or "A member of staff"
        role = getattr(user, "job_title", "") or ", ".join(roles)
        organisation = getattr(user.organisation, "name", "") or event.actor_organisation
        return name, role, organisation
    if event.actor_type == "user":
        return "A member of staff", ", ".join(roles), event.actor_organisation
    return "ECM itself (an automatic step)", "", event.actor_organisation


def _access_log_items(events: list[AuditEvent]) -> list[dict[str, Any]]:
    """Who used the record, grouped: one entry per person, organisation and kind of action, with how many
    times, the first and last time, and the reasons they gave."""
    people = _people(events)
    groups: dict[tuple[str, str, str, str], dict[str, Any]] = {}
    for e in events:
        name, role, organisation = _actor_words(e, people)
        what = action_words(e.action)
        key = (name, role, organisation, what)
        group = groups.setdefault(key, {"count": 0, "first": e.occurred_at, "last": e.occurred_at, "reasons": []})
        group["count"] += 1
        group["last"] = e.occurred_at
        reason = (e.reason or "").strip()
        if reason and reason not in group["reasons"]:
            group["reasons"].append(reason)
        if e.on_behalf_of and f"On behalf of {e.on_behalf_of}" not in group["reasons"]:
            group["reasons"].append(f"On behalf of {e.on_behalf_of}")
    items = []
    for n, ((name, role, organisation, what), group) in enumerate(groups.items(), start=1):
        times = "once" if group["count"] == 1 else f"{group['count']} times"
        items.append(
            _item(
                f"access_log/{n}",
                f"{name}: {what[:1].lower()}{what[1:]}",
                [
                    ("who", "Who", name),
                    ("role", "Role", role),
                    ("organisation", "Organisation", organisation),
                    ("what", "What", what),
                    ("how_often", "How often", times),
                    ("first", "First", group["first"]),
                    ("last", "Last", group["last"] if group["count"] > 1 else None),
                    ("reason", "Reasons given", "; ".join(group["reasons"][:10])),
                ],
            )
        )
    return items


ABOUT = [
    (
        "about/purposes",
        "Why we hold this information",
        [
            (
                "purposes",
                "Purposes",
                "To find out quickly who else works with a child (the child index, a duty under the Children Act "
                "2004, section 12); to assess a child's and family's needs with them and plan help together (the "
                "Common Assessment Framework), with your consent; to record decisions to share information and "
                "what was shared; to run multi-agency panels and referrals to services; and to keep the record "
                "safe by checking who used it.",
            ),
        ],
    ),
    (
        "about/retention",
        "How long we keep it",
        [
            (
                "retention",
                "Keeping",
                "A child's record is archived at their 18th birthday (kept to 25 only if the young person agrees, "
                "for example care leavers) and deleted six years later. After a child's death it is kept for one "
                "year, then archived. Only data managers can read the archive. Deletion reaches every copy.",
            ),
        ],
    ),
    (
        "about/rights",
        "Your rights",
        [
            (
                "rights",
                "What you can ask",
                "You can ask for a copy of this information again at any time, free of charge. You can ask us to "
                "correct facts that are wrong and to remove information we have no reason to hold. A child who "
                "understands what this means can ask for themselves.",
            ),
            (
                "complain",
                "If you are unhappy",
                "Tell us first. You have the right to complain to the Information Commissioner's Office (ICO): "
                "ico.org.uk/make-a-complaint or 0303 123 1113.",
            ),
        ],
    ),
]


def _about_items() -> list[dict[str, Any]]:
    return [_item(path, title, fields) for path, title, fields in ABOUT]


def package_build(*, child: Child, request: Any, compiled_at: dt.datetime) -> dict[str, Any]:
    """Everything held about the child, in the package shape (not audited: the compile service audits)."""
    annotations: dict[tuple[str, str], list[Any]] = {}
    from ecm.rights.models import Annotation

    for note in Annotation.objects.filter(child=child).order_by("created_at"):
        annotations.setdefault((str(note.assessment_id), note.field_key), []).append(note)
    sections = [
        _section("about", "About this information: why we hold it, for how long, and your rights", _about_items()),
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
            "access_log",
            "Who used the record, what they did and why (grouped by person and action)",
            _access_log_items(events_about(child)),
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
