"""Rectification: facts corrected through the index's own service, opinions annotated."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from ecm.accounts.access import actor_person
from ecm.audit.services import audit_record
from ecm.caf.framework import FIELD_LABELS
from ecm.caf.models import Assessment
from ecm.core import clock
from ecm.core.actors import Actor
from ecm.index.choices import Gender
from ecm.index.models import Child
from ecm.index.services import IndexRuleError, child_update
from ecm.rights.choices import (
    IndexField,
    RectificationKind,
    RectificationStatus,
    Relationship,
)
from ecm.rights.models import Annotation, RectificationRequest
from ecm.rights.services.common import RightsError, require


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
    actor: Actor,
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
    require(kind in RectificationKind.values, "Choose whether this is a fact or an opinion.")
    require(bool(requester_name.strip()), "Enter the name of the person asking.")
    require(relationship in Relationship.values, "Choose the requester's relationship to the child.")
    require(bool(proposed_value.strip()), "Enter what the requester says is right.")
    require(received_on <= clock.today(), "The date the request was received cannot be in the future.")
    if kind == RectificationKind.FACT:
        require(index_field in IndexField.values, "Choose which detail on the index is wrong.")
        current = current_fact(child, index_field)
        assessment, field_key = None, ""
    else:
        require(assessment is not None and assessment.child_id == child.pk, "Choose the CAF the opinion is in.")
        assert assessment is not None
        require(field_key in FIELD_LABELS, "Choose the part of the CAF the opinion is in.")
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
        require(
            code is not None, "The gender must be one of: " + ", ".join(str(lbl) for _, lbl in Gender.choices) + "."
        )
        return {"gender": code}
    if field == IndexField.ADDRESS:
        lines = [line.strip() for line in value.replace(",", "\n").splitlines() if line.strip()]
        require(len(lines) >= 2, "Write the address with the first line and the postcode on separate lines.")
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


def _decide(rectification: RectificationRequest, actor: Actor, status: str, reason: str) -> None:
    actor = actor_person(actor)
    rectification.status = status
    rectification.decided_by = actor
    rectification.decided_on = clock.today()
    rectification.decision_reason = reason.strip()
    rectification.stamp(actor)
    rectification.save()


@transaction.atomic
def rectification_approve(
    *, actor: Actor, rectification: RectificationRequest, reason: str = ""
) -> RectificationRequest:
    """Approve a request: correct a fact through the index's service, or annotate an opinion.

    The index keeps the old name or address as history; ``previous_value`` keeps what was there.
    """
    require(rectification.status == RectificationStatus.PENDING, "This request has already been decided.")
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
def rectification_reject(*, actor: Actor, rectification: RectificationRequest, reason: str) -> RectificationRequest:
    """Refuse a request with the reason; the requester is told they may complain to the ICO."""
    require(rectification.status == RectificationStatus.PENDING, "This request has already been decided.")
    require(bool(reason.strip()), "Record the reason for refusing.")
    _decide(rectification, actor, RectificationStatus.REJECTED, reason)
    audit_record(
        actor=actor,
        action="rights.rectification_rejected",
        target=rectification,
        reason=reason.strip(),
        data={"child_id": str(rectification.child_id), "kind": rectification.kind},
    )
    return rectification
