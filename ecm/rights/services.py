"""Writes for subject access and rectification. Every function is atomic and audited.

Facts are corrected through the index's own service (``child_update``), which keeps the old
name or address as history; opinions in an assessment are annotated, never changed.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.db import transaction

from ecm.audit.services import audit_record
from ecm.caf.framework import FIELD_LABELS
from ecm.caf.models import Assessment
from ecm.core import clock
from ecm.index.choices import Gender
from ecm.index.models import Child
from ecm.index.services import IndexRuleError, child_update
from ecm.rights import deadlines
from ecm.rights.choices import (
    IndexField,
    ReceivedBy,
    RectificationKind,
    RectificationStatus,
    RedactionReason,
    RefusalGround,
    Relationship,
    RequestStatus,
)
from ecm.rights.models import AccessPackage, AccessRequest, Annotation, RectificationRequest, Redaction
from ecm.rights.package import package_build, package_paths

ICO_COMPLAINT = (
    "The requester may complain to the Information Commissioner's Office (ico.org.uk, 0303 123 1113) "
    "if they are unhappy with this answer."
)
REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


class RightsError(ValueError):
    """A rule of subject access or rectification was broken; the message is for the data manager."""


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise RightsError(message)


def _new_reference() -> str:
    while True:
        ref = "SAR-" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(6))
        if not AccessRequest.objects.filter(reference=ref).exists():
            return ref


# Subject access -----------------------------------------------------------------------------


@transaction.atomic
def access_request_log(
    *,
    actor: Any,
    child: Child,
    requester_name: str,
    relationship: str,
    received_on: dt.date,
    received_by: str,
    relationship_detail: str = "",
    requester_contact: str = "",
    request_text: str = "",
    identity_checked: bool = False,
    identity_evidence: str = "",
) -> AccessRequest:
    """Log a subject access request in any form it arrived in; the deadline is one calendar month."""
    _require(bool(requester_name.strip()), "Enter the name of the person asking.")
    _require(relationship in Relationship.values, "Choose the requester's relationship to the child.")
    _require(received_by in ReceivedBy.values, "Choose how the request arrived.")
    _require(received_on <= clock.today(), "The date the request was received cannot be in the future.")
    _require(
        not identity_checked or bool(identity_evidence.strip()),
        "Say how the requester's identity was checked (for example, which documents were seen).",
    )
    request = AccessRequest(
        reference=_new_reference(),
        child=child,
        requester_name=requester_name.strip(),
        relationship=relationship,
        relationship_detail=relationship_detail.strip(),
        requester_contact=requester_contact.strip(),
        received_on=received_on,
        received_by=received_by,
        request_text=request_text.strip(),
        identity_checked=identity_checked,
        identity_evidence=identity_evidence.strip(),
        due_on=deadlines.due_date(received_on),
    )
    request.stamp(actor, creating=True)
    request.save()
    audit_record(
        actor=actor,
        action="rights.request_logged",
        target=request,
        data={
            "child_id": str(child.pk),
            "reference": request.reference,
            "relationship": relationship,
            "received_on": received_on.isoformat(),
            "due_on": request.due_on.isoformat(),
            "identity_checked": identity_checked,
        },
    )
    return request


def _open(request: AccessRequest) -> None:
    _require(request.is_open, f"Request {request.reference} is already {request.get_status_display().lower()}.")


@transaction.atomic
def access_request_identity_confirm(*, actor: Any, request: AccessRequest, evidence: str) -> AccessRequest:
    """Record that the requester's identity (and their right to the child's data) has been checked."""
    _open(request)
    _require(bool(evidence.strip()), "Say how the requester's identity was checked.")
    request.identity_checked = True
    request.identity_evidence = evidence.strip()
    request.stamp(actor)
    request.save()
    audit_record(
        actor=actor, action="rights.identity_confirmed", target=request, data={"child_id": str(request.child_id)}
    )
    return request


@transaction.atomic
def access_request_extend(
    *, actor: Any, request: AccessRequest, months: int, reason: str, notified_on: dt.date
) -> AccessRequest:
    """Extend the deadline once, by one or two months, for a complex request, inside the first month.

    The requester must have been told (``notified_on``) within the first month as well.
    """
    _open(request)
    today = clock.today()
    _require(request.extended_due_on is None, "This request has already been extended; it can be extended only once.")
    _require(
        deadlines.extension_allowed_on(request.received_on, today),
        f"The first month ended on {request.due_on:%-d %B %Y}: it is too late to extend.",
    )
    _require(months in (1, 2), "Choose an extension of one or two months.")
    _require(bool(reason.strip()), "Say why the request needs more time (for example, why it is complex).")
    _require(
        request.received_on <= notified_on <= min(today, request.due_on),
        "The requester must be told of the extension within the first month, on or before today.",
    )
    request.extended_due_on = deadlines.extended_due_date(request.received_on, months)
    request.extension_reason = reason.strip()
    request.extension_decided_on = today
    request.requester_notified_on = notified_on
    request.stamp(actor)
    request.save()
    audit_record(
        actor=actor,
        action="rights.request_extended",
        target=request,
        reason=reason.strip(),
        data={
            "child_id": str(request.child_id),
            "months": months,
            "due_on": request.due_on.isoformat(),
            "extended_due_on": request.extended_due_on.isoformat(),
            "notified_on": notified_on.isoformat(),
        },
    )
    return request


@transaction.atomic
def access_package_compile(*, actor: Any, request: AccessRequest) -> AccessPackage:
    """Gather everything held about the child into the request's package (a sensitive read, audited).

    Compiling again replaces the content; redactions whose path still exists are kept.
    """
    _open(request)
    now = clock.now()
    # The audit comes first so that the access log inside the package shows this compilation too.
    audit_record(
        actor=actor,
        action="rights.package_compiled",
        target=request,
        reason=f"Subject access request {request.reference}",
        data={"child_id": str(request.child_id), "reference": request.reference},
    )
    data = package_build(child=request.child, request=request, compiled_at=now)
    package = AccessPackage.objects.filter(request=request).first() or AccessPackage(request=request)
    creating = package._state.adding
    package.data = data
    package.compiled_at = now
    package.stamp(actor, creating=creating)
    package.save()
    paths = package_paths(data)
    request.redactions.exclude(path__in=list(paths)).delete()
    return package


@transaction.atomic
def redaction_add(*, actor: Any, request: AccessRequest, path: str, reason: str, note: str) -> Redaction:
    """Withhold one item or field of the package from the requester, with the reason."""
    _open(request)
    package = AccessPackage.objects.filter(request=request).first()
    _require(package is not None, "Compile the package before redacting it.")
    assert package is not None
    _require(path in package_paths(package.data), "That part of the package does not exist.")
    _require(reason in RedactionReason.values, "Choose why this is withheld.")
    _require(bool(note.strip()), "Explain the redaction for the file (it is not released).")
    _require(not request.redactions.filter(path=path).exists(), "That part is already redacted.")
    redaction = Redaction(request=request, path=path, reason=reason, note=note.strip())
    redaction.stamp(actor, creating=True)
    redaction.save()
    audit_record(
        actor=actor,
        action="rights.redaction_added",
        target=redaction,
        reason=note.strip(),
        data={"child_id": str(request.child_id), "reference": request.reference, "path": path, "reason": reason},
    )
    return redaction


@transaction.atomic
def redaction_remove(*, actor: Any, redaction: Redaction) -> None:
    """Put a redacted part back into the package before release."""
    request = redaction.request
    _open(request)
    audit_record(
        actor=actor,
        action="rights.redaction_removed",
        target=redaction,
        data={"child_id": str(request.child_id), "reference": request.reference, "path": redaction.path},
    )
    redaction.delete()


@transaction.atomic
def access_request_release(*, actor: Any, request: AccessRequest) -> AccessRequest:
    """Release the redacted package to the requester: identity checked, package compiled."""
    _open(request)
    _require(request.identity_checked, "Check and record the requester's identity before releasing anything.")
    _require(AccessPackage.objects.filter(request=request).exists(), "Compile the package before releasing it.")
    request.status = RequestStatus.RELEASED
    request.closed_on = clock.today()
    request.stamp(actor)
    request.save()
    audit_record(
        actor=actor,
        action="rights.request_released",
        target=request,
        data={
            "child_id": str(request.child_id),
            "reference": request.reference,
            "redactions": request.redactions.count(),
            "on_time": request.closed_on <= request.effective_due_on,
        },
    )
    return request


@transaction.atomic
def access_request_refuse(*, actor: Any, request: AccessRequest, ground: str, reason: str) -> AccessRequest:
    """Refuse the request with a recorded ground and reason (the requester may complain to the ICO)."""
    _open(request)
    _require(ground in RefusalGround.values, "Choose the ground for refusing.")
    _require(bool(reason.strip()), "Record the reason for refusing.")
    request.status = RequestStatus.REFUSED
    request.refusal_ground = ground
    request.refusal_reason = reason.strip()
    request.closed_on = clock.today()
    request.stamp(actor)
    request.save()
    audit_record(
        actor=actor,
        action="rights.request_refused",
        target=request,
        reason=reason.strip(),
        data={"child_id": str(request.child_id), "reference": request.reference, "ground": ground},
    )
    return request


# Rectification ------------------------------------------------------------------------------


def current_fact(child: Child, field: str) -> str:
    """The index's current value of a correctable fact, as text."""
    if field == IndexField.ADDRESS:
        address = child.addresses.filter(is_current=True).first()
        return str(address) if address else ""
    if field == IndexField.GENDER:
        return child.get_gender_display()
    value = getattr(child, field)
    return value.isoformat() if isinstance(value, dt.date) else str(value or "")


