"""Checklist, starting a CAF, saving versions, completing, the family's copy, consent withdrawal
and the safeguarding escape. Every function is atomic and audited."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.db import transaction

from ecm.accounts.access import actor_person
from ecm.audit.services import audit_record
from ecm.caf.choices import Answer, CafStatus, ChecklistDecision, MemberKind, RequestedBy
from ecm.caf.framework import CHECKLIST_QUESTIONS, ELEMENT_CODES, FIELD_LABELS, REQUIRED_TO_COMPLETE, element_of
from ecm.caf.models import Assessment, AssessmentVersion, Checklist, SafeguardingEscalation, TeamMember
from ecm.caf.services.common import CafError, ensure_involvement, notify, require
from ecm.consent.models import ConsentRecord
from ecm.consent.selectors import active_consents
from ecm.consent.services import consent_refusal_note, consent_withdraw
from ecm.core import clock
from ecm.core.actors import Actor
from ecm.index import services as index_services
from ecm.index.choices import CafStatus as IndexCafStatus
from ecm.index.models import Child
from ecm.index.visibility import ARCHIVED_READ_ONLY, child_writable, children_writable, copyable_details

REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


@transaction.atomic
def checklist_save(
    *,
    actor: Actor,
    answers: dict[str, str],
    decision: str,
    notes: str = "",
    working_name: str = "",
    child: Child | None = None,
    requested_by: str = RequestedBy.PRACTITIONER,
) -> Checklist:
    """Save a pre-assessment checklist and its decision; the child may not be identified yet."""
    actor = actor_person(actor)
    codes = {code for _, code, _ in CHECKLIST_QUESTIONS}
    require(set(answers) == codes, "Answer every question.")
    require(all(a in Answer.values for a in answers.values()), "Answer yes, no or not sure.")
    require(decision in ChecklistDecision.values, "Choose what you decided.")
    require(requested_by in RequestedBy.values, "Choose who asked for the assessment.")
    checklist = Checklist(
        practitioner=actor,
        child=child,
        working_name=working_name.strip(),
        answers=answers,
        decision=decision,
        notes=notes.strip(),
        requested_by=requested_by,
    )
    checklist.stamp(actor, creating=True)
    checklist.save()
    audit_record(
        actor=actor,
        action="caf.checklist_saved",
        target=checklist,
        data={"decision": decision, "child_id": str(child.pk) if child else None},
    )
    return checklist


@transaction.atomic
def refusal_to_record_note(
    *, actor: Actor, scopes_refused: list[str], note: str, checklist: Checklist | None = None
) -> Any:
    """The family refused consent to record: note it in the practitioner's own records and keep nothing else.

    The checklist that led here (its answers, its decision, the child it was linked to) is removed; if a
    request for a CAF was already made from it, it is unlinked from the child and its answers and notes
    are emptied instead. Only the practitioner's own :class:`RefusalNote` remains. The audit trail keeps
    that a checklist was removed, not whose it was about.
    """
    actor = actor_person(actor)
    refusal = consent_refusal_note(actor=actor, scopes_refused=scopes_refused, note=note)
    if checklist is None:
        return refusal
    require(checklist.practitioner_id == actor.pk, "You can remove only your own checklist.")
    require(
        not Assessment.objects.filter(checklist=checklist).exists(),
        "A CAF was started from this checklist: withdraw consent on the CAF instead.",
    )
    if checklist.requests.exists():
        checklist.child = None
        checklist.answers = {}
        checklist.notes = ""
        checklist.working_name = ""
        checklist.stamp(actor)
        checklist.save()
        outcome = "emptied"
    else:
        checklist.delete()
        outcome = "removed"
    audit_record(
        actor=actor,
        action="caf.checklist_discarded_on_refusal",
        target=refusal,
        data={"checklist": outcome},
    )
    return refusal


@transaction.atomic
def checklist_link_child(*, actor: Actor, checklist: Checklist, child: Child) -> Checklist:
    """Identify the child of a checklist saved before they were found on the index."""
    actor = actor_person(actor)
    require(checklist.practitioner_id == actor.pk, "You can change only your own checklist.")
    checklist.child = child
    checklist.stamp(actor)
    checklist.save()
    audit_record(actor=actor, action="caf.checklist_child_linked", target=checklist, data={"child_id": str(child.pk)})
    return checklist


def _new_reference() -> str:
    while True:
        reference = "CAF-" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(6))
        if not Assessment.objects.filter(reference=reference).exists():
            return reference


def _identifying_details(child: Child) -> dict[str, str]:
    # Only what the visibility rule lets leave the index: no address for a shielded child.
    address = copyable_details(child).address
    born = child.date_of_birth or child.expected_delivery_date
    names = [child.display_name, *(f"{n.given_name} {n.family_name}" for n in child.previous_names)]
    return {
        "names": "; ".join(names),
        "gender": child.get_gender_display(),
        "date_of_birth": born.strftime("%-d %B %Y") if born else "",
        "address": address,
        "identifiers": f"Index number {child.formatted_index_number}",
    }


@transaction.atomic
def assessment_start(
    *,
    actor: Actor,
    child: Child,
    consent: ConsentRecord,
    checklist: Checklist | None = None,
    requested_by: str = RequestedBy.PRACTITIONER,
    existing_acknowledged: bool = False,
    stepped_down_from: str = "",
) -> Assessment:
    """Start a CAF with consent to undertake and record; sets "has undertaken a CAF" on the index.

    ``stepped_down_from`` names the specialist service (a ``SpecialistKind``) that stepped the child down.
    """
    actor = actor_person(actor)
    from ecm.caf.selectors import existing_cafs

    require(child_writable(child), ARCHIVED_READ_ONLY)
    require(
        consent.child_id == child.pk and consent.is_active and consent.undertake and consent.record,
        "A CAF needs standing consent to undertake and record the assessment.",
    )
    require(consent.organisation_id == actor.organisation_id, "The consent was given to another organisation.")
    held = existing_cafs(child)
    require(
        not [h for h in held if h.is_ecaf],
        "A CAF is already open for this child: contact its holder instead of starting a second one.",
    )
    require(not held or existing_acknowledged, "Confirm you have contacted the holder of the existing CAF.")
    today = clock.today()
    assessment = Assessment(
        reference=_new_reference(),
        child=child,
        author=actor,
        author_organisation=actor.organisation,
        consent=consent,
        checklist=checklist,
        requested_by=requested_by,
        started_on=today,
        stepped_down_from=stepped_down_from,
    )
    assessment.stamp(actor, creating=True)
    assessment.save()
    member = TeamMember(
        assessment=assessment,
        kind=MemberKind.PRACTITIONER,
        user=actor,
        organisation=actor.organisation,
        name=actor.get_full_name() or actor.username,
        added_on=today,
    )
    member.stamp(actor, creating=True)
    member.save()
    audit_record(
        actor=actor,
        action="caf.started",
        target=assessment,
        data={"child_id": str(child.pk), "reference": assessment.reference, "existing_acknowledged": bool(held)},
    )
    _write_version(actor=actor, assessment=assessment, data=_identifying_details(child), note="Started")
    involvement = ensure_involvement(actor=actor, child=child, user=actor)
    index_services.involvement_set_flags(
        actor=actor,
        involvement=involvement,
        has_undertaken_caf=True,
        caf_started_on=today,
        caf_status=IndexCafStatus.OPEN,
    )
    return assessment


def latest_data(assessment: Assessment) -> dict[str, str]:
    latest = assessment.versions.order_by("-number").first()
    return dict(latest.data) if latest else {}


def _write_version(*, actor: Actor, assessment: Assessment, data: dict[str, str], note: str) -> AssessmentVersion:
    require(child_writable(assessment.child), ARCHIVED_READ_ONLY)
    assessment.version += 1
    assessment.stamp(actor)
    assessment.save()
    version = AssessmentVersion(assessment=assessment, number=assessment.version, data=data, note=note)
    version.stamp(actor, creating=True)
    version.save()
    audit_record(
        actor=actor,
        action="caf.version_saved",
        target=assessment,
        data={"version": version.number, "note": note, "fields": sorted(data)},
    )
    return version


@transaction.atomic
def assessment_save_section(
    *,
    actor: Actor,
    assessment: Assessment,
    values: dict[str, str],
    note: str = "Draft saved",
    autosave_of_version: int | None = None,
) -> AssessmentVersion | None:
    """Save a section as a new immutable version (nothing is written when nothing changed).

    Elements the family does not want recorded are refused: they never reach the form.
    ``autosave_of_version``: a background autosave of a page showing that version. If a newer
    version was saved meanwhile (the practitioner pressed a button, or another tab saved), the
    autosave is stale and is dropped rather than overwrite newer answers.
    """
    current = Assessment.objects.select_for_update().get(pk=assessment.pk)
    assessment.version = current.version
    if autosave_of_version is not None and current.version != autosave_of_version:
        return None
    require(assessment.is_open, "A closed CAF cannot be changed.")
    withheld = set(assessment.consent.withheld_elements)
    for key, value in values.items():
        require(key in FIELD_LABELS, f"Unknown field {key}.")
        require(
            not (element_of(key) in withheld and (value or "").strip()),
            "The family does not want this element recorded.",
        )
    data = latest_data(assessment)
    changed = False
    for key, value in values.items():
        clean = (value or "").strip()
        if element_of(key) in withheld:
            continue
        if data.get(key, "") != clean:
            changed = True
            if clean:
                data[key] = clean
            else:
                data.pop(key, None)
    if not changed:
        return None
    return _write_version(actor=actor, assessment=assessment, data=data, note=note)


def completion_problems(assessment: Assessment) -> dict[str, str]:
    """What must be filled in before the CAF can be completed: {field: message}."""
    data = latest_data(assessment)
    problems = {key: f"Enter {FIELD_LABELS[key].lower()}" for key in REQUIRED_TO_COMPLETE if not data.get(key)}
    if not any(element_of(k) in ELEMENT_CODES for k in data):
        problems["elements"] = "Record strengths or needs for at least one element of the assessment"
    return problems


@transaction.atomic
def assessment_complete(*, actor: Actor, assessment: Assessment, consent_confirmed: bool) -> Assessment:
    """Complete the assessment; consent to record and share is confirmed against this version."""
    require(assessment.status == CafStatus.DRAFT, "This CAF is already completed.")
    problems = completion_problems(assessment)
    require(not problems, "; ".join(problems.values()))
    require(consent_confirmed, "Confirm the family consented to record and share the assessment as written.")
    assessment.status = CafStatus.COMPLETED
    assessment.completed_on = clock.today()
    assessment.next_review_on = assessment.completed_on + dt.timedelta(weeks=assessment.review_interval_weeks)
    _write_version(actor=actor, assessment=assessment, data=latest_data(assessment), note="Completed")
    audit_record(
        actor=actor,
        action="caf.completed",
        target=assessment,
        data={"version": assessment.version, "next_review_on": assessment.next_review_on.isoformat()},
    )
    return assessment


@transaction.atomic
def family_copy_set(*, actor: Actor, assessment: Assessment, withheld: bool, reason: str = "") -> Assessment:
    """Record whether the family's copy is withheld because giving it would put the child at risk."""
    require(not withheld or bool(reason.strip()), "Say why giving the family a copy would put the child at risk.")
    assessment.family_copy_withheld = withheld
    assessment.family_copy_withheld_reason = reason.strip() if withheld else ""
    assessment.stamp(actor)
    assessment.save()
    audit_record(
        actor=actor, action="caf.family_copy_set", target=assessment, reason=reason.strip(), data={"withheld": withheld}
    )
    return assessment


