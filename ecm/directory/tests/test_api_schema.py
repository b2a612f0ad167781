"""Every API response type validates against the HSDS 3.0 schemas, formats included."""

from __future__ import annotations

import json
from typing import Any

import pytest
from jsonschema import ValidationError

from ecm.directory.models import Organization, Service, ServiceAtLocation, Taxonomy, TaxonomyTerm
from ecm.directory.tests import hsds

pytestmark = pytest.mark.django_db


def get(client: Any, url: str, **params: Any) -> Any:
    response = client.get(url, params)
    assert response.status_code == 200, response.content[:500]
    assert response["Access-Control-Allow-Origin"] == "*"
    return response


def test_root_names_version_profile_and_openapi_as_absolute_urls(client: Any) -> None:
    body = get(client, "/openreferral/").json()
    assert body["version"] == "HSDS-UK-3.0"
    assert body["profile"].startswith("https://")
    assert body["openapi_url"] == "http://testserver/openreferral/openapi.json"
    hsds.checker().check(body["profile"], "uri")
    hsds.checker().check(body["openapi_url"], "uri")


def test_openapi_document_lists_every_endpoint(client: Any) -> None:
    doc = get(client, "/openreferral/openapi.json").json()
    assert doc["openapi"].startswith("3.1")
    for path in [
        "/",
        "/services",
        "/services/{id}",
        "/service_at_locations",
        "/service_at_locations/{id}",
        "/organizations",
        "/organizations/{id}",
        "/taxonomies",
        "/taxonomies/{id}",
        "/taxonomy_terms",
        "/taxonomy_terms/{id}",
    ]:
        assert path in doc["paths"], path
    names = {p["name"] for p in doc["paths"]["/service_at_locations"]["get"]["parameters"]}
    assert {"postcode", "proximity", "taxonomy_term_id", "minimum_age", "maximum_age", "day", "format"} <= names


def test_service_list_and_full_list_are_valid(client: Any, demo: Any) -> None:
    body = get(client, "/openreferral/services", per_page=1000).json()
    assert body["total_items"] == Service.objects.count() >= 150
    hsds.assert_page(body, "compiled/service_list.json")
    hsds.assert_ids_are_uuids(body)
    full = get(client, "/openreferral/services", per_page=40, full="true").json()
    hsds.assert_page(full, "compiled/service.json")
    assert (
        full["contents"][0]["service_at_locations"][0]["location"]["addresses"]
        or full["contents"][0]["service_at_locations"][0]["location"]["location_type"] == "virtual"
    )
    hsds.assert_ids_are_uuids(full)


def test_service_detail_is_valid_and_fully_nested(client: Any, demo: Any) -> None:
    for service in Service.objects.all()[:25]:
        body = get(client, f"/openreferral/services/{service.id}").json()
        hsds.assert_valid(body, "compiled/service.json")
        hsds.assert_ids_are_uuids(body)
        assert body["attributes"] and body["attributes"][0]["taxonomy_term"]["name"]
        assert body["assured_date"] == service.last_reviewed_on.isoformat()


def test_service_at_location_list_and_detail_are_valid(client: Any, demo: Any) -> None:
    body = get(client, "/openreferral/service_at_locations", per_page=1000).json()
    hsds.assert_page(body, "compiled/service_at_location_list.json")
    hsds.assert_ids_are_uuids(body)
    full = get(client, "/openreferral/service_at_locations", per_page=30, full="1", postcode="LS9 7TF").json()
    hsds.assert_page(full, "compiled/service_at_location.json")
    for sal in ServiceAtLocation.objects.all()[:20]:
        detail = get(client, f"/openreferral/service_at_locations/{sal.id}").json()
        hsds.assert_valid(detail, "compiled/service_at_location.json")
        hsds.assert_ids_are_uuids(detail)
        assert detail["service"]["id"] == str(sal.service_id)


def test_organizations_are_valid(client: Any, demo: Any) -> None:
    body = get(client, "/openreferral/organizations", per_page=100).json()
    hsds.assert_page(body, "organization.json")
    full = get(client, "/openreferral/organizations", per_page=100, full="true").json()
    hsds.assert_page(full, "compiled/organization.json")
    for org in Organization.objects.all():
        detail = get(client, f"/openreferral/organizations/{org.id}").json()
        hsds.assert_valid(detail, "compiled/organization.json")
        hsds.assert_ids_are_uuids(detail)
        assert detail["services"]
    org = Organization.objects.first()
    deep = get(client, f"/openreferral/organizations/{org.id}", full_service="true").json()
    for service in deep["services"]:
        hsds.assert_valid(service, "compiled/service.json")


def test_taxonomies_and_terms_are_valid(client: Any, demo: Any) -> None:
    body = get(client, "/openreferral/taxonomies").json()
    hsds.assert_page(body, "taxonomy.json")
    for taxonomy in Taxonomy.objects.all():
        hsds.assert_valid(get(client, f"/openreferral/taxonomies/{taxonomy.id}").json(), "taxonomy.json")
    terms = get(client, "/openreferral/taxonomy_terms", per_page=100).json()
    hsds.assert_page(terms, "taxonomy_term.json")
    assert terms["total_items"] == TaxonomyTerm.objects.count()
    for term in TaxonomyTerm.objects.all()[:10]:
        detail = get(client, f"/openreferral/taxonomy_terms/{term.id}").json()
        hsds.assert_valid(detail, "taxonomy_term.json")
        hsds.assert_ids_are_uuids(detail)


@pytest.mark.parametrize(
    ("url", "schema"),
    [
        ("/openreferral/services", "compiled/service_list.json"),
        ("/openreferral/service_at_locations", "compiled/service_at_location_list.json"),
        ("/openreferral/organizations", "organization.json"),
        ("/openreferral/taxonomies", "taxonomy.json"),
        ("/openreferral/taxonomy_terms", "taxonomy_term.json"),
    ],
)
def test_ndjson_streams_every_result_one_valid_object_per_line(client: Any, demo: Any, url: str, schema: str) -> None:
    total = get(client, url).json()["total_items"]
    response = get(client, url, format="ndjson")
    assert response["Content-Type"].startswith("application/x-ndjson")
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert len(lines) == total
    for line in lines:
        hsds.assert_valid(json.loads(line), schema)


def test_full_ndjson_of_services_is_valid(client: Any, demo: Any) -> None:
    response = get(client, "/openreferral/services", format="ndjson", full="true")
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert len(lines) == Service.objects.count()
    for line in lines[:30]:
        hsds.assert_valid(json.loads(line), "compiled/service.json")


def test_the_format_checker_rejects_what_hsds_forbids() -> None:
    """The checks above would prove nothing if the format checker let anything through."""
    fc = hsds.checker()
    for value, fmt in [
        ("not-a-uuid", "uuid"),
        ("A037D69C-0F4E-5635-B879-026451D74406X", "uuid"),
        ("www.example.org", "uri"),
        ("", "uri"),
        ("2025-13-01T00:00:00Z", "date-time"),
        ("2025-01-01", "date-time"),
        ("2025-01-01T10:00:00", "date-time"),
        ("nobody", "email"),
    ]:
        with pytest.raises(Exception):  # noqa: B017 - FormatError
            fc.check(value, fmt)
    fc.check("https://example.org/x", "uri")
    fc.check("2025-01-01T10:00:00Z", "date-time")
    with pytest.raises(ValidationError):
        hsds.validator("compiled/service.json").validate({"id": "x", "name": "n", "status": "active"})
