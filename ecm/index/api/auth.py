"""Bearer-token authentication, per-client rate limiting and error mapping for the FHIR API.

Every FHIR view is wrapped in :func:`fhir_view`: CSRF-exempt (no cookies are used),
the API client is the actor, 401/404/429 answer as OperationOutcomes.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt

from ecm.accounts.access import ApiAuthentication, api_client_authenticate
from ecm.accounts.models import ApiClient
from ecm.accounts.services import api_client_mark_used
from ecm.core import ratelimit
from ecm.index.api.outcomes import error_response

View = Callable[..., HttpResponse]
RATE_WINDOW_SECONDS = 60


def client_from_request(request: HttpRequest) -> ApiAuthentication:
    """The bearer token checked against the database on this request: revoked, expired or
    unaccredited answer at once on every worker (nothing is remembered between requests)."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer":
        token = ""
    return api_client_authenticate(token.strip())


def rate_limited(client: ApiClient) -> int:
    """Seconds to wait when ``client`` has used up this minute's requests; 0 when it may go on.

    Counted in the shared cache (``ecm.core.ratelimit``), so every worker sees the same count."""
    return ratelimit.hit("fhir", str(client.pk), requests=client.requests_per_minute, seconds=RATE_WINDOW_SECONDS)


def fhir_view(methods: tuple[str, ...]) -> Callable[[View], View]:
    def decorator(view: View) -> View:
        @csrf_exempt
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            auth = client_from_request(request)
            if auth.status == 401 or auth.client is None:
                return error_response("ACCESS_DENIED", auth.problem, WWW_Authenticate='Bearer realm="ecm"')
            if auth.status == 403:
                return error_response("FORBIDDEN", auth.problem)
            client = auth.client
            api_client_mark_used(client=client)
            wait = rate_limited(client)
            if wait:
                return error_response("TOO_MANY_REQUESTS", f"Try again in {wait} seconds.", Retry_After=str(wait))
            if any("\x00" in value for values in request.GET.lists() for value in values[1]):
                return error_response("INVALID_VALUE", "A parameter holds a NUL character.")
            if request.method not in methods:
                response = error_response("METHOD_NOT_ALLOWED", f"Use {', '.join(methods)}.")
                response["Allow"] = ", ".join(methods)
                return response
            try:
                return view(request, client, *args, **kwargs)
            except Http404:
                return error_response("RESOURCE_NOT_FOUND", "No such resource, or not available to you.")

        wrapper.bearer_token_required = True  # type: ignore[attr-defined]  # found by the gate tests
        return wrapper

    return decorator
