"""The FHIR R4 API (PDS-style): Patient search and read, CareTeam (involvements) read and write.

Views are thin: parse, ask ``access``/``selectors``/``services``, build the resource.
The API client is the actor of every audit event.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt

from ecm.accounts.models import ApiClient
from ecm.index import services
from ecm.index.access import api_involvement_for, child_for
from ecm.index.api import bodies, resources
from ecm.index.api.auth import fhir_view
from ecm.index.api.outcomes import error_response, fhir_response, too_many_matches
from ecm.index.api.params import ApiError, patient_criteria
from ecm.index.choices import AccessReason, CafStatus, ContactReason, SensitiveBasis, ServiceCategory
from ecm.index.search.criteria import SearchCriteriaError
from ecm.index.selectors import (
    InvolvementView,
    ReasonRequired,
    child_record_open,
    child_search,
    involvements_of_organisation,
)

OPENAPI_FILE = Path(__file__).resolve().parent / "openapi.json"


def _base(request: HttpRequest, name: str) -> str:
    return request.build_absolute_uri(reverse(name)).rstrip("/")


def _access_reason(request: HttpRequest) -> tuple[str, str]:
    """``X-Access-Reason``: a reason code (e.g. ``safeguarding``), optionally ``code: words``, or words alone."""
    raw = request.headers.get("X-Access-Reason", "").strip()
    code, _, text = raw.partition(":")
    if code.strip() in AccessReason.values:
        return code.strip(), text.strip()
    return AccessReason.OTHER, raw


def _resource_id(raw: str) -> str:
    import uuid

    try:
        return str(uuid.UUID(raw))
    except ValueError:
        raise ApiError("INVALID_RESOURCE_ID", f"'{raw}' is not a valid resource id.")


@fhir_view(methods=("GET",))
def patient_search(request: HttpRequest, client: ApiClient) -> HttpResponse:
    try:
        criteria = patient_criteria(request.GET, is_system=client.is_system)
        result = child_search(actor=client, criteria=criteria)
    except ApiError as exc:
        return error_response(exc.code, exc.diagnostics)
    except SearchCriteriaError as exc:
        return error_response(exc.code, str(exc))
    if result.too_many:
        return too_many_matches()
    entries = [
        {"score": summary.score, "resource": resources.patient_summary(summary, match.child)}
        for summary, match in zip(result.results, result.matches, strict=True)
    ]
    return fhir_response(resources.searchset(entries, _base(request, "fhir:patient_search")))


@fhir_view(methods=("GET",))
def patient_read(request: HttpRequest, client: ApiClient, patient_id: str) -> HttpResponse:
    try:
        pk = _resource_id(patient_id)
    except ApiError as exc:
        return error_response(exc.code, exc.diagnostics)
    if not request.headers.get("X-Access-Reason", "").strip():
        return error_response("REASON_REQUIRED", "Send the reason for opening this record in X-Access-Reason.")
    child = child_for(actor=client, child_id=pk)
    code, text = _access_reason(request)
    try:
        record = child_record_open(actor=client, child=child, reason_code=code, reason_text=text)
    except ReasonRequired as exc:
        return error_response("REASON_REQUIRED", str(exc))
    return fhir_response(resources.patient_full(record))


@fhir_view(methods=("GET", "POST"))
def care_team_collection(request: HttpRequest, client: ApiClient) -> HttpResponse:
    if request.method == "POST":
        return _care_team_create(request, client)
    unknown = sorted(set(request.GET) - {"patient"})
    if unknown:
        return error_response("ADDITIONAL_PROPERTIES", f"Unknown parameter(s): {', '.join(unknown)}.")
    raw = request.GET.get("patient", "").removeprefix("Patient/")
    if not raw:
        return error_response("MISSING_VALUE", "Give patient=<id>.")
    if not request.headers.get("X-Access-Reason", "").strip():
        return error_response("REASON_REQUIRED", "Send the reason for opening this record in X-Access-Reason.")
    try:
        child = child_for(actor=client, child_id=_resource_id(raw))
    except ApiError as exc:
        return error_response(exc.code, exc.diagnostics)
    code, text = _access_reason(request)
    try:
        record = child_record_open(actor=client, child=child, reason_code=code, reason_text=text)
    except ReasonRequired as exc:
        return error_response("REASON_REQUIRED", str(exc))
    views = record.involvements
    if record.restricted:  # a shielded record shows only the client's own organisation's involvements
        views = [
            InvolvementView(involvement=i, unspecified=False, is_own=True)
            for i in involvements_of_organisation(child=child, organisation_id=client.organisation_id)
        ]
    entries = [
        {"score": 1, "resource": resources.care_team(v, owned=v.involvement.organisation_id == client.organisation_id)}
        for v in views
    ]
    bundle = resources.searchset(entries, _base(request, "fhir:care_team_collection"))
    for entry in bundle["entry"]:
        entry.pop("search")
    return fhir_response(bundle)


def _flags(body: dict[str, Any]) -> dict[str, Any]:
    """Involvement flags from participant[0].role codings and the involvement extension (body already typed)."""
    participants = body.get("participant") or [{}]
    codes = {c.get("code") for role in participants[0].get("role") or [] for c in role.get("coding") or []}
    details = {
        e.get("url"): e.get("valueCode") or e.get("valueDate")
        for ext in body.get("extension") or []
        if ext.get("url") == resources.INVOLVEMENT_EXTENSION
        for e in ext.get("extension") or []
    }
    caf_started_on = _date(details.get("caf-start-date"), "extension caf-start-date")
    for value, allowed, name in (
        (details.get("caf-status"), CafStatus.values, "caf-status"),
        (details.get("contact-reason"), ContactReason.values, "contact-reason"),
        (details.get("sensitive-basis"), SensitiveBasis.values, "sensitive-basis"),
    ):
        if value and value not in allowed:
            raise ApiError("INVALID_VALUE", f"extension {name}: unknown value '{value}'.")
    return {
        "is_lead_professional": resources.FLAG_LEAD in codes,
        "has_undertaken_caf": resources.FLAG_CAF in codes,
        "wishes_to_be_contacted": resources.FLAG_CONTACT in codes,
        "caf_started_on": caf_started_on,
        "caf_status": details.get("caf-status") or None,
        "contact_reason": details.get("contact-reason") or "",
        "sensitive_basis": details.get("sensitive-basis") or "",
    }


def _date(value: Any, name: str) -> dt.date | None:
    text = bodies.date_text(value, name)
    if not text:
        return None
    try:
        if len(text) != 10:
            raise ValueError
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ApiError("INVALID_VALUE", f"{name} must be a date, YYYY-MM-DD.") from None


class _Refused(Exception):
    """Raised inside a write's transaction so that it rolls back; carries the answer."""

    def __init__(self, response: HttpResponse) -> None:
        self.response = response