@transaction.atomic
def rectification_log(
    *,
    actor: Any,
    child: Child,
    kind: str,
    proposed_value: str,
    requester_name: str,
    relationship: str,
    received_on: dt.date,
    evidence: str = "",
    index_field: str = "",
    assessment: Assessment | None = None,
    field_key: str = "",
) -> RectificationRequest:
    """Log a request to correct a fact on the index, or to dispute an opinion in a CAF."""
    _require(kind in RectificationKind.values, "Choose whether this is a fact or an opinion.")
    _require(bool(requester_name.strip()), "Enter the name of the person asking.")
    _require(relationship in Relationship.values, "Choose the requester's relationship to the child.")
    _require(bool(proposed_value.strip()), "Enter what the requester says is right.")
    _require(received_on <= clock.today(), "The date the request was received cannot be in the future.")
    if kind == RectificationKind.FACT:
        _require(index_field in IndexField.values, "Choose which detail on the index is wrong.")
        current = current_fact(child, index_field)
        assessment, field_key = None, ""
    else:
        _require(assessment is not None and assessment.child_id == child.pk, "Choose the CAF the opinion is in.")
        assert assessment is not None
        _require(field_key in FIELD_LABELS, "Choose the part of the CAF the opinion is in.")
        latest = assessment.versions.order_by("-number").first()
        current = (latest.data.get(field_key, "") if latest else "") or ""
        index_field = ""
    rectification = RectificationRequest(
        child=child,
        kind=kind,
        index_field=index_field,
        assessment=assessment,
        field_key=field_key,
        current_value=current,
        proposed_value=proposed_value.strip(),
        requester_name=requester_name.strip(),
        relationship=relationship,
        evidence=evidence.strip(),
        received_on=received_on,
    )
    rectification.stamp(actor, creating=True)
    rectification.save()
    audit_record(
        actor=actor,
        action="rights.rectification_logged",
        target=rectification,
        data={"child_id": str(child.pk), "kind": kind, "field": index_field or field_key},
    )
    return rectification


