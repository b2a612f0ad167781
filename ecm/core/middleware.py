"""Request id and client address for every request, echoed in X-Request-ID."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from ecm.core import request_context
from ecm.core.client_ip import client_ip

__all__ = ["RequestContextMiddleware", "client_ip"]


class RequestContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        ctx = request_context.RequestContext(
            request_id=request_context.valid_request_id(request.headers.get("X-Request-ID")),
            ip_address=client_ip(request),
        )
        request.request_id = ctx.request_id  # type: ignore[attr-defined]
        token = request_context.set_current(ctx)
        try:
            response = self.get_response(request)
        finally:
            request_context.reset_current(token)
        response["X-Request-ID"] = ctx.request_id
        return response