def _care_team_create(request: HttpRequest, client: ApiClient) -> HttpResponse:
    """Record that one of the client's own organisation's practitioners works with the child.

    One transaction: a request answered with an error has written nothing.
    """
    try:
        with transaction.atomic():
            involvement = _care_team_write_new(request, client)
    except _Refused as refused:
        return refused.response
    response = fhir_response(resources.care_team(InvolvementView(involvement, False, True), owned=True), status=201)
    response["Location"] = request.build_absolute_uri(reverse("fhir:care_team_item", args=[involvement.pk]))
    return response


def _refuse(exc: Exception) -> _Refused:
    if isinstance(exc, ApiError):
        return _Refused(error_response(exc.code, exc.diagnostics))
    return _Refused(error_response("INVALID_VALUE", str(exc)))


def _care_team_write_new(request: HttpRequest, client: ApiClient) -> Any:
    try:
        body = bodies.care_team_body(request)
        subject = str((body.get("subject") or {}).get("reference") or "")
        if not subject.startswith("Patient/"):
            raise ApiError("MISSING_VALUE", "subject.reference must be Patient/<id>.")
        child = child_for(actor=client, child_id=_resource_id(subject.removeprefix("Patient/")))
        practitioner = bodies.care_team_practitioner(body, client.organisation)
        categories = [c.get("code") for cat in body.get("category") or [] for c in cat.get("coding") or []]
        if not categories or categories[0] not in ServiceCategory.values:
            raise ApiError("INVALID_VALUE", "category[0].coding[0].code must be an ECM service category.")
        if not str(body.get("name") or "").strip():
            raise ApiError("MISSING_VALUE", "name (the service) is required.")
        flags = _flags(body)
        started_on = _date((body.get("period") or {}).get("start"), "period.start")
        involvement = services.involvement_add(
            actor=client,
            child=child,
            practitioner=practitioner,
            organisation=client.organisation,
            service=str(body["name"]),
            service_category=categories[0],
            started_on=started_on,
            sensitive_basis=flags["sensitive_basis"],
            is_lead_professional=flags["is_lead_professional"],
            wishes_to_be_contacted=flags["wishes_to_be_contacted"],
            contact_reason=flags["contact_reason"],
        )
        if flags["has_undertaken_caf"]:
            services.involvement_set_flags(
                actor=client,
                involvement=involvement,
                has_undertaken_caf=True,
                caf_started_on=flags["caf_started_on"],
                caf_status=flags["caf_status"],
            )
    except (ApiError, services.IndexRuleError) as exc:
        raise _refuse(exc) from None
    return involvement


