"""No input crashes the FHIR API: malformed bodies and parameters are 400 OperationOutcomes naming the
bad element, errors from Django's own layers are OperationOutcomes too, and a refused write leaves nothing."""

from __future__ import annotations

import json

import pytest
from django.core.cache import cache
from django.test import Client
from fhir.resources.R4B.operationoutcome import OperationOutcome

from ecm.accounts.services import api_client_create
from ecm.accounts.tests.factories import OrganisationFactory, UserFactory
from ecm.audit.models import AuditEvent
from ecm.core.actors import SYSTEM_COMMAND
from ecm.index.models import Involvement
from ecm.index.tests.factories import ChildFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def organisation():
    return OrganisationFactory()


@pytest.fixture
def api(organisation):
    _, token = api_client_create(actor=SYSTEM_COMMAND, organisation=organisation, name="Case system", is_system=False)
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


def outcome(response, status):
    assert response.status_code == status, response.content[:400]
    assert response["Content-Type"] == "application/fhir+json"
    body = response.json()
    OperationOutcome.model_validate(body)
    return body["issue"][0]


def care_team(child, practitioner, **changes):
    body = {
        "resourceType": "CareTeam",
        "status": "active",
        "name": "School nursing",
        "subject": {"reference": f"Patient/{child.pk}"},
        "category": [{"coding": [{"code": "health"}]}],
        "participant": [{"member": {"reference": f"Practitioner/{practitioner.pk}"}}],
    }
    body.update(changes)
    return body


# The shapes that used to answer 500, each with the element the OperationOutcome must name.
BAD_BODIES = [
    ({"subject": "Patient/1"}, "subject"),
    ({"subject": {"reference": 7}}, "subject"),
    ({"participant": "Practitioner/1"}, "participant"),
    ({"participant": [{"member": "x"}]}, "participant"),
    ({"participant": [7]}, "participant"),
    ({"participant": []}, "participant"),
    ({"category": "health"}, "category"),
    ({"category": [{"coding": "health"}]}, "category"),
    ({"category": [7]}, "category"),
    ({"period": "2025-01-01"}, "period"),
    ({"period": {"start": 20250101}}, "period"),
    ({"period": {"start": "2025-02-30"}}, "period"),
    ({"extension": "x"}, "extension"),
    ({"extension": [7]}, "extension"),
    (
        {"extension": [{"url": "https://ecm.example.gov.uk/fhir/StructureDefinition/involvement", "extension": "x"}]},
        "extension",
    ),
    ({"name": ["School nursing"]}, "name"),
    ({"status": 3}, "status"),
]


@pytest.mark.parametrize("changes, element", BAD_BODIES)
def test_a_wrongly_typed_care_team_is_a_400_naming_the_element(api, organisation, changes, element):
    child = ChildFactory()
    practitioner = UserFactory(organisation=organisation)
    response = api.post(
        "/fhir/CareTeam", care_team(child, practitioner, **changes), content_type="application/fhir+json"
    )
    issue = outcome(response, 400)
    assert element in issue["diagnostics"], issue
    assert not Involvement.objects.exists()


@pytest.mark.parametrize("changes, element", [b for b in BAD_BODIES if b[0] != {"participant": []}])
def test_a_wrongly_typed_care_team_update_is_a_400(api, organisation, changes, element):
    child = ChildFactory()
    practitioner = UserFactory(organisation=organisation)
    created = api.post("/fhir/CareTeam", care_team(child, practitioner), content_type="application/fhir+json")
    assert created.status_code == 201
    body = created.json() | changes
    response = api.put(created["Location"], body, content_type="application/fhir+json")
    issue = outcome(response, 400)
    assert element in issue["diagnostics"]


@pytest.mark.parametrize("raw", [b"[]", b"null", b"\xff\xfe", b'{"resourceType": "Patient"}', b"1e999999"])
def test_a_body_that_is_not_a_care_team_is_invalid_request(api, raw):
    issue = outcome(api.post("/fhir/CareTeam", raw, content_type="application/fhir+json"), 400)
    assert issue["details"]["coding"][0]["code"] == "INVALID_REQUEST"