def _parse_fact(field: str, value: str) -> dict[str, Any]:
    """The keyword arguments for ``child_update`` that set ``field`` to the requested value."""
    value = value.strip()
    if field == IndexField.DATE_OF_BIRTH:
        try:
            return {"date_of_birth": dt.date.fromisoformat(value)}
        except ValueError:
            raise RightsError("Write the date of birth as year-month-day, for example 2015-03-27.") from None
    if field == IndexField.GENDER:
        by_label = {str(label).lower(): code for code, label in Gender.choices}
        code = value.lower() if value.lower() in Gender.values else by_label.get(value.lower())
        _require(
            code is not None, "The gender must be one of: " + ", ".join(str(lbl) for _, lbl in Gender.choices) + "."
        )
        return {"gender": code}
    if field == IndexField.ADDRESS:
        lines = [line.strip() for line in value.replace(",", "\n").splitlines() if line.strip()]
        _require(len(lines) >= 2, "Write the address with the first line and the postcode on separate lines.")
        town = lines[-2] if len(lines) >= 3 else ""
        middle = lines[1:-2] if len(lines) >= 3 else []
        return {
            "address": {
                "address_line_1": lines[0],
                "address_line_2": ", ".join(middle),
                "town": town,
                "postcode": lines[-1],
            }
        }
    return {field: value}


