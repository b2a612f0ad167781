"""The PostgreSQL backend checks a reused connection only after it sat idle (ecm/core/db/postgresql)."""

import pytest
from django.db import connection

from ecm.core.db.postgresql.base import IDLE_BEFORE_HEALTH_CHECK

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the backend is PostgreSQL's"),
    # Request boundaries close a connection left inside a transaction: no test transaction here.
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def health_checks(monkeypatch):
    """Count Django's health checks (``is_usable``: ``SELECT 1`` on the raw connection)."""
    calls = []
    check = connection.is_usable

    def counted() -> bool:
        calls.append(1)
        return check()

    monkeypatch.setattr(connection, "is_usable", counted)
    assert connection.health_check_enabled
    return calls


def request(sql: str = "SELECT 2") -> None:
    """What a request does to the connection: a boundary at its start, a statement, one at its end."""
    connection.close_if_unusable_or_obsolete()
    with connection.cursor() as cursor:
        cursor.execute(sql)
    connection.close_if_unusable_or_obsolete()


def test_back_to_back_requests_skip_the_health_check(health_checks):
    request()  # the connection is opened (or checked once): from here it is reused
    health_checks.clear()
    for _ in range(3):
        request()
    assert health_checks == []


def test_a_connection_idle_for_a_while_is_checked_before_use(health_checks):
    request()
    health_checks.clear()
    connection.last_request_boundary -= IDLE_BEFORE_HEALTH_CHECK + 1  # as if the last request ended long ago
    request()
    assert health_checks == [1]


def test_a_connection_broken_while_idle_is_replaced_not_used(health_checks):
    request()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        first_backend = cursor.fetchone()[0]
    connection.connection.close()  # the server side went away while the connection sat idle
    connection.last_request_boundary -= IDLE_BEFORE_HEALTH_CHECK + 1
    connection.close_if_unusable_or_obsolete()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        assert cursor.fetchone()[0] != first_backend
    connection.close_if_unusable_or_obsolete()
