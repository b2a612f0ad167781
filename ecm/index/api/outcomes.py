"""FHIR OperationOutcome responses with the NHS Spine error codes PDS uses."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpResponse

SPINE_CODES = "https://fhir.nhs.uk/R4/CodeSystem/Spine-ErrorOrWarningCode"
FHIR_JSON = "application/fhir+json"

# Spine code -> (HTTP status, FHIR issue type, display)
ERRORS: dict[str, tuple[int, str, str]] = {
    "MISSING_VALUE": (400, "required", "Required value is missing"),
    "INVALID_SEARCH_DATA": (400, "invalid", "Search data is invalid"),
    "INVALID_VALUE": (400, "value", "Provided value is invalid"),
    "ADDITIONAL_PROPERTIES": (400, "structure", "Additional properties are not allowed"),
    "INVALID_RESOURCE_ID": (400, "value", "Resource Id is invalid"),
    "INVALID_REQUEST": (400, "invalid", "The request is invalid"),
    "ACCESS_DENIED": (401, "forbidden", "Access denied"),
    "REASON_REQUIRED": (403, "forbidden", "An access reason is required"),
    "FORBIDDEN": (403, "forbidden", "Forbidden"),
    "RESOURCE_NOT_FOUND": (404, "not-found", "Resource not found"),
    "METHOD_NOT_ALLOWED": (405, "not-supported", "Method not allowed"),
    "TOO_MANY_REQUESTS": (429, "throttled", "You have exceeded your application's rate limit"),
    "SERVER_ERROR": (500, "exception", "Internal server error"),
}


def fhir_response(resource: dict[str, Any], status: int = 200) -> HttpResponse:
    response = HttpResponse(json.dumps(resource), status=status, content_type=FHIR_JSON)
    response["Cache-Control"] = "no-store"
    return response


def outcome(
    code: str,
    diagnostics: str = "",
    *,
    severity: str = "error",
    issue_type: str = "",
    display: str = "",
    status: int | None = None,
) -> dict[str, Any]:
    """An OperationOutcome resource for one Spine code."""
    default_status, default_type, default_display = ERRORS.get(code, (status or 400, "invalid", code))
    issue: dict[str, Any] = {
        "severity": severity,
        "code": issue_type or default_type,
        "details": {
            "coding": [{"system": SPINE_CODES, "version": "1", "code": code, "display": display or default_display}]
        },
    }
    if diagnostics:
        issue["diagnostics"] = diagnostics
    return {"resourceType": "OperationOutcome", "issue": [issue]}


def error_response(code: str, diagnostics: str = "", **headers: str) -> HttpResponse:
    status = ERRORS[code][0]
    response = fhir_response(outcome(code, diagnostics), status=status)
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


def too_many_matches() -> HttpResponse:
    """PDS: HTTP 200, severity information, code multiple-matches, details TOO_MANY_MATCHES; no Patient."""
    return fhir_response(
        outcome(
            "TOO_MANY_MATCHES",
            "Too many matches: add more detail to the search.",
            severity="information",
            issue_type="multiple-matches",
            display="Too Many Matches",
        )
    )
