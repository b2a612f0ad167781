"""Reads for the data manager's pages: the task list, a request, its package as released (audited)."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from ecm.audit.services import audit_record
from ecm.caf.models import Assessment
from ecm.core import clock
from ecm.core.actors import Actor
from ecm.index.models import Child
from ecm.index.visibility import children_visible
from ecm.rights.choices import RectificationStatus, RequestStatus
from ecm.rights.deadlines import DUE_SOON_DAYS
from ecm.rights.models import AccessPackage, AccessRequest, RectificationRequest, Redaction
from ecm.rights.render import package_json, package_paths, package_pdf, package_redact


@dataclass
class TaskList:
    """Open requests by urgency, and recently completed ones, each with its due date."""

    overdue: list[AccessRequest] = field(default_factory=list)
    due_soon: list[AccessRequest] = field(default_factory=list)
    extended: list[AccessRequest] = field(default_factory=list)
    open: list[AccessRequest] = field(default_factory=list)
    completed: list[AccessRequest] = field(default_factory=list)


def task_list(*, today: dt.date | None = None, completed_limit: int = 50, actor: Actor | None = None) -> TaskList:
    """Every open request sorted into overdue, due within a week, extended and other open ones; with
    ``actor``, only those about children the actor may see (an archived child's: data managers only)."""
    today = today or clock.today()
    tasks = TaskList()
    requests = AccessRequest.objects.all()
    if actor is not None:
        requests = requests.filter(children_visible(actor, "child__"))
    rows = requests.filter(status=RequestStatus.OPEN).select_related("child")
    for request in sorted(rows, key=lambda r: (r.effective_due_on, r.received_on)):
        due = request.effective_due_on
        if due < today:
            tasks.overdue.append(request)
        elif (due - today).days <= DUE_SOON_DAYS:
            tasks.due_soon.append(request)
        elif request.extended_due_on:
            tasks.extended.append(request)
        else:
            tasks.open.append(request)
    tasks.completed = list(
        requests.exclude(status=RequestStatus.OPEN)
        .select_related("child")
        .order_by("-closed_on", "-received_on")[:completed_limit]
    )
    return tasks


def task_counts(*, today: dt.date | None = None, actor: Actor | None = None) -> dict[str, int]:
    tasks = task_list(today=today, completed_limit=0, actor=actor)
    return {
        "overdue": len(tasks.overdue),
        "due_soon": len(tasks.due_soon),
        "open": len(tasks.extended) + len(tasks.open),
    }


def child_by_index_number(number: str) -> Child | None:
    digits = "".join(ch for ch in number if ch.isdigit())
    return Child.objects.filter(index_number=digits).first() if len(digits) == 12 else None


def package_of(request: AccessRequest) -> AccessPackage | None:
    return AccessPackage.objects.filter(request=request).first()


def redactions_of(request: AccessRequest) -> list[Redaction]:
    return list(request.redactions.all())


def redaction_map(request: AccessRequest) -> dict[str, str]:
    """Path → the reason's label, as the released package shows it."""
    return {r.path: r.get_reason_display() for r in request.redactions.all()}


def redaction_of(request: AccessRequest, redaction_id: Any) -> Redaction | None:
    try:
        return request.redactions.filter(pk=redaction_id).first()
    except (ValueError, TypeError, Exception):
        return None


def describe_path(request: AccessRequest, path: str) -> str | None:
    package = package_of(request)
    return package_paths(package.data).get(path) if package else None


def path_value(request: AccessRequest, path: str) -> str:
    """The value held at a field path (or every field of an item), for the data manager deciding a redaction."""
    package = package_of(request)
    if package is None:
        return ""
    for section in package.data.get("sections", []):
        for item in section["items"]:
            if item["path"] == path:
                return "; ".join(f"{f['label']}: {f['value']}" for f in item["fields"] if f["value"])
            for f in item["fields"]:
                if f"{item['path']}/{f['key']}" == path:
                    return str(f["value"])
    return ""


def released_package(request: AccessRequest) -> dict[str, Any] | None:
    """The package as it goes to the requester: every redaction applied."""
    package = package_of(request)
    return package_redact(package.data, redaction_map(request)) if package else None


@transaction.atomic
def access_package_download(*, actor: Actor, request: AccessRequest, fmt: str) -> bytes:
    """The released package as PDF or JSON (redactions applied). A sensitive read: audited."""
    released = released_package(request)
    if released is None:
        raise ValueError("The package has not been compiled.")
    audit_record(
        actor=actor,
        action="rights.package_downloaded",
        target=request,
        reason=f"Subject access request {request.reference}",
        data={"child_id": str(request.child_id), "reference": request.reference, "format": fmt},
    )
    return package_pdf(released) if fmt == "pdf" else package_json(released)


@transaction.atomic
def access_package_review(*, actor: Actor, request: AccessRequest) -> dict[str, Any] | None:
    """The package with every value, for the data manager deciding what to redact. Audited."""
    package = package_of(request)
    if package is None:
        return None
    audit_record(
        actor=actor,
        action="rights.package_reviewed",
        target=request,
        reason=f"Subject access request {request.reference}",
        data={"child_id": str(request.child_id), "reference": request.reference},
    )
    return package.data


def requests_for_child(child: Child) -> list[AccessRequest]:
    return list(AccessRequest.objects.filter(child=child).order_by("-received_on"))


def rectifications_pending() -> list[RectificationRequest]:
    return list(
        RectificationRequest.objects.filter(status=RectificationStatus.PENDING)
        .select_related("child", "assessment")
        .order_by("received_on")
    )


def rectifications_decided(limit: int = 50) -> list[RectificationRequest]:
    return list(
        RectificationRequest.objects.exclude(status=RectificationStatus.PENDING)
        .select_related("child", "assessment", "decided_by")
        .order_by("-decided_on", "-created_at")[:limit]
    )


def assessments_of(child: Child) -> list[Assessment]:
    return list(Assessment.objects.filter(child=child).order_by("-started_on"))


def caf_field_choices() -> list[tuple[str, str]]:
    from ecm.caf.framework import SECTIONS

    return [(key, f"{s.title}: {label}") for s in SECTIONS for key, label in s.fields]


def assessment_by_reference(child: Child, reference: str) -> Assessment | None:
    """The child's CAF with this reference (case and spaces ignored), or None."""
    return Assessment.objects.filter(child=child, reference__iexact=reference.strip().replace(" ", "")).first()


LEAK_MIN_LENGTH = 4


def redaction_leaks(request: AccessRequest) -> list[str]:
    """Paths of field redactions whose withheld text still appears elsewhere in the released package.

    The same name or sentence is often written in more than one place (a carer's name in the
    index and in the CAF); this tells the data manager where a redaction is not yet enough.
    """
    package = package_of(request)
    if package is None:
        return []
    redactions = redaction_map(request)
    released = package_json(package_redact(package.data, redactions)).decode("utf-8")
    leaks = []
    for path in sorted(redactions):
        value = path_value(request, path).strip()
        if len(value) >= LEAK_MIN_LENGTH and json.dumps(value)[1:-1] in released:
            leaks.append(path)
    return leaks
