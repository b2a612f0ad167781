"""The session row is written when activity needs recording (at most once a minute), not on every request."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ecm.accounts.middleware import TOUCH_EVERY
from ecm.accounts.tests.factories import UserFactory
from ecm.core import clock

pytestmark = pytest.mark.django_db


def _session_writes(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/").status_code == 200
    return sum(
        1
        for q in queries.captured_queries
        if "django_session" in q["sql"] and q["sql"].lstrip().upper().startswith(("UPDATE", "INSERT"))
    )


def test_requests_within_a_minute_do_not_rewrite_the_session(client, sign_in):
    clock.freeze(clock.now())
    sign_in(client, UserFactory())
    clock.advance(TOUCH_EVERY + dt.timedelta(seconds=1))
    assert _session_writes(client) == 1  # activity older than a minute: recorded
    stored = Session.objects.get(session_key=client.session.session_key).session_data
    for _ in range(3):
        clock.advance(dt.timedelta(seconds=10))
        assert _session_writes(client) == 0
    assert Session.objects.get(session_key=client.session.session_key).session_data == stored
    clock.advance(TOUCH_EVERY)
    assert _session_writes(client) == 1


def test_idle_timeout_still_ends_a_session_that_stopped(client, sign_in, settings):
    clock.freeze(clock.now())
    sign_in(client, UserFactory())
    for _ in range(5):  # busy for five minutes, requests every 20 seconds
        clock.advance(dt.timedelta(seconds=20))
        assert client.get("/").status_code == 200
    clock.advance(settings.ECM_IDLE_TIMEOUT + dt.timedelta(seconds=1))
    assert client.get("/").status_code == 302
