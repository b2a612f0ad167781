"""The search page as a busy practitioner meets it: results first, fuzzy offered only when it can run, plain dates."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from conftest import page_text
from ecm.accounts.choices import Role
from ecm.accounts.tests.factories import UserFactory
from ecm.index.search.criteria import SearchCriteria, fuzzy_missing
from ecm.index.tests.factories import ChildFactory

pytestmark = pytest.mark.django_db
DOB = dt.date(2014, 6, 20)


def search_data(**kwargs):
    data = {"given_name": "", "family_name": "", "postcode": "", "gender": ""}
    born = kwargs.pop("dob", None)
    if born:
        data.update({"date_of_birth_0": born.day, "date_of_birth_1": born.month, "date_of_birth_2": born.year})
    data.update(kwargs)
    return data


@pytest.fixture
def client(user_client):
    return user_client(UserFactory(roles=[Role.PRACTITIONER]))


def test_results_come_before_the_form_which_is_folded_away(client):
    ChildFactory(given_name="Olivia", family_name="Barker", date_of_birth=DOB)
    html = client.post(reverse("index:search"), search_data(family_name="Barker", dob=DOB)).content.decode()
    assert html.index("Olivia Barker") < html.index('name="family_name"')
    assert html.index('<details class="govuk-details">') < html.index('name="family_name"')
    assert "Change your search" in html


def test_no_results_keep_the_form_open(client):
    html = client.post(reverse("index:search"), search_data(given_name="Zed", family_name="Nobody", dob=DOB))
    assert '<details class="govuk-details">' not in html.content.decode()
    assert "Search again" in page_text(html)


def test_family_name_and_birth_date_miss_asks_for_the_given_name_instead_of_a_fuzzy_button(client):
    page = client.post(reverse("index:search"), search_data(family_name="Nobody", dob=DOB))
    text = page_text(page)
    assert "No exact matches." in text
    assert "Search again for similar matches" not in text
    assert "also enter the given name" in text


def test_fuzzy_offered_when_its_minimum_is_met_and_then_runs(client):
    ChildFactory(given_name="Katherine", family_name="Smith", date_of_birth=DOB)
    miss = client.post(reverse("index:search"), search_data(given_name="Catherine", family_name="Smyth", dob=DOB))
    assert "Search again for similar matches" in page_text(miss)
    again = client.post(
        reverse("index:search"), search_data(given_name="Catherine", family_name="Smyth", dob=DOB, fuzzy="on")
    )
    assert "There is a problem" not in page_text(again)
    assert "Katherine Smith" in page_text(again)


@pytest.mark.parametrize(
    ("day", "month", "year", "message"),
    [
        (
            "6",
            "20",
            "2014",
            "Date of birth must be a real date: check the day and month are the right way round",
        ),
        ("31", "2", "2014", "Date of birth must be a real date"),
        ("20", "", "2014", "Date of birth must include a month"),
        ("20", "6", "14", "the year must have 4 numbers"),
        ("x", "6", "2014", "Date of birth must be a real date"),
    ],
)
def test_bad_dates_get_plain_gov_uk_messages(client, day, month, year, message):
    data = search_data(family_name="Barker")
    data.update({"date_of_birth_0": day, "date_of_birth_1": month, "date_of_birth_2": year})
    text = page_text(client.post(reverse("index:search"), data))
    assert "There is a problem" in text
    assert message in text
    assert "must be in 1..12" not in text and "day is out of range" not in text


def test_fuzzy_missing_names_the_nearest_set():
    assert fuzzy_missing(SearchCriteria(family_name="Smith", birth_date=DOB)) == ["given name"]
    assert fuzzy_missing(SearchCriteria(given_name="Ann", family_name="Smith", birth_date=DOB)) == []
    assert fuzzy_missing(SearchCriteria(given_name="An*", family_name="Smith", birth_date=DOB)) == ["given name"]
    range_only = SearchCriteria(
        family_name="Smith", gender="female", postcode="LS1 4AP", birth_date_from=DOB, birth_date_to=DOB
    )
    assert fuzzy_missing(range_only) == ["date of birth"]
