"""Anonymous requests are counted per day and kind, outside the hash-chained audit."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from ecm.accounts.tests.factories import UserFactory
from ecm.audit.models import AuditEvent
from ecm.core import clock
from ecm.core.anonymous import anonymous_activity, anonymous_activity_count
from ecm.core.models import AnonymousActivity
from ecm.directory.models import ProblemReport, SearchEvent
from ecm.directory.tests import factories as f

pytestmark = pytest.mark.django_db


def chain_length() -> int:
    return AuditEvent.objects.count()


def test_counts_are_per_day_and_kind() -> None:
    anonymous_activity_count("security.csrf_failure")
    anonymous_activity_count("security.csrf_failure")
    anonymous_activity_count("directory.search")
    assert anonymous_activity() == {"security.csrf_failure": 2, "directory.search": 1}
    clock.advance(dt.timedelta(days=1))
    anonymous_activity_count("security.csrf_failure")
    assert anonymous_activity() == {"security.csrf_failure": 1}
    assert AnonymousActivity.objects.count() == 3


def test_unknown_session_cookie_and_csrf_failure_leave_the_chain_alone() -> None:
    before = chain_length()
    forged = Client()
    forged.cookies["sessionid"] = "forgedsessionkey1234567890abcdefgh"
    forged.get("/")
    Client(enforce_csrf_checks=True).post("/sign-in/", {"username": "a", "password": "b"})
    assert chain_length() == before
    counts = anonymous_activity()
    assert counts["security.unknown_session_cookie"] == 1 and counts["security.csrf_failure"] == 1


def test_public_families_search_is_counted_not_chained(client: Any) -> None:
    f.ServiceFactory(name="Counting Club")
    before = chain_length()
    for _ in range(3):
        response = client.get("/directory/families/", {"age": "9", "search": "Find help"})
        assert response.status_code == 200
    assert chain_length() == before
    assert anonymous_activity()["directory.search"] == 3
    assert SearchEvent.objects.count() == 3  # the directory team's analytics still see them


def test_signed_in_families_search_is_still_audited(user_client: Any) -> None:
    client = user_client(UserFactory())
    client.get("/directory/families/", {"age": "9", "search": "Find help"})
    assert AuditEvent.objects.filter(action="directory.search").count() == 1
    assert "directory.search" not in anonymous_activity()


def test_report_a_problem_is_counted_not_chained(client: Any) -> None:
    from ecm.accounts.choices import Role

    UserFactory(roles=[Role.SYSTEM_ADMIN])  # the directory team, who are told
    service = f.ServiceFactory(name="Wrong Hours Club")
    before = chain_length()
    sent = client.post(
        f"/directory/families/services/{service.id}/report/", {"description": "It closes at 3pm.", "email": ""}
    )
    assert sent.status_code == 302 and ProblemReport.objects.count() == 1
    assert chain_length() == before
    counts = anonymous_activity()
    assert counts["directory.problem_reported"] == 1 and counts["notification.sent"] >= 1
