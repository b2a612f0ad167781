"""Structured identifying details: census lists, a language list, disability, gender; parents and assessor filled in."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from conftest import page_text
from ecm.accounts.tests.factories import OrganisationFactory, UserFactory
from ecm.caf import services
from ecm.caf.identity import ETHNICITIES, LANGUAGES, RELIGIONS, STRUCTURED_BY_KEY, mapped_value, parse
from ecm.caf.tests.factories import start_caf
from ecm.index.tests.factories import ChildFactory

pytestmark = pytest.mark.django_db


def section_url(assessment, slug="identifying"):
    return reverse("caf:section", args=[assessment.pk, slug])


def test_lists_are_the_england_2021_census_ones():
    assert len(ETHNICITIES) == 19
    assert "White: Gypsy or Irish Traveller" in ETHNICITIES and "White: Roma" in ETHNICITIES
    assert RELIGIONS == [
        "No religion",
        "Christian",
        "Buddhist",
        "Hindu",
        "Jewish",
        "Muslim",
        "Sikh",
        "Any other religion",
    ]
    assert LANGUAGES[0] == "English" and "British Sign Language" in LANGUAGES


@pytest.mark.parametrize(
    ("key", "typed", "expected"),
    [
        ("ethnicity", "white british", "White: English, Welsh, Scottish, Northern Irish or British"),
        ("ethnicity", "White: Irish", "White: Irish"),
        ("religion", "Islam", "Muslim"),
        ("religion", "Church of England", "Christian"),
        ("first_language_child", "punjabi", "Panjabi"),
        ("disability", "none", "No"),
        ("disability", "Yes: autism", "Yes: autism"),
        ("ethnicity", "Kashmiri heritage", "Kashmiri heritage"),  # maps to nothing: kept as it was
    ],
)
def test_old_free_text_maps_where_it_can_and_is_kept_where_it_cannot(key, typed, expected):
    assert mapped_value(key, typed) == expected


def test_unmapped_old_value_is_offered_back_and_kept_on_save(user_client):
    author = UserFactory()
    assessment = start_caf(author, ChildFactory())
    services.assessment_save_section(actor=author, assessment=assessment, values={"ethnicity": "Kashmiri heritage"})
    client = user_client(author)
    page = client.get(section_url(assessment))
    assert "As recorded before: Kashmiri heritage" in page_text(page)
    client.post(section_url(assessment), {"ethnicity": "__kept__", "religion": "Muslim", "save_draft": "1"})
    data = services.latest_data(assessment)
    assert data["ethnicity"] == "Kashmiri heritage" and data["religion"] == "Muslim"


def test_choices_and_written_detail_are_stored_as_words(user_client):
    author = UserFactory()
    assessment = start_caf(author, ChildFactory())
    client = user_client(author)
    client.post(
        section_url(assessment),
        {
            "ethnicity": "White: Other White",
            "ethnicity_detail": "Polish",
            "disability": "Yes",
            "disability_detail": "Hearing loss, uses hearing aids",
            "first_language_child": "Polish",
            "first_language_parents": "Prefer not to say",
            "gender": "Female",
            "save_draft": "1",
        },
    )
    data = services.latest_data(assessment)
    assert data["ethnicity"] == "White: Other White: Polish"
    assert data["disability"] == "Yes: Hearing loss, uses hearing aids"
    assert data["first_language_child"] == "Polish" and data["first_language_parents"] == "Prefer not to say"
    assert parse(STRUCTURED_BY_KEY["ethnicity"], data["ethnicity"]) == ("White: Other White", "Polish", True)
    again = client.get(section_url(assessment)).content.decode()
    assert 'value="White: Other White" selected' in again


def test_a_choice_not_on_the_list_is_refused(user_client):
    author = UserFactory()
    assessment = start_caf(author, ChildFactory())
    page = user_client(author).post(section_url(assessment), {"religion": "Jedi", "save_draft": "1"})
    assert "There is a problem" in page_text(page)
    assert "religion" not in services.latest_data(assessment)


def test_parents_from_the_index_and_assessor_from_the_account(user_client):
    school = OrganisationFactory(name="Hill Primary School", phone="0113 496 0000")
    author = UserFactory(first_name="Ada", last_name="Teacher", job_title="Class teacher", organisation=school)
    child = ChildFactory(given_name="Lily", family_name="Smith")
    assessment = start_caf(author, child)
    client = user_client(author)
    family = page_text(client.get(section_url(assessment, "family")))
    assert "Parent Smith, Mother, parental responsibility" in family
    assert "Filled in from the child index" in family
    assessor = page_text(client.get(section_url(assessment, "assessor")))
    assert "Ada Teacher, Class teacher, Hill Primary School" in assessor
    identifying = client.get(section_url(assessment)).content.decode()
    assert re.search(r'value="Female"\s+checked', identifying)
    client.post(section_url(assessment, "assessor"), {"assessor": "Ada Teacher, Class teacher", "save_draft": "1"})
    assert services.latest_data(assessment)["assessor"] == "Ada Teacher, Class teacher"


def test_shielded_child_parents_are_not_repeated(user_client):
    author = UserFactory()
    child = ChildFactory(shielded=True)
    assessment = start_caf(author, child)
    family = page_text(user_client(author).get(section_url(assessment, "family")))
    assert "parental responsibility," not in family


def test_the_mapping_command_writes_a_new_version_and_keeps_what_does_not_map():
    from django.core.management import call_command

    author = UserFactory()
    assessment = start_caf(author, ChildFactory())
    services.assessment_save_section(
        actor=author,
        assessment=assessment,
        values={"ethnicity": "Kashmiri heritage", "religion": "islam", "first_language_child": "punjabi"},
    )
    before = assessment.versions.count()
    call_command("caf_map_identifying")
    data = services.latest_data(assessment)
    assert data["ethnicity"] == "Kashmiri heritage"
    assert data["religion"] == "Muslim" and data["first_language_child"] == "Panjabi"
    assert assessment.versions.count() == before + 1
    assert assessment.versions.get(number=before).data["religion"] == "islam"  # history untouched
    call_command("caf_map_identifying")
    assert assessment.versions.count() == before + 1
