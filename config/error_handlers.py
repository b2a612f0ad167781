"""Django's error handlers, answering in each API's own format on its paths.

Errors raised by Django's own layers (no such URL, too many fields, a body too large, a
suspicious request, an unexpected exception) reach these handlers instead of the views. On
``/fhir/`` they answer a FHIR OperationOutcome (``application/fhir+json``), on ``/openreferral``
JSON with CORS headers, and everywhere else the GOV.UK pages of ``ecm.core.views``.
"""

from __future__ import annotations

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpRequest, HttpResponse

from ecm.core import views as pages
from ecm.core.middleware import NUL_PARAMETER_WORDS, NulParameter
from ecm.directory.api.views import error as directory_error
from ecm.index.api.outcomes import error_response as fhir_error

FHIR_PREFIX = "/fhir/"
OPENREFERRAL_PREFIX = "/openreferral"


def _api(request: HttpRequest) -> str:
    path = request.path
    if path.startswith(FHIR_PREFIX) or path == FHIR_PREFIX.rstrip("/"):
        return "fhir"
    if path == OPENREFERRAL_PREFIX or path.startswith(OPENREFERRAL_PREFIX + "/"):
        return "openreferral"
    return ""


def _bad_request_words(exception: Exception | None) -> str:
    if isinstance(exception, TooManyFieldsSent):
        return "Too many fields or parameters in the request."
    if isinstance(exception, TooManyFilesSent):
        return "Too many files in the request."
    if isinstance(exception, RequestDataTooBig):
        return "The request body is too large."
    if isinstance(exception, NulParameter):
        return NUL_PARAMETER_WORDS
    return "The request could not be read."


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    api = _api(request)
    if api == "fhir":
        code = "INVALID_VALUE" if isinstance(exception, NulParameter) else "INVALID_REQUEST"
        return fhir_error(code, _bad_request_words(exception))
    if api == "openreferral":
        return directory_error(400, _bad_request_words(exception))
    return pages.bad_request(request, _bad_request_words(exception))


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    api = _api(request)
    if api == "fhir":
        return fhir_error("FORBIDDEN", "This request is not allowed.")
    if api == "openreferral":
        return directory_error(403, "This request is not allowed.")
    from django.views.defaults import permission_denied as default

    return default(request, exception)  # type: ignore[arg-type]


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    api = _api(request)
    if api == "fhir":
        return fhir_error("RESOURCE_NOT_FOUND", "No such resource, or not available to you.")
    if api == "openreferral":
        return directory_error(404, "There is no such endpoint. See /openreferral/openapi.json.")
    return pages.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    api = _api(request)
    if api == "fhir":
        return fhir_error("SERVER_ERROR", "Something went wrong on our side; it has been logged.")
    if api == "openreferral":
        return directory_error(500, "Something went wrong on our side; it has been logged.")
    return pages.server_error(request)