@transaction.atomic
def assessment_consent_withdraw(*, actor: Actor, assessment: Assessment, reason: str) -> Assessment:
    """The family withdraws consent: every standing consent for the child ends, so all sharing that
    rests on consent stops at once, and the team is told."""
    require(assessment.consent.is_active, "Consent has already been withdrawn.")
    for consent in active_consents(assessment.child):
        consent_withdraw(actor=actor, consent=consent, reason=reason)
    audit_record(actor=actor, action="caf.consent_withdrawn", target=assessment, reason=reason.strip())
    from ecm.caf.selectors import team_users

    notify(
        actor=actor,
        recipients=[*team_users(assessment), assessment.author],
        subject=f"Consent withdrawn for CAF {assessment.reference}",
        body="The family has withdrawn consent. Sharing has stopped; you may no longer be able to see this CAF.",
    )
    return assessment


@transaction.atomic
def safeguarding_escalate(*, actor: Actor, assessment: Assessment | None = None, from_page: str = "") -> Any:
    """Record that a practitioner followed the safeguarding escape to the area's contact."""
    actor = actor_person(actor)
    escalation = SafeguardingEscalation(practitioner=actor, assessment=assessment, from_page=from_page[:300])
    escalation.stamp(actor, creating=True)
    escalation.save()
    audit_record(
        actor=actor,
        action="caf.safeguarding_escalated",
        target=escalation,
        data={"assessment": assessment.reference if assessment else None, "from_page": from_page[:300]},
    )
    return escalation


__all__ = ["CafError"]


def identifying_details_map(*, actor: Actor) -> int:
    """Rewrite free-text identifying details of open CAFs onto the census and language lists.

    Each CAF whose latest version has an answer that maps (``"white british"``, ``"Islam"``,
    ``"punjabi"``) gets a new version with the mapped words; earlier versions are never
    changed, and an answer that maps to nothing is kept exactly as it was. The data migration
    ``caf/0008`` did this once on upgrading, with the same mapping (``identity.map_identifying``);
    this re-runs it. Returns how many CAFs got a new version.
    """
    from ecm.caf.identity import MAPPED_NOTE, map_identifying

    changed = 0
    open_cafs = Assessment.objects.filter(children_writable("child__")).exclude(status=CafStatus.CLOSED)
    for assessment in open_cafs.select_related("consent"):
        mapped, _unmapped = map_identifying(latest_data(assessment))
        if mapped:
            with transaction.atomic():
                assessment_save_section(actor=actor, assessment=assessment, values=mapped, note=MAPPED_NOTE)
            changed += 1
    return changed