def _decide(rectification: RectificationRequest, actor: Any, status: str, reason: str) -> None:
    rectification.status = status
    rectification.decided_by = actor
    rectification.decided_on = clock.today()
    rectification.decision_reason = reason.strip()
    rectification.stamp(actor)
    rectification.save()


@transaction.atomic
def rectification_approve(*, actor: Any, rectification: RectificationRequest, reason: str = "") -> RectificationRequest:
    """Approve a request: correct a fact through the index's service, or annotate an opinion.

    The index keeps the old name or address as history; ``previous_value`` keeps what was there.
    """
    _require(rectification.status == RectificationStatus.PENDING, "This request has already been decided.")
    # A fresh copy: a refused earlier attempt may have left unsaved values on the cached one.
    child = Child.objects.get(pk=rectification.child_id)
    if rectification.kind == RectificationKind.FACT:
        previous = current_fact(child, rectification.index_field)
        try:
            child_update(
                actor=actor, child=child, **_parse_fact(rectification.index_field, rectification.proposed_value)
            )
        except IndexRuleError as exc:
            raise RightsError(str(exc)) from None
        rectification.previous_value = previous
        _decide(rectification, actor, RectificationStatus.APPLIED, reason)
    else:
        assert rectification.assessment is not None
        note = Annotation(
            child=child,
            assessment=rectification.assessment,
            field_key=rectification.field_key,
            rectification=rectification,
            text=(
                f"{rectification.requester_name} ({rectification.get_relationship_display().lower()}) disputes this "
                f"and says: {rectification.proposed_value}"
                + (f" Data manager's note: {reason.strip()}" if reason.strip() else "")
            ),
        )
        note.stamp(actor, creating=True)
        note.save()
        rectification.previous_value = rectification.current_value
        _decide(rectification, actor, RectificationStatus.ANNOTATED, reason)
    audit_record(
        actor=actor,
        action="rights.rectification_approved",
        target=rectification,
        reason=reason.strip(),
        data={
            "child_id": str(child.pk),
            "kind": rectification.kind,
            "field": rectification.index_field or rectification.field_key,
            "status": rectification.status,
        },
    )
    return rectification


@transaction.atomic
def rectification_reject(*, actor: Any, rectification: RectificationRequest, reason: str) -> RectificationRequest:
    """Refuse a request with the reason; the requester is told they may complain to the ICO."""
    _require(rectification.status == RectificationStatus.PENDING, "This request has already been decided.")
    _require(bool(reason.strip()), "Record the reason for refusing.")
    _decide(rectification, actor, RectificationStatus.REJECTED, reason)
    audit_record(
        actor=actor,
        action="rights.rectification_rejected",
        target=rectification,
        reason=reason.strip(),
        data={"child_id": str(rectification.child_id), "kind": rectification.kind},
    )
    return rectification
