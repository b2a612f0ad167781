"""Permission matrix: every role, an unvetted user, anonymous and an API client × every index page and endpoint.

Forbidden and missing both answer 404 (pages) or RESOURCE_NOT_FOUND (API). The child-data
gate answers 403 with the gaps listed; anonymous users are sent to sign in.
"""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from ecm.accounts.choices import Role
from ecm.accounts.services import api_client_create
from ecm.accounts.tests.factories import UserFactory
from ecm.core.actors import SYSTEM_COMMAND
from ecm.index.tests.factories import ChildFactory, involvement

pytestmark = pytest.mark.django_db

INDEX_ROLES = {Role.PRACTITIONER, Role.MANAGER, Role.INDEX_ADMIN, Role.DATA_MANAGER}
PAGES = ["search", "reason", "record", "involvement_add", "involvement_flags", "involvement_end", "shield", "reveal"]
ADMIN_PAGES = {"shield", "reveal"}
WHO = [*(r.value for r in Role), "unvetted", "anonymous", "api_client"]

# What a GET answers for someone allowed: the record and add-involvement pages first ask for a
# reason (302 to the reason page); reveal first asks for step-up (302); someone else's involvement is 404.
ALLOWED = {
    "search": 200,
    "reason": 200,
    "record": 302,
    "involvement_add": 302,
    "involvement_flags": 404,
    "involvement_end": 404,
    "shield": 200,
    "reveal": 302,
}


def expected(who: str, page: str) -> int:
    if who in ("anonymous", "api_client"):
        return 302
    if who == "unvetted":
        return 403
    if page in ADMIN_PAGES:
        return ALLOWED[page] if who == Role.INDEX_ADMIN else 404
    return ALLOWED[page] if who in INDEX_ROLES else 404


@pytest.fixture
def world():
    child = ChildFactory()
    others = involvement(child, UserFactory())
    return {"child": child, "involvement": others}


def url_for(page: str, world) -> str:
    if page == "search":
        return reverse("index:search")
    if page in ("involvement_flags", "involvement_end"):
        return reverse(f"index:{page}", args=[world["involvement"].pk])
    return reverse(f"index:{page}", args=[world["child"].pk])


def client_for(who: str, user_client) -> Client:
    if who == "anonymous":
        return Client()
    if who == "api_client":
        _, token = api_client_create(actor=SYSTEM_COMMAND, organisation=UserFactory().organisation, name="S")
        return Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    if who == "unvetted":
        return user_client(UserFactory(vetting_checked_on=None))
    return user_client(UserFactory(roles=[who]))


@pytest.mark.parametrize("who", WHO)
def test_page_matrix(who, world, user_client):
    client = client_for(who, user_client)
    for page in PAGES:
        response = client.get(url_for(page, world))
        assert response.status_code == expected(who, page), f"{who} GET {page}: {response.status_code}"
        if expected(who, page) == 302 and who in ("anonymous", "api_client"):
            assert reverse("accounts:sign_in") in response.url


@pytest.mark.parametrize("who", [r.value for r in Role])
@pytest.mark.parametrize("page", ["reason", "record", "involvement_add", "shield", "reveal"])
def test_missing_child_is_404_like_forbidden(who, page, user_client):
    client = user_client(UserFactory(roles=[who]))
    for child_id in (uuid.uuid4(), "not-a-uuid"):
        response = client.get(reverse(f"index:{page}", args=[child_id]))
        if page == "reveal" and who == Role.INDEX_ADMIN:
            assert response.status_code == 302  # step-up first, then 404
        else:
            assert response.status_code == 404


API = [
    ("GET", "/fhir/Patient?family=Dunn&birthdate=2013-09-05", 200),
    ("GET", "/fhir/Patient/{child}", 200),
    ("GET", "/fhir/Patient/{missing}", 404),
    ("GET", "/fhir/CareTeam?patient={child}", 200),
    ("GET", "/fhir/CareTeam/{involvement}", 404),  # another organisation's involvement
    ("PUT", "/fhir/CareTeam/{involvement}", 404),
    ("POST", "/fhir/CareTeam", 400),  # an empty CareTeam: allowed in, refused as invalid
]


@pytest.mark.parametrize("who", [*WHO])
def test_api_matrix(who, world, user_client):
    """Only a bearer token opens the API; a signed-in person's session does not."""
    cache.clear()
    client = client_for(who, user_client)
    for method, template, allowed in API:
        url = template.format(child=world["child"].pk, missing=uuid.uuid4(), involvement=world["involvement"].pk)
        response = client.generic(
            method,
            url,
            '{"resourceType": "CareTeam"}' if method != "GET" else "",
            content_type="application/fhir+json",
            HTTP_X_ACCESS_REASON="check_identity",
        )
        want = allowed if who == "api_client" else 401
        assert response.status_code == want, f"{who} {method} {url}: {response.status_code}"


def test_views_never_touch_the_orm_directly():
    """Views, forms and API views go through access, selectors and services."""
    root = Path(__file__).resolve().parent.parent
    offenders = []
    for path in [root / "views.py", root / "forms.py", *sorted((root / "api").glob("*.py"))]:
        text = path.read_text()
        for needle in (".objects.", ".save(", ".delete("):
            if needle in text:
                offenders.append(f"{path.name}: {needle}")
    assert offenders == []
