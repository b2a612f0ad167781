"""Request id and client address for every request, echoed in X-Request-ID; parameters holding a NUL refused."""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import RequestDataTooBig, SuspiciousOperation, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpRequest, HttpResponse

from ecm.core import request_context
from ecm.core.client_ip import client_ip

__all__ = ["NulParameterMiddleware", "RequestContextMiddleware", "client_ip"]


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


class NulParameter(SuspiciousOperation):
    """A query or form parameter (name or value) holds a NUL character."""


NUL_PARAMETER_WORDS = "A parameter holds a NUL character (byte 0x00), which no value may hold."


class NulParameterMiddleware:
    """Refuse (400, in the path's own format: ``config.error_handlers``) a request whose query or form
    parameters hold a NUL character: no name, date or search holds one, PostgreSQL cannot store or compare
    one, and a page that passed it on to a query failed with a server error."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        parameters = [request.GET]
        if request.method == "POST":
            try:
                parameters.append(request.POST)  # form bodies only: a JSON body leaves it empty
            except (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent):
                pass  # the view answers for the body (an API refuses a POST before reading it)
        for query in parameters:
            for name, values in query.lists():
                if "\x00" in name or any("\x00" in value for value in values):
                    raise NulParameter(NUL_PARAMETER_WORDS)
        return self.get_response(request)
