"""JSON request logs (id, user, method, path without query string, status, timing; no child's details)
and the Sentry scrubber."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from ecm.accounts.choices import Role
from ecm.accounts.tests.factories import UserFactory
from ecm.core import errors, logs
from ecm.index.tests.factories import SEARCH_BIRTH_DATE, ChildFactory, search_smith


@pytest.fixture
def log_lines() -> Iterator[io.StringIO]:
    """What the ecm loggers write, through the production JSON formatter."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logs.json_formatter())
    ecm_logger = logging.getLogger("ecm")
    old_level = ecm_logger.level
    ecm_logger.addHandler(handler)
    ecm_logger.setLevel(logging.INFO)
    yield stream
    ecm_logger.removeHandler(handler)
    ecm_logger.setLevel(old_level)


def _records(stream: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]


@pytest.mark.django_db
def test_request_line_has_id_user_method_path_status_timing_and_no_child_details(log_lines, user_client):
    user = UserFactory(roles=[Role.PRACTITIONER])
    ChildFactory(given_name="Zelphine", family_name="Smith", date_of_birth=SEARCH_BIRTH_DATE)
    client = user_client(user)
    page = search_smith(client, given_name="Zelphine")
    assert "Zelphine" in page.content.decode()
    listed = client.get("/index/?given_name=Zelphine&family_name=Smith")
    records = [r for r in _records(log_lines) if r["event"] == "request"]
    assert [(r["method"], r["path"], r["status"]) for r in records] == [
        ("POST", "/index/", 200),
        ("GET", "/index/", 200),
    ]
    for record, response in zip(records, (page, listed), strict=True):
        assert record["request_id"] == response["X-Request-ID"]
        assert record["user_id"] == str(user.pk)
        assert isinstance(record["duration_ms"], float) and record["level"] == "info" and "timestamp" in record
    assert "Zelphine" not in log_lines.getvalue() and "Smith" not in log_lines.getvalue()


@pytest.mark.django_db
def test_failed_sign_in_is_logged_without_username_or_password(log_lines, client):
    UserFactory(username="kestrel")
    client.post("/sign-in/", {"username": "kestrel", "password": "wrong-password-123"})
    failed = [r for r in _records(log_lines) if r["event"] == "sign_in.failed"]
    assert len(failed) == 1 and failed[0]["level"] == "warning" and failed[0]["request_id"]
    assert "kestrel" not in log_lines.getvalue() and "wrong-password" not in log_lines.getvalue()


def test_server_errors_are_logged_at_error_level(log_lines):
    middleware = logs.RequestLogMiddleware(lambda request: HttpResponse(status=503))
    request = RequestFactory().get("/index/children/abc/?name=Zelphine")
    middleware(request)
    (record,) = _records(log_lines)
    assert record["event"] == "request.failed" and record["level"] == "error"
    assert record["path"] == "/index/children/abc/" and record["status"] == 503 and record["user_id"] is None


def test_third_party_messages_lose_query_strings(log_lines):
    logging.getLogger("ecm.test").warning("Not Found: /index/?family_name=Smith")
    (record,) = _records(log_lines)
    assert record["event"] == "Not Found: /index/" and record["logger"] == "ecm.test"


def _sentry_event() -> dict[str, Any]:
    return {
        "request": {
            "url": "https://ecm.example.gov.uk/index/?family_name=Smith",
            "method": "POST",
            "query_string": "family_name=Smith",
            "data": {"given_name": "Zelphine", "family_name": "Smith"},
            "cookies": {"sessionid": "abc"},
            "headers": {"Cookie": "sessionid=abc", "User-Agent": "Firefox", "Referer": "https://x/?name=Smith"},
            "env": {"REMOTE_ADDR": "10.1.1.1"},
        },
        "user": {"id": "42", "email": "worker@council.gov.uk", "username": "worker"},
        "exception": {
            "values": [
                {
                    "type": "ValueError",
                    "value": "no match for worker@council.gov.uk",
                    "stacktrace": {"frames": [{"function": "search_view", "vars": {"given_name": "Zelphine"}}]},
                }
            ]
        },
        "breadcrumbs": {"values": [{"message": "mail to parent@example.com", "data": {"url": "/x/?name=Smith"}}]},
        "extra": {"sys.argv": ["Zelphine"]},
    }


def test_sentry_scrubber_removes_bodies_query_strings_cookies_and_emails():
    scrubbed = json.dumps(errors.scrub(_sentry_event(), {}))
    for secret in ("Zelphine", "Smith", "sessionid", "worker@council.gov.uk", "parent@example.com", "10.1.1.1"):
        assert secret not in scrubbed, secret
    event = json.loads(scrubbed)
    assert event["user"] == {"id": "42"}
    assert event["request"]["url"] == "https://ecm.example.gov.uk/index/"
    assert event["request"]["headers"] == {"User-Agent": "Firefox"}
    assert event["exception"]["values"][0]["type"] == "ValueError"


def test_sentry_is_set_up_without_personal_data_and_with_the_scrubber():
    import sentry_sdk

    sent: list[dict[str, Any]] = []

    class Capture(sentry_sdk.transport.Transport):
        def capture_envelope(self, envelope: Any) -> None:
            sent.extend(item.payload.json for item in envelope.items if item.payload.json)

    errors.init_sentry("https://public@sentry.example.invalid/1", environment="test", transport=Capture)
    try:
        options = sentry_sdk.get_client().options
        assert options["send_default_pii"] is False and options["before_send"] is errors.scrub
        with sentry_sdk.new_scope() as scope:
            scope.set_user({"id": "7", "email": "someone@council.gov.uk"})
            try:
                raise ValueError("lookup for someone@council.gov.uk")
            except ValueError:
                sentry_sdk.capture_exception()
        sentry_sdk.flush()
    finally:
        sentry_sdk.init()  # no DSN: reporting off again for the rest of the run
    assert sent and "someone@council.gov.uk" not in json.dumps(sent)
    assert sent[0]["user"] == {"id": "7"}