def test_a_refused_care_team_post_has_written_nothing(api, organisation):
    """The involvement would be valid; the CAF flag asks for a start in the future, refused after the add."""
    child = ChildFactory()
    practitioner = UserFactory(organisation=organisation)
    events = AuditEvent.objects.count()
    body = care_team(
        child,
        practitioner,
        participant=[
            {
                "member": {"reference": f"Practitioner/{practitioner.pk}"},
                "role": [{"coding": [{"code": "has-undertaken-caf"}]}],
            }
        ],
        extension=[
            {
                "url": "https://ecm.example.gov.uk/fhir/StructureDefinition/involvement",
                "extension": [{"url": "caf-start-date", "valueDate": "2999-01-01"}],
            }
        ],
    )
    response = api.post("/fhir/CareTeam", body, content_type="application/fhir+json")
    outcome(response, 400)
    assert not Involvement.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="index.involvement").exists()
    assert AuditEvent.objects.count() == events


@pytest.mark.parametrize("value", ["٣", "²", "１０", "99999999999999999999999", "+5", "5.0", "-1", "0", "51"])
def test_max_results_is_ascii_digits_within_bounds(api, value):
    ChildFactory(family_name="Dunn")
    response = api.get("/fhir/Patient", {"family": "Dunn", "birthdate": "2013-09-05", "_max-results": value})
    issue = outcome(response, 400)
    assert issue["details"]["coding"][0]["code"] == "INVALID_VALUE"
    assert "_max-results" in issue["diagnostics"]


@pytest.mark.parametrize("member", ["Practitioner/²", "Practitioner/99999999999999999999999", "Practitioner/-1"])
def test_a_strange_practitioner_id_is_a_400(api, organisation, member):
    child = ChildFactory()
    body = care_team(child, UserFactory(organisation=organisation), participant=[{"member": {"reference": member}}])
    outcome(api.post("/fhir/CareTeam", body, content_type="application/fhir+json"), 400)


# Errors raised by Django's own layers --------------------------------------------------------


def test_unknown_paths_and_methods_are_outcomes(api):
    assert outcome(api.get("/fhir/Nothing/here"), 404)["details"]["coding"][0]["code"] == "RESOURCE_NOT_FOUND"
    response = api.delete("/fhir/Patient")
    assert outcome(response, 405)["details"]["coding"][0]["code"] == "METHOD_NOT_ALLOWED"
    assert response["Allow"] == "GET"


def test_too_many_fields_is_an_outcome(api, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 5
    query = "&".join(f"given={i}" for i in range(20))
    issue = outcome(api.get(f"/fhir/Patient?family=Dunn&{query}"), 400)
    assert "fields" in issue["diagnostics"].lower()


def test_a_body_too_large_is_an_outcome(api, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = json.dumps({"resourceType": "CareTeam", "name": "x" * 5000})
    issue = outcome(api.post("/fhir/CareTeam", body, content_type="application/fhir+json"), 400)
    assert "too large" in issue["diagnostics"].lower()


def test_a_post_with_a_session_cookie_and_no_csrf_token_is_not_a_csrf_page(api):
    api.cookies["sessionid"] = "x"
    for url in ["/fhir/CareTeam", "/fhir/nothing", "/fhir/openapi.json", "/fhir/Patient"]:
        response = api.post(url, "{}", content_type="application/fhir+json")
        assert response["Content-Type"] == "application/fhir+json", url
        assert response.status_code != 403, url


@pytest.mark.urls("ecm.index.tests.urls_failing")
def test_an_unexpected_error_is_a_500_outcome(api):
    api.raise_request_exception = False
    issue = outcome(api.get("/fhir/_failing"), 500)
    assert issue["details"]["coding"][0]["code"] == "SERVER_ERROR"
    page = api.get("/_failing")
    assert page.status_code == 500 and "text/html" in page["Content-Type"]


@pytest.mark.parametrize(
    "params",
    [
        {"family": "Dunn", "birthdate": "0001-01-01"},
        {"family": "Dunn", "birthdate": "9999-12-31"},
        {"given": "Sam", "family": "Dunn", "birthdate": "0001-01-01", "_fuzzy-match": "true"},
        {"given": "Sam", "family": "Dunn", "birthdate": "9999-12-31", "_fuzzy-match": "true"},
        {
            "family": "Dunn",
            "gender": "male",
            "address-postalcode": "LS1 1AA",
            "birthdate": ["ge0001-01-01", "le9999-12-31"],
        },
        {"family": "D" + "\u0301" * 30, "birthdate": "2013-09-05"},
        {"family": "Dunn%", "birthdate": "2013-09-05"},
        {"family": "Du*", "birthdate": "2013-09-05"},
        {"family": "Dunn", "birthdate": "2013-09-05", "address-postalcode": "٣٣"},
    ],
)
def test_extreme_searches_never_crash(api, params):
    ChildFactory(family_name="Dunn")
    response = api.get("/fhir/Patient", params)
    assert response.status_code < 500 and response["Content-Type"] == "application/fhir+json"