@fhir_view(methods=("GET", "PUT"))
def care_team_item(request: HttpRequest, client: ApiClient, care_team_id: str) -> HttpResponse:
    """Read or update one of the client's own organisation's involvements (flags, or end it with period.end).

    An update is one transaction: flags and the end are written together or not at all.
    """
    try:
        involvement = api_involvement_for(client=client, involvement_id=_resource_id(care_team_id))
    except ApiError as exc:
        return error_response(exc.code, exc.diagnostics)
    if request.method == "PUT":
        try:
            with transaction.atomic():
                _care_team_update(request, client, involvement)
        except _Refused as refused:
            return refused.response
    return fhir_response(resources.care_team(InvolvementView(involvement, False, True), owned=True))


def _care_team_update(request: HttpRequest, client: ApiClient, involvement: Any) -> None:
    try:
        body = bodies.care_team_body(request)
        if body.get("id") and body["id"] != str(involvement.pk):
            raise ApiError("INVALID_RESOURCE_ID", "The id in the body does not match the URL.")
        flags = _flags(body)
        _date((body.get("period") or {}).get("start"), "period.start")  # checked, though a PUT cannot move it
        ended_on = _date((body.get("period") or {}).get("end"), "period.end")
        if involvement.ended_on is None:
            services.involvement_set_flags(
                actor=client,
                involvement=involvement,
                is_lead_professional=flags["is_lead_professional"],
                has_undertaken_caf=flags["has_undertaken_caf"],
                caf_started_on=flags["caf_started_on"],
                caf_status=flags["caf_status"],
                wishes_to_be_contacted=flags["wishes_to_be_contacted"],
                contact_reason=flags["contact_reason"],
            )
            if ended_on or body.get("status") == "inactive":
                services.involvement_end(actor=client, involvement=involvement, ended_on=ended_on)
    except (ApiError, services.IndexRuleError) as exc:
        raise _refuse(exc) from None


@csrf_exempt
def openapi(request: HttpRequest) -> HttpResponse:
    """The OpenAPI 3 description of this API (public: it holds no data)."""
    if request.method not in ("GET", "HEAD"):
        response = error_response("METHOD_NOT_ALLOWED", "Use GET.")
        response["Allow"] = "GET"
        return response
    return HttpResponse(OPENAPI_FILE.read_text(encoding="utf-8"), content_type="application/json")


@csrf_exempt
def not_found(request: HttpRequest, rest: str = "") -> HttpResponse:
    return error_response("RESOURCE_NOT_FOUND", "No such endpoint.")
