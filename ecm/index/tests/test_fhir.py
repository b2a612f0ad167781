"""The FHIR API: PDS search semantics and errors, reads with a reason, shielding, CareTeam writes, limits."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from io import StringIO

import pytest
from django.core.cache import cache
from django.core.management import call_command
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.careteam import CareTeam
from fhir.resources.R4B.operationoutcome import OperationOutcome
from fhir.resources.R4B.patient import Patient

from ecm.accounts.services import api_client_create
from ecm.accounts.tests.factories import OrganisationFactory, UserFactory
from ecm.audit.models import AuditEvent
from ecm.core.actors import SYSTEM_COMMAND
from ecm.index.choices import SensitiveBasis, ServiceCategory
from ecm.index.models import Involvement
from ecm.index.tests.factories import ChildFactory, gp_practice, involvement, school

pytestmark = pytest.mark.django_db
DOB = dt.date(2013, 9, 5)


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def organisation():
    return OrganisationFactory(name="Northside Health Trust")


def make_client(organisation, *, person=False, rpm=120):
    client, token = api_client_create(
        actor=SYSTEM_COMMAND,
        organisation=organisation,
        name="Local system",
        is_system=not person,
        requests_per_minute=rpm,
    )
    return client, {"HTTP_AUTHORIZATION": f"Bearer {token}"}


@pytest.fixture
def system(organisation):
    return make_client(organisation)


@pytest.fixture
def person(organisation):
    return make_client(organisation, person=True)


def outcome_code(response):
    body = response.json()
    OperationOutcome.model_validate(body)
    return body["issue"][0]["details"]["coding"][0]["code"]


def test_exact_search_returns_a_valid_searchset(client, system):
    child = ChildFactory(given_name="Harvey", family_name="Dunn", date_of_birth=DOB)
    response = client.get("/fhir/Patient", {"family": "DUNN", "birthdate": "eq2013-09-05"}, **system[1])
    assert response.status_code == 200 and response["Content-Type"] == "application/fhir+json"
    bundle = Bundle.model_validate(response.json())
    assert bundle.type == "searchset" and bundle.total == 1
    patient = response.json()["entry"][0]["resource"]
    Patient.model_validate(patient)
    assert patient["id"] == str(child.pk) and patient["meta"]["security"][0]["code"] == "U"
    assert patient["address"] == [{"use": "home", "postalCode": "LS1"}]
    assert response.json()["entry"][0]["search"]["score"] == 1.0


def test_system_search_never_returns_more_than_one(client, system):
    ChildFactory(family_name="Dunn", date_of_birth=DOB)
    ChildFactory(family_name="Dunn", date_of_birth=DOB)
    response = client.get("/fhir/Patient", {"family": "Dunn", "birthdate": "2013-09-05"}, **system[1])
    assert response.status_code == 200
    body = response.json()
    assert body["resourceType"] == "OperationOutcome"
    assert body["issue"][0]["severity"] == "information" and body["issue"][0]["code"] == "multiple-matches"
    assert outcome_code(response) == "TOO_MANY_MATCHES"
    assert "Patient" not in json.dumps(body)
    assert AuditEvent.objects.filter(action="index.search_match", data__returned=False).count() == 2
    # _max-results cannot lift a system's cap
    response = client.get(
        "/fhir/Patient", {"family": "Dunn", "birthdate": "2013-09-05", "_max-results": "5"}, **system[1]
    )
    assert outcome_code(response) == "INVALID_VALUE"


def test_person_client_cap_and_empty_bundle(client, person):
    ChildFactory(family_name="Dunn", date_of_birth=DOB)
    ChildFactory(family_name="Dunn", date_of_birth=DOB)
    response = client.get("/fhir/Patient", {"family": "Dunn", "birthdate": "2013-09-05"}, **person[1])
    assert response.json()["total"] == 2
    capped = client.get(
        "/fhir/Patient", {"family": "Dunn", "birthdate": "2013-09-05", "_max-results": "1"}, **person[1]
    )
    assert outcome_code(capped) == "TOO_MANY_MATCHES"
    empty = client.get("/fhir/Patient", {"family": "Nobody", "birthdate": "2013-09-05"}, **person[1])
    assert empty.json() == {"resourceType": "Bundle", "type": "searchset", "total": 0, "entry": []}


@pytest.mark.parametrize(
    "params, code",
    [
        ({}, "MISSING_VALUE"),
        ({"family": "Dunn"}, "INVALID_SEARCH_DATA"),
        ({"family": "Dunn", "birthdate": "2013-13-45"}, "INVALID_VALUE"),
        ({"family": "Dunn", "birthdate": "05/09/2013"}, "INVALID_VALUE"),
        ({"family": "Dunn", "birthdate": "2013-09-05", "gender": "boy"}, "INVALID_VALUE"),
        ({"family": "Dunn", "birthdate": "2013-09-05", "_max-results": "0"}, "INVALID_VALUE"),
        ({"family": "Dunn", "birthdate": "2013-09-05", "_max-results": "51"}, "INVALID_VALUE"),
        ({"family": "Dunn", "birthdate": "2013-09-05", "colour": "blue"}, "ADDITIONAL_PROPERTIES"),
        ({"family": "D*", "birthdate": "2013-09-05"}, "INVALID_VALUE"),
        ({"family": "Dunn", "birthdate": "2013-09-05", "_fuzzy-match": "true"}, "INVALID_SEARCH_DATA"),
    ],
)
def test_errors_use_pds_codes(client, person, params, code):
    response = client.get("/fhir/Patient", params, **person[1])
    assert response.status_code == 400
    assert outcome_code(response) == code


def test_birthdate_range_with_ge_and_le(client, person):
    ChildFactory(family_name="Dunn", date_of_birth=DOB, gender="male")
    query = "family=Dunn&gender=male&address-postalcode=ls1%204ap&birthdate=ge2013-01-01&birthdate=le2013-12-31"
    response = client.get(f"/fhir/Patient?{query}", **person[1])
    assert response.json()["total"] == 1
    inclusive = "family=Dunn&gender=male&address-postalcode=LS14AP&birthdate=ge2013-09-05&birthdate=le2013-09-05"
    assert client.get(f"/fhir/Patient?{inclusive}", **person[1]).json()["total"] == 1


def test_fuzzy_and_exact_match_flags(client, person):
    ChildFactory(given_name="Jon", family_name="Dunn", date_of_birth=DOB)
    ChildFactory(given_name="John", family_name="Dunn", date_of_birth=DOB)
    fuzzy = client.get(
        "/fhir/Patient",
        {"given": "John", "family": "Dunn", "birthdate": "2013-09-05", "_fuzzy-match": "true"},
        **person[1],
    ).json()
    scores = [e["search"]["score"] for e in fuzzy["entry"]]
    assert len(scores) == 2 and scores[0] == 1.0 and scores[1] < 1.0
    exact = client.get(
        "/fhir/Patient",
        {"given": "John", "family": "Dunn", "birthdate": "2013-09-05", "_exact-match": "true"},
        **person[1],
    ).json()
    assert exact["total"] == 1


def test_history_answers_with_current_details(client, person):
    from ecm.index import services

    child = ChildFactory(given_name="Ava", family_name="Lamb", date_of_birth=DOB)
    services.child_update(actor=SYSTEM_COMMAND, child=child, family_name="Stone")
    assert client.get("/fhir/Patient", {"family": "Lamb", "birthdate": "2013-09-05"}, **person[1]).json()["total"] == 0
    found = client.get(
        "/fhir/Patient", {"family": "Lamb", "birthdate": "2013-09-05", "_history": "true"}, **person[1]
    ).json()
    assert found["entry"][0]["resource"]["name"][0]["family"] == "Stone"


def test_read_needs_a_reason_and_is_audited(client, system):
    child = ChildFactory(nhs_number="9434765919", school=school(), gp_practice=gp_practice())
    url = f"/fhir/Patient/{child.pk}"
    refused = client.get(url, **system[1])
    assert refused.status_code == 403 and outcome_code(refused) == "REASON_REQUIRED"
    assert not AuditEvent.objects.filter(action="index.record_view").exists()
    response = client.get(url, HTTP_X_ACCESS_REASON="safeguarding: strategy meeting", **system[1])
    assert response.status_code == 200
    patient = response.json()
    Patient.model_validate(patient)
    assert patient["meta"]["security"][0]["code"] == "U"
    assert {"system": "https://fhir.nhs.uk/Id/nhs-number", "value": "9434765919"} in patient["identifier"]
    assert patient["address"][0]["postalCode"] == "LS1 4AP" and patient["generalPractitioner"]
    event = AuditEvent.objects.get(action="index.record_view")
    assert event.reason == "A safeguarding concern: strategy meeting" and event.actor_type == "api_client"


def test_request_id_is_echoed_and_audited(client, system):
    child = ChildFactory()
    request_id = str(uuid.uuid4())
    response = client.get(
        f"/fhir/Patient/{child.pk}", HTTP_X_REQUEST_ID=request_id, HTTP_X_ACCESS_REASON="check_identity", **system[1]
    )
    assert response["X-Request-ID"] == request_id
    assert AuditEvent.objects.get(action="index.record_view").request_id == request_id


def test_shielded_patient_is_restricted(client, system, person):
    child = ChildFactory(
        given_name="Zara",
        family_name="Holt",
        date_of_birth=DOB,
        shielded=True,
        school=school(),
        gp_practice=gp_practice(),
    )
    patient = client.get(f"/fhir/Patient/{child.pk}", HTTP_X_ACCESS_REASON="check_identity", **system[1]).json()
    Patient.model_validate(patient)
    assert patient["meta"]["security"][0]["code"] == "R"
    for absent in ("address", "telecom", "generalPractitioner", "extension", "managingOrganization"):
        assert absent not in patient
    assert patient["contact"] == [{"name": {"family": "Holt", "given": ["Parent"]}}]
    by_postcode = client.get(
        "/fhir/Patient", {"family": "Holt", "birthdate": "2013-09-05", "address-postalcode": "LS1 4AP"}, **person[1]
    ).json()
    assert by_postcode["total"] == 0
    by_name = client.get("/fhir/Patient", {"family": "Holt", "birthdate": "2013-09-05"}, **person[1]).json()
    found = by_name["entry"][0]["resource"]
    assert found["meta"]["security"][0]["code"] == "R" and "address" not in found


def test_read_errors(client, system):
    assert (
        outcome_code(client.get("/fhir/Patient/not-a-uuid", HTTP_X_ACCESS_REASON="check_identity", **system[1]))
        == "INVALID_RESOURCE_ID"
    )
    missing = client.get(f"/fhir/Patient/{uuid.uuid4()}", HTTP_X_ACCESS_REASON="check_identity", **system[1])
    assert missing.status_code == 404 and outcome_code(missing) == "RESOURCE_NOT_FOUND"
    no_token = client.get(f"/fhir/Patient/{uuid.uuid4()}")
    assert no_token.status_code == 401 and outcome_code(no_token) == "ACCESS_DENIED"
    bad_token = client.get("/fhir/Patient", {"family": "x"}, HTTP_AUTHORIZATION="Bearer nonsense")
    assert bad_token.status_code == 401


def test_merged_record_answers_with_survivor(client, system):
    from ecm.index import services

    survivor, duplicate = ChildFactory(), ChildFactory()
    services.child_merge(actor=SYSTEM_COMMAND, duplicate=duplicate, survivor=survivor, reason="Matched")
    patient = client.get(f"/fhir/Patient/{duplicate.pk}", HTTP_X_ACCESS_REASON="check_identity", **system[1]).json()
    assert patient["id"] == str(survivor.pk)


def test_rate_limit(client, organisation):
    _, headers = make_client(organisation, rpm=2)
    params = {"family": "Dunn", "birthdate": "2013-09-05"}
    assert client.get("/fhir/Patient", params, **headers).status_code == 200
    assert client.get("/fhir/Patient", params, **headers).status_code == 200
    limited = client.get("/fhir/Patient", params, **headers)
    assert limited.status_code == 429 and outcome_code(limited) == "TOO_MANY_REQUESTS"
    assert 1 <= int(limited["Retry-After"]) <= 60


def test_care_team_read_hides_unspecified_sensitive_service(client, system):
    child = ChildFactory()
    clinic = OrganisationFactory(name="Riverside Clinic")
    involvement(
        child,
        UserFactory(organisation=clinic, first_name="Nadia"),
        service="Young people's clinic",
        service_category=ServiceCategory.SEXUAL_HEALTH,
        sensitive_basis=SensitiveBasis.SIGNIFICANT_HARM,
    )
    involvement(child, UserFactory(first_name="Ruth"), service="Health visiting")
    response = client.get(
        "/fhir/CareTeam", {"patient": str(child.pk)}, HTTP_X_ACCESS_REASON="find_practitioners", **system[1]
    )
    body = response.json()
    Bundle.model_validate(body)
    text = json.dumps(body)
    assert "Nadia" not in text and "Riverside" not in text and "Young people" not in text
    assert "An unspecified service is involved" in text and "Ruth" in text
    for entry in body["entry"]:
        CareTeam.model_validate(entry["resource"])
    assert client.get("/fhir/CareTeam", {"patient": str(child.pk)}, **system[1]).status_code == 403


def _care_team_body(child, practitioner, **extra):
    body = {
        "resourceType": "CareTeam",
        "status": "active",
        "name": "School nursing",
        "subject": {"reference": f"Patient/{child.pk}"},
        "category": [
            {"coding": [{"system": "https://ecm.example.gov.uk/fhir/CodeSystem/service-category", "code": "health"}]}
        ],
        "participant": [{"member": {"reference": f"Practitioner/{practitioner.pk}"}}],
    }
    body.update(extra)
    return body


def test_care_team_create_and_update_own_organisation_only(client, system, organisation):
    child = ChildFactory()
    ours = UserFactory(organisation=organisation)
    theirs = UserFactory()
    refused = client.post(
        "/fhir/CareTeam", _care_team_body(child, theirs), content_type="application/fhir+json", **system[1]
    )
    assert refused.status_code == 400 and not Involvement.objects.exists()
    created = client.post(
        "/fhir/CareTeam", _care_team_body(child, ours), content_type="application/fhir+json", **system[1]
    )
    assert created.status_code == 201
    CareTeam.model_validate(created.json())
    made = Involvement.objects.get()
    assert made.practitioner == ours and created["Location"].endswith(f"/fhir/CareTeam/{made.pk}")
    update = created.json()
    update["participant"][0]["role"] = [{"coding": [{"system": "x", "code": "has-undertaken-caf"}]}]
    update["extension"] = [
        {
            "url": "https://ecm.example.gov.uk/fhir/StructureDefinition/involvement",
            "extension": [{"url": "caf-start-date", "valueDate": "2025-01-06"}],
        }
    ]
    updated = client.put(f"/fhir/CareTeam/{made.pk}", update, content_type="application/fhir+json", **system[1])
    assert updated.status_code == 200
    made.refresh_from_db()
    assert made.has_undertaken_caf and made.caf_started_on == dt.date(2025, 1, 6)
    update["participant"][0]["role"] = []
    update["period"] = {"start": made.started_on.isoformat(), "end": made.started_on.isoformat()}
    client.put(f"/fhir/CareTeam/{made.pk}", update, content_type="application/fhir+json", **system[1])
    made.refresh_from_db()
    assert not made.has_undertaken_caf and made.ended_on == made.started_on
    other_org_client = make_client(OrganisationFactory())[1]
    assert (
        client.put(
            f"/fhir/CareTeam/{made.pk}", update, content_type="application/fhir+json", **other_org_client
        ).status_code
        == 404
    )


def test_sensitive_care_team_needs_basis(client, system, organisation):
    child = ChildFactory()
    body = _care_team_body(child, UserFactory(organisation=organisation))
    body["category"][0]["coding"][0]["code"] = "mental_health"
    refused = client.post("/fhir/CareTeam", body, content_type="application/fhir+json", **system[1])
    assert refused.status_code == 400 and "consent" in refused.json()["issue"][0]["diagnostics"]


def test_openapi_document(client):
    document = client.get("/fhir/openapi.json").json()
    assert document["openapi"].startswith("3.") and "/Patient" in document["paths"]


def test_create_api_client_command(organisation):
    out = StringIO()
    call_command("create_api_client", "--organisation", organisation.code, "--name", "Case system", stdout=out)
    token = out.getvalue().strip().splitlines()[-1]
    from ecm.accounts.access import api_client_from_token

    made = api_client_from_token(token)
    assert made is not None and made.is_system and made.organisation == organisation


def test_a_search_costs_the_same_few_statements_however_many_records_match(client, person):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(3):
        ChildFactory(family_name="Dunn", date_of_birth=DOB)
    query = {"family": "Dunn", "birthdate": "2013-09-05"}
    client.get("/fhir/Patient", query, **person[1])  # the window's first count and last-used time
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/fhir/Patient", query, **person[1])
    assert response.json()["total"] == 3
    assert AuditEvent.objects.filter(action="index.search_match").count() == 6  # every match still audited
    statements = [
        q["sql"]
        for q in captured.captured_queries
        if not q["sql"].startswith(("BEGIN", "COMMIT", "SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT"))
    ]
    # The token, the rate-limit count, the children with their names and addresses, the audit
    # (two round trips on PostgreSQL for the search and its three matches; three on SQLite).
    assert len(statements) == (7 if connection.vendor == "postgresql" else 8), statements
