"""Subject access requests: logging, identity, extension, the package, redaction, release and refusal."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from ecm.audit.services import audit_record
from ecm.core import clock
from ecm.core.actors import Actor
from ecm.index.models import Child
from ecm.rights import deadlines
from ecm.rights.choices import (
    ReceivedBy,
    RedactionReason,
    RefusalGround,
    Relationship,
    RequestStatus,
)
from ecm.rights.models import AccessPackage, AccessRequest, Redaction
from ecm.rights.package import package_build
from ecm.rights.render import package_paths
from ecm.rights.services.common import new_reference, require


@transaction.atomic
def access_request_log(
    *,
    actor: Actor,
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
    require(bool(requester_name.strip()), "Enter the name of the person asking.")
    require(relationship in Relationship.values, "Choose the requester's relationship to the child.")
    require(received_by in ReceivedBy.values, "Choose how the request arrived.")
    require(received_on <= clock.today(), "The date the request was received cannot be in the future.")
    require(
        not identity_checked or bool(identity_evidence.strip()),
        "Say how the requester's identity was checked (for example, which documents were seen).",
    )
    request = AccessRequest(
        reference=new_reference(),
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
    require(request.is_open, f"Request {request.reference} is already {request.get_status_display().lower()}.")


@transaction.atomic
def access_request_identity_confirm(*, actor: Actor, request: AccessRequest, evidence: str) -> AccessRequest:
    """Record that the requester's identity (and their right to the child's data) has been checked."""
    _open(request)
    require(bool(evidence.strip()), "Say how the requester's identity was checked.")
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
    *, actor: Actor, request: AccessRequest, months: int, reason: str, notified_on: dt.date
) -> AccessRequest:
    """Extend the deadline once, by one or two months, for a complex request, inside the first month.

    The requester must have been told (``notified_on``) within the first month as well.
    """
    _open(request)
    today = clock.today()
    require(request.extended_due_on is None, "This request has already been extended; it can be extended only once.")
    require(
        deadlines.extension_allowed_on(request.received_on, today),
        f"The first month ended on {request.due_on:%-d %B %Y}: it is too late to extend.",
    )
    require(months in (1, 2), "Choose an extension of one or two months.")
    require(bool(reason.strip()), "Say why the request needs more time (for example, why it is complex).")
    require(
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
def access_package_compile(*, actor: Actor, request: AccessRequest) -> AccessPackage:
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
    # A redaction of something no longer held has nothing to hide; say which ones went.
    gone = request.redactions.exclude(path__in=list(package_paths(data)))
    dropped = sorted(gone.values_list("path", flat=True))
    if dropped:
        audit_record(
            actor=actor,
            action="rights.redactions_dropped",
            target=request,
            data={"child_id": str(request.child_id), "reference": request.reference, "paths": dropped},
        )
        gone.delete()
    return package


@transaction.atomic
def redaction_add(*, actor: Actor, request: AccessRequest, path: str, reason: str, note: str) -> Redaction:
    """Withhold one item or field of the package from the requester, with the reason."""
    _open(request)
    package = AccessPackage.objects.filter(request=request).first()
    require(package is not None, "Compile the package before redacting it.")
    assert package is not None
    require(path in package_paths(package.data), "That part of the package does not exist.")
    require(reason in RedactionReason.values, "Choose why this is withheld.")
    require(bool(note.strip()), "Explain the redaction for the file (it is not released).")
    require(not request.redactions.filter(path=path).exists(), "That part is already redacted.")
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
def redaction_remove(*, actor: Actor, redaction: Redaction) -> None:
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
def access_request_release(*, actor: Actor, request: AccessRequest) -> AccessRequest:
    """Release the redacted package to the requester: identity checked, package compiled."""
    _open(request)
    require(request.identity_checked, "Check and record the requester's identity before releasing anything.")
    require(AccessPackage.objects.filter(request=request).exists(), "Compile the package before releasing it.")
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
def access_request_refuse(*, actor: Actor, request: AccessRequest, ground: str, reason: str) -> AccessRequest:
    """Refuse the request with a recorded ground and reason (the requester may complain to the ICO)."""
    _open(request)
    require(ground in RefusalGround.values, "Choose the ground for refusing.")
    require(bool(reason.strip()), "Record the reason for refusing.")
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
