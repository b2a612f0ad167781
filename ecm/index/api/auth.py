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

from ecm.accounts.access import api_client_from_token
from ecm.accounts.models import ApiClient
from ecm.core import ratelimit
from ecm.index.api.outcomes import error_response

View = Callable[..., HttpResponse]
RATE_WINDOW_SECONDS = 60


def client_from_request(request: HttpRequest) -> ApiClient | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return api_client_from_token(token.strip())


def rate_limited(client: ApiClient) -> int:
    """Seconds to wait when ``client`` has used up this minute's requests; 0 when it may go on.

    Counted in the shared cache (``ecm.core.ratelimit``), so every worker sees the same count."""
    return ratelimit.hit("fhir", str(client.pk), requests=client.requests_per_minute, seconds=RATE_WINDOW_SECONDS)


def fhir_view(methods: tuple[str, ...]) -> Callable[[View], View]:
    def decorator(view: View) -> View:
        @csrf_exempt
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            client = client_from_request(request)
            if client is None:
                return error_response(
                    "ACCESS_DENIED",
                    "Send a valid token: Authorization: Bearer <token>.",
                    WWW_Authenticate='Bearer realm="ecm"',
                )
            wait = rate_limited(client)
            if wait:
                return error_response("TOO_MANY_REQUESTS", f"Try again in {wait} seconds.", Retry_After=str(wait))
            if request.method not in methods:
                response = error_response("METHOD_NOT_ALLOWED", f"Use {', '.join(methods)}.")
                response["Allow"] = ", ".join(methods)
                return response
            try:
                return view(request, client, *args, **kwargs)
            except Http404:
                return error_response("RESOURCE_NOT_FOUND", "No such resource, or not available to you.")

        return wrapper

    return decorator
