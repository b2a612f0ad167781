"""The CAF's part of the subject access package: checklists, every version, team, plan, reviews.

Annotations (disputed opinions) follow the field they are about, as fields of their own.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ecm.caf import selectors as caf_selectors
from ecm.caf.framework import FIELD_LABELS, SECTIONS
from ecm.caf.models import Assessment, Checklist
from ecm.index.models import Child
from ecm.rights.package_fields import _field, _item, text


def _annotated(
    item: dict[str, Any], annotations: Mapping[tuple[str, str], list[Any]], assessment_id: str
) -> dict[str, Any]:
    """Add each annotation after the field it is about, as a field of its own."""
    fields = []
    for f in item["fields"]:
        fields.append(f)
        for n, note in enumerate(annotations.get((assessment_id, f["key"]), []), start=1):
            fields.append(
                _field(
                    f"{f['key']}__annotation_{n}", f'Annotation on "{f["label"]}" ({text(note.created_at)})', note.text
                )
            )
    item["fields"] = fields
    return item


def caf_items(child: Child, annotations: Mapping[tuple[str, str], list[Any]]) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    for checklist in Checklist.objects.filter(child=child).order_by("created_at"):
        items.append(
            _item(
                f"caf/checklists/{checklist.pk}",
                "Pre-assessment checklist",
                [
                    ("created_at", "Completed", checklist.created_at),
                    ("decision", "Decision", checklist.get_decision_display()),
                    ("requested_by", "Asked for by", checklist.get_requested_by_display()),
                    ("notes", "Notes", checklist.notes),
                    *[
                        (code, code.replace("_", " ").capitalize(), checklist.answer_label(code))
                        for code in checklist.answers
                    ],
                ],
            )
        )
    assessments = (
        Assessment.objects.filter(child=child).select_related("author", "author_organisation").order_by("started_on")
    )
    for a in assessments:
        base = f"caf/{a.pk}"
        items.append(
            _item(
                base,
                "Common Assessment Framework",
                [
                    ("reference", "Reference", a.reference),
                    ("status", "Status", a.get_status_display()),
                    ("author", "Assessor", a.author.get_full_name()),
                    ("organisation", "Organisation", a.author_organisation.name),
                    ("started_on", "Started", a.started_on),
                    ("completed_on", "Completed", a.completed_on),
                    ("version", "Current version", a.version),
                    ("next_review_on", "Next review", a.next_review_on),
                    ("closed_on", "Closed", a.closed_on),
                    ("closure_reason", "Closure reason", a.get_closure_reason_display()),
                    ("closure_notes", "Closure notes", a.closure_notes),
                ],
            )
        )
        for version in reversed(caf_selectors.versions_of(a)):
            fields = [("saved", "Saved", version.created_at), ("note", "Note", version.note)]
            fields += [
                (k, lbl, version.data.get(k, "")) for s in SECTIONS for k, lbl in s.fields if version.data.get(k)
            ]
            fields += [(k, FIELD_LABELS.get(k, k), v) for k, v in version.data.items() if k not in FIELD_LABELS and v]
            items.append(
                _annotated(
                    _item(f"{base}/versions/{version.number}", f"CAF version {version.number}", fields),
                    annotations,
                    str(a.pk),
                )
            )
        for member in a.members.select_related("organisation").order_by("added_on", "id"):
            items.append(
                _item(
                    f"{base}/team/{member.pk}",
                    "Member of the Team Around the Child",
                    [
                        ("name", "Name", member.label),
                        ("added_on", "Joined", member.added_on),
                        ("removed_on", "Left", member.removed_on),
                    ],
                )
            )
        for lead in caf_selectors.lead_history(a):
            items.append(
                _item(
                    f"{base}/leads/{lead.pk}",
                    "Lead professional",
                    [
                        ("name", "Name", lead.member.name),
                        ("reason", "Why chosen", lead.reason),
                        ("started_on", "From", lead.started_on),
                        ("ended_on", "Until", lead.ended_on),
                        ("handover_note", "Handover note", lead.handover_note),
                    ],
                )
            )
        for meeting in caf_selectors.meetings_of(a):
            items.append(
                _item(
                    f"{base}/meetings/{meeting.pk}",
                    "Team Around the Child meeting",
                    [
                        ("held_on", "Held", meeting.held_on),
                        ("attendees", "Present", [m.name for m in meeting.attendees.all()]),
                        ("notes", "Notes", meeting.notes),
                    ],
                )
            )
        for action in caf_selectors.actions_of(a):
            items.append(
                _item(
                    f"{base}/plan/{action.pk}",
                    "Action in the delivery plan",
                    [
                        ("what", "What", action.what),
                        ("who", "Who", action.responsible.name),
                        ("due_on", "By", action.due_on),
                        ("outcome_wanted", "Outcome wanted", action.outcome_wanted),
                        ("progress", "Progress", action.get_progress_display()),
                        ("comments", "Comments", action.comments),
                    ],
                )
            )
        for review in caf_selectors.reviews_of(a):
            items.append(
                _item(
                    f"{base}/reviews/{review.pk}",
                    "Review",
                    [
                        ("held_on", "Held", review.held_on),
                        ("present", "Present", review.present),
                        ("progress_notes", "Progress", review.progress_notes),
                        ("new_needs", "New needs", review.new_needs),
                        ("child_comments", "The child's comments", review.child_comments),
                        ("parent_comments", "The parent's comments", review.parent_comments),
                        ("next_review_on", "Next review", review.next_review_on),
                    ],
                )
            )
        for ref in caf_selectors.specialist_referrals_of(a):
            items.append(
                _item(
                    f"{base}/specialist/{ref.pk}",
                    "Specialist assessment",
                    [
                        ("kind", "Kind", ref.get_kind_display()),
                        ("agency", "Agency", ref.agency),
                        ("referred_on", "Referred", ref.referred_on),
                        ("outcome", "Outcome", ref.outcome),
                    ],
                )
            )
    return items
