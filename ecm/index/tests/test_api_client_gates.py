"""Every token-authenticated API route, found in the URL map, refuses a revoked, an expired and an
unaccredited organisation's client at once: 401 ACCESS_DENIED, 401, 403 (proof for issue #15)."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from ecm.accounts.services import api_client_create, api_client_revoke, api_client_rotate, api_client_set_expiry
from ecm.accounts.tests.factories import OrganisationFactory, UserFactory
from ecm.core import clock
from ecm.core.actors import SYSTEM_COMMAND
from ecm.index.tests.factories import ChildFactory, involvement

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


def token_routes(resolver: URLResolver | None = None, prefix: str = "") -> Iterator[tuple[str, Any]]:
    """(path template, view) of every URL whose view needs a bearer token, across the whole URL map."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        pattern = prefix + str(entry.pattern).lstrip("^").rstrip("$")
        if isinstance(entry, URLResolver):
            yield from token_routes(entry, pattern)
        elif isinstance(entry, URLPattern) and getattr(entry.callback, "bearer_token_required", False):
            yield pattern, entry.callback


def concrete(template: str, ids: dict[str, str]) -> str:
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: ids[m.group(1)], template)


@pytest.fixture
def world():
    organisation = OrganisationFactory()
    child = ChildFactory()
    own = involvement(child, UserFactory(organisation=organisation))
    return organisation, {"patient_id": str(child.pk), "care_team_id": str(own.pk), "missing": str(uuid.uuid4())}


def calls(ids: dict[str, str]) -> Iterator[tuple[str, str]]:
    routes = list(token_routes())
    assert len(routes) >= 4, routes  # Patient search and read, CareTeam collection and item at least
    for template, _ in routes:
        for method in ("GET", "POST", "PUT", "DELETE"):
            yield method, concrete(template, ids)


def answer(client: Client, method: str, url: str) -> Any:
    return client.generic(
        method,
        url,
        b"{}",
        content_type="application/fhir+json",
        HTTP_X_ACCESS_REASON="safeguarding",
    )


def code(response: Any) -> str:
    assert response["Content-Type"] == "application/fhir+json"
    return response.json()["issue"][0]["details"]["coding"][0]["code"]


def test_the_gate_covers_every_token_route():
    names = {view.__name__ for _, view in token_routes()}
    assert {"patient_search", "patient_read", "care_team_collection", "care_team_item"} <= names


def test_a_working_client_is_let_in_on_every_route(world):
    organisation, ids = world
    _, token = api_client_create(actor=SYSTEM_COMMAND, organisation=organisation, name="Working")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    for method, url in calls(ids):
        response = answer(client, method, url)
        assert response.status_code not in (401, 403) or code(response) == "REASON_REQUIRED", (method, url)


@pytest.mark.parametrize("state", ["revoked", "expired", "rotated away", "unknown", "no token"])
def test_a_client_that_no_longer_works_gets_401_on_every_route(world, state):
    organisation, ids = world
    made, token = api_client_create(actor=SYSTEM_COMMAND, organisation=organisation, name="Gone")
    if state == "revoked":
        api_client_revoke(actor=SYSTEM_COMMAND, client=made, reason="leaked")
    elif state == "expired":
        api_client_set_expiry(actor=SYSTEM_COMMAND, client=made, expires_on=clock.today() + dt.timedelta(days=3))
        clock.freeze(clock.now() + dt.timedelta(days=3))
    elif state == "rotated away":
        api_client_rotate(actor=SYSTEM_COMMAND, client=made)
    elif state == "unknown":
        token = "ecm_" + "x" * 43
    headers = {} if state == "no token" else {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    client = Client(**headers)
    for method, url in calls(ids):
        response = answer(client, method, url)
        assert response.status_code == 401, (state, method, url, response.content[:200])
        assert code(response) == "ACCESS_DENIED"
        assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("accredited_on", [None, "future"])
def test_an_unaccredited_organisations_client_gets_403_on_every_route(world, accredited_on):
    organisation, ids = world
    _, token = api_client_create(actor=SYSTEM_COMMAND, organisation=organisation, name="Unaccredited")
    organisation.accredited_on = None if accredited_on is None else clock.today() + dt.timedelta(days=10)
    organisation.save()  # test set-up: the organisation loses its accreditation
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    for method, url in calls(ids):
        response = answer(client, method, url)
        assert response.status_code == 403, (method, url)
        assert code(response) == "FORBIDDEN"
        assert "accredited" in response.json()["issue"][0]["diagnostics"]


def test_revoking_takes_effect_on_the_very_next_request(world):
    organisation, ids = world
    made, token = api_client_create(actor=SYSTEM_COMMAND, organisation=organisation, name="Leaked")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    url = f"/fhir/CareTeam/{ids['care_team_id']}"
    assert client.get(url).status_code == 200
    api_client_revoke(actor=SYSTEM_COMMAND, client=made)
    assert client.get(url).status_code == 401


def test_last_used_is_recorded_at_most_once_a_minute(world):
    organisation, ids = world
    made, token = api_client_create(actor=SYSTEM_COMMAND, organisation=organisation, name="Busy")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    url = f"/fhir/CareTeam/{ids['care_team_id']}"
    start = clock.now()
    clock.freeze(start)
    client.get(url)
    made.refresh_from_db()
    assert made.last_used_at == start
    clock.freeze(start + dt.timedelta(seconds=30))
    client.get(url)
    made.refresh_from_db()
    assert made.last_used_at == start
    clock.freeze(start + dt.timedelta(seconds=61))
    client.get(url)
    made.refresh_from_db()
    assert made.last_used_at == start + dt.timedelta(seconds=61)
