"""No input crashes the Open Referral API; every error, Django's own included, is JSON with CORS;
the UK profile's start_time / end_time wording."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from ecm.directory.tests import factories as f

pytestmark = pytest.mark.django_db
LISTS = [
    "/openreferral/services",
    "/openreferral/service_at_locations",
    "/openreferral/organizations",
    "/openreferral/taxonomies",
    "/openreferral/taxonomy_terms",
]


def json_error(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.content[:300]
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["status"] == status and body["error"]
    return body


@pytest.mark.parametrize("url", LISTS)
@pytest.mark.parametrize("page", [str(2**63), str(2**64 + 1), "9" * 40, "٣", "²", "１"])
def test_page_numbers_out_of_range_or_not_ascii_are_400(client: Any, url: str, page: str) -> None:
    f.ServiceFactory()
    error = json_error(client.get(url, {"page": page}), 400)
    assert "page" in error["error"]


@pytest.mark.parametrize("url", LISTS)
def test_a_page_far_past_the_end_is_still_an_empty_page(client: Any, url: str) -> None:
    response = client.get(url, {"page": "1000000000", "per_page": "1000"})
    assert response.status_code == 200 and response.json()["empty"] is True


@pytest.mark.parametrize(
    "params",
    [
        {"minimum_age": "1e308"},
        {"maximum_age": "1e308"},
        {"minimum_age": "inf"},
        {"minimum_age": "nan"},
        {"minimum_age": "٣"},
        {"maximum_age": "151"},
        {"proximity": "1e308", "postcode": "LS8 5JN"},
        {"per_page": "٣"},
        {"per_page": "9" * 40},
        {"start_time": "٠٩:٣٠"},
        {"start_time": "25:00"},
        {"modified_after": "0001-01-01T00:00:00"},
        {"modified_after": "9999-12-31T23:59:59-01:00"},
        {"search": "a\x00b"},
    ],
)
def test_numbers_are_ascii_and_bounded(client: Any, params: dict[str, str]) -> None:
    json_error(client.get("/openreferral/service_at_locations", params), 400)
    if "proximity" not in params:  # /services takes no place
        json_error(client.get("/openreferral/services", params), 400)


def test_openreferral_without_its_slash_answers_with_cors(client: Any) -> None:
    response = client.get("/openreferral")
    assert response.status_code == 200 and response["Access-Control-Allow-Origin"] == "*"
    assert response.json()["version"] == "HSDS-UK-3.0"


def test_too_many_fields_is_json_with_cors(client: Any, settings: Any) -> None:
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 5
    query = "&".join(f"search={i}" for i in range(20))
    json_error(client.get(f"/openreferral/services?{query}"), 400)


def test_a_body_too_large_is_json_with_cors(client: Any, settings: Any) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    # The API is read-only: a POST with a large body is refused before the body is read.
    json_error(client.post("/openreferral/services", {"a": "x" * 5000}), 405)


def test_a_post_with_a_session_cookie_is_not_a_csrf_page() -> None:
    client = Client(enforce_csrf_checks=True)
    client.cookies["sessionid"] = "x"
    for url in ["/openreferral", "/openreferral/", "/openreferral/services", "/openreferral/nothing"]:
        response = client.post(url, {})
        json_error(response, 405)


@pytest.mark.urls("ecm.index.tests.urls_failing")
def test_an_unexpected_error_is_json_with_cors() -> None:
    client = Client(raise_request_exception=False)
    json_error(client.get("/openreferral/_failing"), 500)


def test_start_and_end_time_follow_the_uk_profile(client: Any) -> None:
    """start_time: schedules starting at or after it; end_time: ending at or before it."""
    f.schedule(f.ServiceFactory(name="Morning"), "MO", "09:00", "12:00")
    f.schedule(f.ServiceFactory(name="Afternoon"), "MO", "13:00", "17:00")
    f.schedule(f.ServiceFactory(name="All day"), "MO", "08:00", "18:00")

    def names(**params: str) -> list[str]:
        response = client.get("/openreferral/services", params)
        assert response.status_code == 200
        return sorted(s["name"] for s in response.json()["contents"])

    assert names(start_time="09:00") == ["Afternoon", "Morning"]
    assert names(end_time="17:00") == ["Afternoon", "Morning"]
    assert names(start_time="09:00", end_time="12:00") == ["Morning"]
    assert names(start_time="12:30") == ["Afternoon"]
