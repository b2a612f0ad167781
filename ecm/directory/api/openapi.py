"""The OpenAPI 3.1 document of our Open Referral UK API (served at /openreferral/openapi.json)."""

from __future__ import annotations

from typing import Any

HSDS = "https://raw.githubusercontent.com/openreferral/specification/3.0/schema"


def _param(name: str, description: str, schema_type: str = "string", **extra: Any) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": {"type": schema_type, **extra},
    }


PAGING = [
    _param(
        "page",
        "Page number, counting from 1 (at most 1000000000). A page past the end is an empty page.",
        "integer",
        minimum=1,
        maximum=1_000_000_000,
    ),
    _param("per_page", "Items per page (default 50; more than 1000 gives 1000).", "integer", minimum=1),
    _param(
        "format", "json (default, paged) or ndjson (every result, one per line, no paging).", enum=["json", "ndjson"]
    ),
]
FILTERS = [
    _param("search", "Words that must all appear in the name, description, organisation or needs."),
    _param("taxonomy_term_id", "Only services tagged with this taxonomy term.", format="uuid"),
    _param("taxonomy_id", "Only services tagged with any term of this taxonomy.", format="uuid"),
    _param("organization_id", "Only services of this organization.", format="uuid"),
    _param("modified_after", "Only services modified on or after this date-time.", format="date-time"),
    _param("full", "Return fully nested objects.", "boolean"),
    _param(
        "minimum_age",
        "UK profile: services whose minimum age (years) is at least this.",
        "number",
        minimum=0,
        maximum=150,
    ),
    _param(
        "maximum_age",
        "UK profile: services whose maximum age (years) is at most this.",
        "number",
        minimum=0,
        maximum=150,
    ),
    _param("day", "Open on this day (iCal code).", enum=["MO", "TU", "WE", "TH", "FR", "SA", "SU"]),
    _param(
        "start_time",
        "UK profile: services with a start time of at least this (a schedule opening at or after HH:MM).",
        pattern="^([01][0-9]|2[0-3]):[0-5][0-9]$",
    ),
    _param(
        "end_time",
        "UK profile: services with an end time equal to or below this (a schedule closing at or before HH:MM).",
        pattern="^([01][0-9]|2[0-3]):[0-5][0-9]$",
    ),
]
PLACE = [
    _param("postcode", "A UK postcode; results come nearest first."),
    _param(
        "proximity", "Only results within this many metres of the postcode.", "number", minimum=0, maximum=1_000_000
    ),
]
PAGE_SCHEMA = {
    "type": "object",
    "properties": {
        "total_items": {"type": "integer"},
        "total_pages": {"type": "integer"},
        "page_number": {"type": "integer"},
        "size": {"type": "integer"},
        "first_page": {"type": "boolean"},
        "last_page": {"type": "boolean"},
        "empty": {"type": "boolean"},
    },
}


def _list(summary: str, item_ref: str, parameters: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "get": {
            "summary": summary,
            "parameters": parameters,
            "responses": {
                "200": {
                    "description": summary,
                    "content": {
                        "application/json": {
                            "schema": {
                                "allOf": [{"$ref": "#/components/schemas/Page"}],
                                "properties": {"contents": {"type": "array", "items": {"$ref": item_ref}}},
                            }
                        },
                        "application/x-ndjson": {"schema": {"$ref": item_ref}},
                    },
                },
                "400": {"$ref": "#/components/responses/BadRequest"},
            },
        }
    }


def _detail(summary: str, ref: str, name: str) -> dict[str, Any]:
    return {
        "parameters": [{"in": "path", "name": name, "required": True, "schema": {"type": "string", "format": "uuid"}}],
        "get": {
            "summary": summary,
            "responses": {
                "200": {"description": summary, "content": {"application/json": {"schema": {"$ref": ref}}}},
                "404": {"$ref": "#/components/responses/NotFound"},
            },
        },
    }


def openapi_document(server_url: str) -> dict[str, Any]:
    error = {"type": "object", "properties": {"error": {"type": "string"}, "status": {"type": "integer"}}}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Every Child Matters service directory (Open Referral UK)",
            "version": "1.0.0",
            "summary": "Children's and family services, as HSDS 3.0 with the UK profile.",
            "description": "Open data: no key is needed, and every response allows any origin (CORS).",
            "license": {
                "name": "Open Government Licence v3.0",
                "url": "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
            },
        },
        "servers": [{"url": server_url.rstrip("/")}],
        "paths": {
            "/": {
                "get": {
                    "summary": "About this API",
                    "responses": {
                        "200": {
                            "description": "Version, profile and where this document is.",
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "object",
                                        "properties": {
                                            "version": {"type": "string"},
                                            "profile": {"type": "string", "format": "uri"},
                                            "openapi_url": {"type": "string", "format": "uri"},
                                        },
                                    }
                                }
                            },
                        }
                    },
                }
            },
            "/services": _list("Services", f"{HSDS}/compiled/service_list.json", [*FILTERS, *PAGING]),
            "/services/{id}": _detail("One service, fully nested", f"{HSDS}/compiled/service.json", "id"),
            "/service_at_locations": _list(
                "Services at locations", f"{HSDS}/compiled/service_at_location_list.json", [*FILTERS, *PLACE, *PAGING]
            ),
            "/service_at_locations/{id}": _detail(
                "One service at a location, fully nested with its service",
                f"{HSDS}/compiled/service_at_location.json",
                "id",
            ),
            "/organizations": _list(
                "Organizations",
                f"{HSDS}/organization.json",
                [FILTERS[0], FILTERS[5], _param("full_service", "Nest full services.", "boolean"), *PAGING],
            ),
            "/organizations/{id}": _detail(
                "One organization with its services", f"{HSDS}/compiled/organization.json", "id"
            ),
            "/taxonomies": _list("Taxonomies", f"{HSDS}/taxonomy.json", [FILTERS[0], *PAGING]),
            "/taxonomies/{id}": _detail("One taxonomy", f"{HSDS}/taxonomy.json", "id"),
            "/taxonomy_terms": _list(
                "Taxonomy terms",
                f"{HSDS}/taxonomy_term.json",
                [
                    FILTERS[0],
                    FILTERS[2],
                    _param("parent_id", "Only children of this term.", format="uuid"),
                    _param("top_only", "Only terms without a parent.", "boolean"),
                    *PAGING,
                ],
            ),
            "/taxonomy_terms/{id}": _detail("One taxonomy term", f"{HSDS}/taxonomy_term.json", "id"),
        },
        "components": {
            "schemas": {"Page": PAGE_SCHEMA, "Error": error},
            "responses": {
                "BadRequest": {
                    "description": "A parameter could not be used; the error says which and why.",
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
                },
                "NotFound": {
                    "description": "No such record.",
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
                },
            },
        },
    }
