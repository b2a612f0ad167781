"""A CareTeam write names its practitioner the way a school or GP system knows them: a contained
Practitioner or an identifier (e-mail, professional registration number), matched to one ECM user."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client

from ecm.accounts.services import api_client_create, practitioner_update
from ecm.accounts.tests.factories import OrganisationFactory, UserFactory
from ecm.core.actors import SYSTEM_COMMAND
from ecm.index.models import Involvement
from ecm.index.tests.factories import ChildFactory

pytestmark = pytest.mark.django_db
NMC = "https://fhir.hl7.org.uk/Id/nmc-number"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()


@pytest.fixture
def organisation():
    return OrganisationFactory()


@pytest.fixture
def api(organisation):
    _, token = api_client_create(actor=SYSTEM_COMMAND, organisation=organisation, name="School MIS")
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


@pytest.fixture
def nurse(organisation):
    user = UserFactory(organisation=organisation, email="Sam.Nurse@northside.example")
    practitioner_update(actor=SYSTEM_COMMAND, practitioner=user, professional_registration="12a 3456e")
    return user


def body(child, member, contained=None):
    resource = {
        "resourceType": "CareTeam",
        "name": "School nursing",
        "subject": {"reference": f"Patient/{child.pk}"},
        "category": [{"coding": [{"code": "health"}]}],
        "participant": [{"member": member}],
    }
    if contained:
        resource["contained"] = contained
    return resource


def post(api, resource):
    return api.post("/fhir/CareTeam", resource, content_type="application/fhir+json")


def diagnostics(response):
    assert response.status_code == 400, response.content[:300]
    return response.json()["issue"][0]["diagnostics"]


def test_registration_is_stored_without_spaces(nurse):
    nurse.refresh_from_db()
    assert nurse.professional_registration == "12A3456E"


@pytest.mark.parametrize(
    "member, contained",
    [
        ({"identifier": {"system": NMC, "value": "12A 3456E"}}, None),
        (
            {"identifier": {"system": "https://ecm.example.gov.uk/Id/email", "value": "sam.nurse@northside.example"}},
            None,
        ),
        (
            {"reference": "#p1"},
            [
                {
                    "resourceType": "Practitioner",
                    "id": "p1",
                    "telecom": [{"system": "email", "value": "SAM.NURSE@northside.example"}],
                }
            ],
        ),
        (
            {"reference": "#p1"},
            [{"resourceType": "Practitioner", "id": "p1", "identifier": [{"system": NMC, "value": "12a3456e"}]}],
        ),
    ],
)
def test_the_practitioner_is_matched_by_identifier_or_contained_practitioner(api, nurse, member, contained):
    child = ChildFactory()
    response = post(api, body(child, member, contained))
    assert response.status_code == 201, response.content[:300]
    assert Involvement.objects.get().practitioner == nurse


def test_another_organisations_practitioner_never_matches(api, nurse):
    outsider = UserFactory(email="outsider@elsewhere.example")
    member = {"identifier": {"system": "https://ecm.example.gov.uk/Id/email", "value": outsider.email}}
    assert "no practitioner of your organisation" in diagnostics(post(api, body(ChildFactory(), member)))
    assert not Involvement.objects.exists()


def test_two_matches_are_refused_with_a_clear_outcome(api, organisation, nurse):
    UserFactory(organisation=organisation, email="sam.nurse@northside.example")
    member = {"identifier": {"system": "https://ecm.example.gov.uk/Id/email", "value": "sam.nurse@northside.example"}}
    assert "matches 2 practitioners" in diagnostics(post(api, body(ChildFactory(), member)))
    assert not Involvement.objects.exists()


@pytest.mark.parametrize(
    "member, contained, words",
    [
        ({"reference": "#missing"}, None, "no contained Practitioner"),
        (
            {"reference": "#p1"},
            [{"resourceType": "Practitioner", "id": "p1", "name": [{"family": "Nurse"}]}],
            "no e-mail",
        ),
        ({"identifier": {"system": "https://example.org/unknown", "value": "x"}}, None, "no e-mail"),
        ({"display": "Sam Nurse"}, None, "give reference"),
    ],
)
def test_an_unusable_practitioner_is_a_clear_400(api, nurse, member, contained, words):
    assert words in diagnostics(post(api, body(ChildFactory(), member, contained)))
    assert not Involvement.objects.exists()
