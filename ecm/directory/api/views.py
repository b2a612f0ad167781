"""The Open Referral UK (HSDS 3.0) API: read-only, open, no key, CORS for everyone.

Views parse parameters, ask selectors, and shape HSDS JSON with ``serializers``.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable, Iterator
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.urls import reverse

from ecm.directory.api import params as p
from ecm.directory.api import serializers as s
from ecm.directory.api.openapi import openapi_document
from ecm.directory.selectors import records, search

HSDS_VERSION = "HSDS-UK-3.0"
PROFILE_URL = "https://github.com/OpenReferralUK/uk-profile"
CHUNK = 200


def _cors(response: HttpResponse) -> HttpResponse:
    response["Access-Control-Allow-Origin"] = "*"
    return response


def error(status: int, message: str) -> HttpResponse:
    return _cors(JsonResponse({"error": message, "status": status}, status=status))


def too_many_requests(request: HttpRequest, wait: int) -> HttpResponse:
    """Over the directory API's rate limit (``ecm.core.ratelimit``): JSON, CORS, Retry-After."""
    response = error(429, f"Too many requests: try again in {wait} seconds.")
    response["Retry-After"] = str(wait)
    return response


def api_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """GET/HEAD only; parameter errors become 400s; every response carries CORS."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method == "OPTIONS":
            response = HttpResponse(status=204)
            response["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
            response["Access-Control-Allow-Headers"] = "*"
            return _cors(response)
        if any("\x00" in value for values in request.GET.lists() for value in values[1]):
            return error(400, "A parameter holds a NUL character.")
        if request.method not in ("GET", "HEAD"):
            response = error(405, "This API is read-only: use GET.")
            response["Allow"] = "GET, HEAD, OPTIONS"
            return response
        try:
            return _cors(view(request, *args, **kwargs))
        except p.ParamError as exc:
            return error(400, str(exc))

    wrapper.csrf_exempt = True  # type: ignore[attr-defined]
    return wrapper


def page_envelope(contents: list[Any], *, total: int, page: int, per_page: int) -> dict[str, Any]:
    total_pages = math.ceil(total / per_page) if total else 0
    return {
        "total_items": total,
        "total_pages": total_pages,
        "page_number": page,
        "size": len(contents),
        "first_page": page == 1,
        "last_page": page >= total_pages,
        "empty": len(contents) == 0,
        "contents": contents,
    }


def ndjson(items: Iterable[dict[str, Any]]) -> StreamingHttpResponse:
    def lines() -> Iterator[str]:
        for item in items:
            yield json.dumps(item, ensure_ascii=False) + "\n"

    return StreamingHttpResponse(lines(), content_type="application/x-ndjson; charset=utf-8")


def _chunks(ids: list[Any], fetch: Callable[[list[Any]], Iterable[Any]]) -> Iterator[Any]:
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        by_id = {o.id: o for o in fetch(chunk)}
        for i in chunk:
            if i in by_id:
                yield by_id[i]


# Endpoints -------------------------------------------------------------------
@api_view
def api_root(request: HttpRequest) -> HttpResponse:
    return JsonResponse(
        {
            "version": HSDS_VERSION,
            "profile": PROFILE_URL,
            "openapi_url": request.build_absolute_uri(reverse("openreferral:openapi")),
        }
    )


@api_view
def openapi(request: HttpRequest) -> HttpResponse:
    return JsonResponse(openapi_document(request.build_absolute_uri(reverse("openreferral:root"))))


def _services_json(services: list[Any], full: bool) -> list[dict[str, Any]]:
    extras = s.service_extras(services) if full else None
    return [s.service_json(x, full=full, extras=extras) for x in services]


@api_view
def service_list(request: HttpRequest) -> HttpResponse:
    paging = p.paging(request.GET)
    f = p.filters(request.GET, with_place=False)
    ids = list(search.service_queryset(f).order_by("name", "id").values_list("id", flat=True))

    def fetch(chunk: list[Any]) -> list[Any]:
        return records.services_by_ids(chunk, full=paging.full)

    if paging.ndjson:
        return ndjson(item for chunk in _batched(_chunks(ids, fetch)) for item in _services_json(chunk, paging.full))  # type: ignore[return-value]
    window = ids[(paging.page - 1) * paging.per_page : paging.page * paging.per_page]
    contents = _services_json(list(_chunks(window, fetch)), paging.full)
    return JsonResponse(page_envelope(contents, total=len(ids), page=paging.page, per_page=paging.per_page))


def _batched(objects: Iterable[Any], size: int = CHUNK) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for obj in objects:
        batch.append(obj)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


@api_view
def service_detail(request: HttpRequest, service_id: str) -> HttpResponse:
    service = records.service_by_id(service_id)
    if service is None:
        return error(404, "There is no service with that id.")
    return JsonResponse(s.service_json(service, full=True, extras=s.service_extras([service])))


def _sal_json(sals: list[Any], full: bool) -> list[dict[str, Any]]:
    extras = s.Extras([i for x in sals for i in (x.id, x.location_id)]) if full else None
    return [s.service_at_location_json(x, full=full, extras=extras) for x in sals]


@api_view
def sal_list(request: HttpRequest) -> HttpResponse:
    paging = p.paging(request.GET)
    f = p.filters(request.GET)
    if paging.ndjson:
        ids = [search.as_uuid(sal_id) for sal_id, _ in search.sal_ranked_ids(f)]

        def fetch(chunk: list[Any]) -> list[Any]:
            return search.sals_by_ids(chunk, paging.full)

        return ndjson(item for chunk in _batched(_chunks(ids, fetch)) for item in _sal_json(chunk, paging.full))  # type: ignore[return-value]
    result = search.sal_search(f, page=paging.page, per_page=paging.per_page, full=paging.full)
    contents = _sal_json([hit.sal for hit in result.hits], paging.full)
    return JsonResponse(page_envelope(contents, total=result.total, page=paging.page, per_page=paging.per_page))


@api_view
def sal_detail(request: HttpRequest, sal_id: str) -> HttpResponse:
    sal = records.sal_by_id(sal_id)
    if sal is None:
        return error(404, "There is no service at location with that id.")
    return JsonResponse(_sal_json([sal], True)[0])


def _simple_list(request: HttpRequest, qs: Any, to_json: Callable[[Any], dict[str, Any]]) -> HttpResponse:
    paging = p.paging(request.GET)
    if paging.ndjson:
        return ndjson(to_json(o) for o in qs.iterator(chunk_size=CHUNK))  # type: ignore[return-value]
    total = qs.count()
    start = (paging.page - 1) * paging.per_page
    contents = [to_json(o) for o in qs[start : start + paging.per_page]]
    return JsonResponse(page_envelope(contents, total=total, page=paging.page, per_page=paging.per_page))


def _organization_full(org: Any, full_service: bool) -> dict[str, Any]:
    services = records.services_of_organization(org, full=full_service)
    extras = s.Extras([org.id, *[loc.id for loc in org.locations.all()]])
    data = s.organization_json(org, full=True, extras=extras)
    data["services"] = _services_json(services, full_service)
    return data


@api_view
def organization_list(request: HttpRequest) -> HttpResponse:
    full = p.boolean(request.GET, "full")
    full_service = p.boolean(request.GET, "full_service")
    qs = records.organizations(request.GET.get("search", "").strip(), full=full)
    if full:
        return _simple_list(request, qs, lambda o: _organization_full(o, full_service))
    return _simple_list(request, qs, s.organization_json)


@api_view
def organization_detail(request: HttpRequest, organization_id: str) -> HttpResponse:
    org = records.organization_by_id(organization_id)
    if org is None:
        return error(404, "There is no organization with that id.")
    return JsonResponse(_organization_full(org, p.boolean(request.GET, "full_service")))


@api_view
def taxonomy_list(request: HttpRequest) -> HttpResponse:
    return _simple_list(request, records.taxonomies(request.GET.get("search", "").strip()), s.taxonomy_json)


@api_view
def taxonomy_detail(request: HttpRequest, taxonomy_id: str) -> HttpResponse:
    taxonomy = records.taxonomy_by_id(taxonomy_id)
    if taxonomy is None:
        return error(404, "There is no taxonomy with that id.")
    return JsonResponse(s.taxonomy_json(taxonomy))


@api_view
def taxonomy_term_list(request: HttpRequest) -> HttpResponse:
    qs = records.taxonomy_terms(
        search=request.GET.get("search", "").strip(),
        taxonomy_id=p.uuid_param(request.GET, "taxonomy_id"),
        parent_id=p.uuid_param(request.GET, "parent_id"),
        top_only=p.boolean(request.GET, "top_only"),
    )
    return _simple_list(request, qs, s.taxonomy_term_json)


@api_view
def taxonomy_term_detail(request: HttpRequest, term_id: str) -> HttpResponse:
    term = records.taxonomy_term_by_id(term_id)
    if term is None:
        return error(404, "There is no taxonomy term with that id.")
    return JsonResponse(s.taxonomy_term_json(term))


@api_view
def not_found(request: HttpRequest, rest: str = "") -> HttpResponse:
    return error(404, "There is no such endpoint. See the OpenAPI document at /openreferral/openapi.json.")
