"""Paging, filters (AND), proximity ordering, errors and CORS of the Open Referral API."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from ecm.core import clock
from ecm.directory.geo import haversine_m
from ecm.directory.postcodes import lookup
from ecm.directory.tests import factories as f

pytestmark = pytest.mark.django_db


def body(client: Any, url: str, status: int = 200, **params: Any) -> Any:
    response = client.get(url, params)
    assert response.status_code == status, response.content[:300]
    assert response["Access-Control-Allow-Origin"] == "*"
    return response.json()


# Paging --------------------------------------------------------------------
def test_paging_counts_from_one_and_the_last_page_holds_the_remainder(client: Any) -> None:
    for i in range(7):
        f.ServiceFactory(name=f"Paged {i}")
    first = body(client, "/openreferral/services", per_page=3)
    assert (first["total_items"], first["total_pages"], first["page_number"], first["size"]) == (7, 3, 1, 3)
    assert first["first_page"] and not first["last_page"] and not first["empty"]
    last = body(client, "/openreferral/services", per_page=3, page=3)
    assert (last["size"], last["first_page"], last["last_page"]) == (1, False, True)
    names = [
        s["name"] for p in (1, 2, 3) for s in body(client, "/openreferral/services", per_page=3, page=p)["contents"]
    ]
    assert names == [f"Paged {i}" for i in range(7)]


def test_a_page_past_the_end_is_an_empty_page_not_an_error(client: Any) -> None:
    f.ServiceFactory()
    past = body(client, "/openreferral/services", page=5)
    assert past["contents"] == [] and past["size"] == 0 and past["empty"] and past["last_page"]
    assert past["total_items"] == 1 and past["page_number"] == 5


def test_no_results_at_all(client: Any) -> None:
    none = body(client, "/openreferral/service_at_locations")
    assert none == {
        "total_items": 0,
        "total_pages": 0,
        "page_number": 1,
        "size": 0,
        "first_page": True,
        "last_page": True,
        "empty": True,
        "contents": [],
    }


@pytest.mark.parametrize(
    "params",
    [
        {"page": "0"},
        {"page": "-1"},
        {"page": "two"},
        {"per_page": "0"},
        {"format": "xml"},
        {"full": "maybe"},
        {"taxonomy_term_id": "not-a-uuid"},
        {"minimum_age": "-3"},
        {"day": "Monday"},
        {"start_time": "9am"},
        {"modified_after": "yesterday"},
        {"proximity": "1000"},
        {"postcode": "NOT A POSTCODE"},
    ],
)
def test_bad_parameters_are_a_400_that_says_why(client: Any, params: dict[str, str]) -> None:
    error = body(client, "/openreferral/service_at_locations", status=400, **params)
    assert error["status"] == 400 and len(error["error"]) > 10


def test_per_page_is_capped(client: Any) -> None:
    f.ServiceFactory()
    assert body(client, "/openreferral/services", per_page=100000)["total_pages"] == 1


def test_missing_records_and_unknown_paths_are_json_404s_with_cors(client: Any) -> None:
    for url in [
        "/openreferral/services/4b1d7a4e-6a0c-4b8e-9d0e-0d9f7b0e2f11",
        "/openreferral/services/not-a-uuid",
        "/openreferral/service_at_locations/4b1d7a4e-6a0c-4b8e-9d0e-0d9f7b0e2f11",
        "/openreferral/organizations/4b1d7a4e-6a0c-4b8e-9d0e-0d9f7b0e2f11",
        "/openreferral/taxonomies/x",
        "/openreferral/taxonomy_terms/x",
        "/openreferral/nothing-here",
    ]:
        assert body(client, url, status=404)["status"] == 404


def test_the_api_is_read_only_and_answers_preflight(client: Any) -> None:
    response = client.post("/openreferral/services", {})
    assert response.status_code == 405 and response["Access-Control-Allow-Origin"] == "*"
    preflight = client.options("/openreferral/services")
    assert preflight.status_code == 204 and preflight["Access-Control-Allow-Origin"] == "*"


# Filters ---------------------------------------------------------------------
def test_filters_combine_with_and(client: Any) -> None:
    need = f.TermFactory(name="Parenting")
    other = f.TermFactory(name="Housing")
    both = f.placed("Both", f.HAREHILLS, minimum_age_months=36, maximum_age_months=96)
    f.tag(both.service, need)
    f.schedule(both.service, "MO,WE", "09:00", "12:00")
    wrong_need = f.placed("Wrong need", f.HAREHILLS, minimum_age_months=36, maximum_age_months=96)
    f.tag(wrong_need.service, other)
    f.schedule(wrong_need.service, "MO", "09:00", "12:00")
    wrong_day = f.placed("Wrong day", f.HAREHILLS, minimum_age_months=36, maximum_age_months=96)
    f.tag(wrong_day.service, need)
    f.schedule(wrong_day.service, "TU", "09:00", "12:00")
    too_young = f.placed("Too young", f.HAREHILLS, minimum_age_months=0, maximum_age_months=96)
    f.tag(too_young.service, need)
    f.schedule(too_young.service, "MO", "09:00", "12:00")
    too_far = f.placed("Too far", f.OTLEY, minimum_age_months=36, maximum_age_months=96)
    f.tag(too_far.service, need)
    f.schedule(too_far.service, "MO", "09:00", "12:00")

    params = {
        "taxonomy_term_id": str(need.id),
        "minimum_age": "3",
        "maximum_age": "8",
        "day": "MO",
        "start_time": "09:00",
        "end_time": "12:00",
        "postcode": "LS8 5JN",
        "proximity": "5000",
    }
    found = body(client, "/openreferral/service_at_locations", **params)
    assert [c["service"]["name"] for c in found["contents"]] == ["Both"]
    # Each filter alone lets more through, so the result above is their AND.
    assert body(client, "/openreferral/service_at_locations", taxonomy_term_id=str(need.id))["total_items"] == 4
    assert body(client, "/openreferral/service_at_locations", day="MO")["total_items"] == 4
    assert body(client, "/openreferral/service_at_locations", minimum_age="3")["total_items"] == 4
    services = body(client, "/openreferral/services", taxonomy_term_id=str(need.id), minimum_age="3", day="MO")
    assert sorted(s["name"] for s in services["contents"]) == ["Both", "Too far"]


def test_uk_profile_ages_keep_minimum_at_least_and_maximum_at_most(client: Any) -> None:
    f.ServiceFactory(name="Babies", minimum_age_months=0, maximum_age_months=12)
    f.ServiceFactory(name="Toddlers", minimum_age_months=18, maximum_age_months=48)
    f.ServiceFactory(name="Teens", minimum_age_months=156, maximum_age_months=228)
    f.ServiceFactory(name="Everyone", minimum_age_months=0, maximum_age_months=None)

    def names(**params: Any) -> list[str]:
        return sorted(s["name"] for s in body(client, "/openreferral/services", **params)["contents"])

    assert names(minimum_age="1") == ["Teens", "Toddlers"]
    assert names(maximum_age="1") == ["Babies"]
    assert names(minimum_age="1", maximum_age="4") == ["Toddlers"]
    babies = body(client, "/openreferral/services", maximum_age="1")["contents"][0]
    assert (babies["minimum_age"], babies["maximum_age"]) == (0, 1)
    toddlers = body(client, "/openreferral/services", minimum_age="1.5", maximum_age="4")["contents"][0]
    assert toddlers["minimum_age"] == 1.5


def test_taxonomy_organization_and_modified_after_filters(client: Any) -> None:
    clock.freeze(dt.datetime(2026, 1, 10, 12, tzinfo=dt.UTC))
    old = f.ServiceFactory(name="Old")
    clock.freeze(dt.datetime(2026, 3, 10, 12, tzinfo=dt.UTC))
    new = f.ServiceFactory(name="New")
    term = f.TermFactory()
    f.tag(old, term)
    assert [
        s["name"] for s in body(client, "/openreferral/services", taxonomy_id=str(term.taxonomy_id))["contents"]
    ] == ["Old"]
    assert [
        s["name"] for s in body(client, "/openreferral/services", organization_id=str(new.organization_id))["contents"]
    ] == ["New"]
    after = body(client, "/openreferral/services", modified_after="2026-02-01T00:00:00Z")
    assert [s["name"] for s in after["contents"]] == ["New"]
    assert after["contents"][0]["last_modified"] == "2026-03-10T12:00:00Z"


def test_keyword_search_matches_every_word_across_name_description_and_needs(client: Any) -> None:
    term = f.TermFactory(name="Speech and language")
    a = f.ServiceFactory(name="Chatterbox", description="Drop-in for parents")
    f.tag(a, term)
    f.ServiceFactory(name="Chatterbox Club", description="Board games")
    assert [s["name"] for s in body(client, "/openreferral/services", search="chatterbox speech")["contents"]] == [
        "Chatterbox"
    ]


# Proximity -------------------------------------------------------------------
def test_postcode_and_proximity_give_nearest_first_within_the_radius(client: Any) -> None:
    for name, point in [
        ("Morley", f.MORLEY),
        ("Civic Hall", f.LEEDS_CIVIC_HALL),
        ("Beeston", f.BEESTON),
        ("Harehills", f.HAREHILLS),
        ("Otley", f.OTLEY),
    ]:
        f.placed(name, point)
    origin = lookup("LS11 7NS")  # Beeston: 0.1 km, 3.2, 4.3, 5.4 and 16.9 km from the five
    found = body(client, "/openreferral/service_at_locations", postcode="ls117ns", proximity="5000")
    names = [c["service"]["name"] for c in found["contents"]]
    assert names == ["Beeston", "Civic Hall", "Morley"]
    distances = [
        haversine_m(origin.latitude, origin.longitude, c["location"]["latitude"], c["location"]["longitude"])
        for c in found["contents"]
    ]
    assert distances == sorted(distances) and distances[-1] <= 5000
    # Without a radius every placed result comes back, still nearest first.
    everything = body(client, "/openreferral/service_at_locations", postcode="LS11 7NS")
    assert [c["service"]["name"] for c in everything["contents"]][-1] == "Otley"
    # Paging keeps the order.
    second = body(client, "/openreferral/service_at_locations", postcode="LS11 7NS", per_page=2, page=2)
    assert [c["service"]["name"] for c in second["contents"]] == ["Morley", "Harehills"]


def test_an_unknown_postcode_is_a_clear_message(client: Any) -> None:
    error = body(client, "/openreferral/service_at_locations", status=400, postcode="LS99 9ZZ")
    assert "could not find the postcode LS99 9ZZ" in error["error"]
