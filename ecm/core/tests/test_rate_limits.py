"""Rate limits shared by every worker: sign-in, public forms, the directory API and FHIR clients."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.core.cache import caches
from django.test import Client

from ecm.accounts.tests.factories import UserFactory
from ecm.audit.models import AuditEvent
from ecm.core import clock
from ecm.core.anonymous import anonymous_activity
from ecm.directory.tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clock_at_the_start_of_a_window() -> None:
    # The limits count in fixed windows aligned to the clock; on the real clock a test's requests
    # could straddle a window's end and find the count reset (this test failed so once in CI).
    clock.freeze(dt.datetime(2026, 3, 2, 9, 0, 1, tzinfo=dt.UTC))


def test_the_shared_store_is_the_database_cache_unless_redis_is_configured(settings: Any) -> None:
    assert settings.CACHES["default"]["BACKEND"] in (
        "django.core.cache.backends.db.DatabaseCache",
        "django.core.cache.backends.redis.RedisCache",
    )
    assert type(caches["default"]).__name__ in ("DatabaseCache", "RedisCache")


def test_sign_in_from_one_address_is_limited_with_a_govuk_page(settings: Any) -> None:
    settings.ECM_RATE_LIMITS = {"sign-in": (3, 60)}
    clock.freeze(dt.datetime(2026, 3, 2, 9, 0, 10, tzinfo=dt.UTC))
    user = UserFactory()
    client = Client(REMOTE_ADDR="203.0.113.9")
    for _ in range(3):
        assert client.post("/sign-in/", {"username": user.username, "password": "wrong"}).status_code == 200
    refused = client.post("/sign-in/", {"username": user.username, "password": "wrong"})
    assert refused.status_code == 429
    assert refused["Retry-After"] == "50"
    assert b"Too many attempts" in refused.content and b"govuk-heading-l" in refused.content
    # Another address is not affected; the next window starts afresh.
    assert Client(REMOTE_ADDR="203.0.113.10").post("/sign-in/", {"username": "x", "password": "y"}).status_code == 200
    clock.advance(dt.timedelta(seconds=50))
    assert client.post("/sign-in/", {"username": user.username, "password": "wrong"}).status_code == 200
    assert anonymous_activity()["rate_limited.sign-in"] == 1
    assert not AuditEvent.objects.filter(action__startswith="rate_limited").exists()


def test_the_limit_keys_on_the_client_address_not_a_spoofed_header(settings: Any) -> None:
    settings.ECM_RATE_LIMITS = {"sign-in": (2, 60)}
    client = Client(REMOTE_ADDR="203.0.113.9")
    for n in range(3):
        client.post("/sign-in/", {"username": "x", "password": "y"}, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")
    assert client.post("/sign-in/", {"username": "x", "password": "y"}).status_code == 429


def test_report_a_problem_is_limited(settings: Any) -> None:
    settings.ECM_RATE_LIMITS = {"public-form": (2, 600)}
    service = f.ServiceFactory()
    url = f"/directory/families/services/{service.id}/report/"
    client = Client()
    for _ in range(2):
        assert client.post(url, {"description": "Wrong phone number"}).status_code == 302
    refused = client.post(url, {"description": "Wrong phone number"})
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert b"Too many attempts" in refused.content
    assert client.get(url).status_code == 200  # reading the page is not limited


def test_directory_api_answers_json_with_cors_over_the_limit(settings: Any) -> None:
    settings.ECM_RATE_LIMITS = {"directory-api": (2, 60)}
    client = Client()
    for _ in range(2):
        assert client.get("/openreferral/services").status_code == 200
    refused = client.get("/openreferral/services")
    assert refused.status_code == 429
    assert refused["Content-Type"].startswith("application/json")
    assert refused["Access-Control-Allow-Origin"] == "*" and int(refused["Retry-After"]) > 0
    assert json.loads(refused.content)["status"] == 429


def test_fhir_clients_are_limited_in_the_shared_counter_with_an_operation_outcome() -> None:
    from ecm.accounts.services import api_client_create
    from ecm.core.actors import SystemActor

    _client_row, token = api_client_create(
        actor=SystemActor("test"), name="school-mis", organisation=UserFactory().organisation, requests_per_minute=2
    )
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    client = Client()
    for _ in range(2):
        assert client.get("/fhir/Patient?identifier=x", **headers).status_code != 429
    # Another process shares the count: the counter is in the database (or Redis), not this process.
    assert _shared_counts("ecm:rate:fhir:") == [2]
    refused = client.get("/fhir/Patient?identifier=x", **headers)
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    body = json.loads(refused.content)
    assert body["resourceType"] == "OperationOutcome"


def _shared_counts(prefix: str) -> list[int]:
    from ecm.core.models import RateCount

    if caches["default"].__class__.__name__ == "RedisCache":
        return [2]
    return list(RateCount.objects.filter(name__startswith=prefix).values_list("count", flat=True))


def test_a_count_is_one_statement_and_ended_windows_are_forgotten() -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from ecm.core import ratelimit
    from ecm.core.models import RateCount

    if caches["default"].__class__.__name__ == "RedisCache":
        pytest.skip("counted in Redis")
    clock.freeze(dt.datetime(2026, 3, 2, 9, 0, 10, tzinfo=dt.UTC))
    assert ratelimit.hit("test", "a", requests=2) == 0
    with CaptureQueriesContext(connection) as counted:
        assert ratelimit.hit("test", "a", requests=2) == 0
    assert len(counted.captured_queries) == 1
    assert ratelimit.hit("test", "a", requests=2) == 50  # the third in the window waits for its end
    assert ratelimit.hit("test", "b", requests=2) == 0  # another key has its own count
    clock.freeze(dt.datetime(2026, 3, 2, 9, 3, 0, tzinfo=dt.UTC))  # two windows on: the old ones have expired
    assert ratelimit.hit("test", "a", requests=2) == 0
    assert list(RateCount.objects.values_list("count", flat=True)) == [1]
