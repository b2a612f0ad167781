"""Run in a separate process by test_replica.py, with DATABASE_URL on a primary and
DATABASE_REPLICA_URL on its hot standby: the index search reads from the standby, writes and
audit appends go to the primary, and a lagging standby is passed over. Prints PROBE OK.
"""

from __future__ import annotations

import datetime as dt
import time

from django.db import connections
from django.test.utils import CaptureQueriesContext


def _wait_for(check, seconds: float = 20.0) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting for the standby")
        time.sleep(0.1)


def main() -> None:
    from ecm.accounts.tests.factories import UserFactory
    from ecm.core.actors import SYSTEM_COMMAND
    from ecm.core.replica import REPLICA_ALIAS
    from ecm.index.models import Child
    from ecm.index.search.criteria import SearchCriteria
    from ecm.index.selectors import child_search
    from ecm.index.services import child_create

    born = dt.date(2016, 4, 12)
    user = UserFactory()
    first = child_create(actor=SYSTEM_COMMAND, family_name="Replicaby", given_name="Ada", date_of_birth=born)
    _wait_for(lambda: Child.objects.using(REPLICA_ALIAS).filter(pk=first.pk).exists())

    criteria = SearchCriteria(family_name="Replicaby", birth_date=born)
    with (
        CaptureQueriesContext(connections[REPLICA_ALIAS]) as on_replica,
        CaptureQueriesContext(connections["default"]) as on_primary,
    ):
        result = child_search(actor=user, criteria=criteria)
    assert result.match_count == 1, result
    replica_sql = " ".join(q["sql"] for q in on_replica.captured_queries)
    primary_sql = " ".join(q["sql"] for q in on_primary.captured_queries)
    assert "index_child" in replica_sql, "the search did not read the index from the standby"
    assert "INSERT" not in replica_sql.upper()
    assert "audit_auditevent" in primary_sql and "INSERT" in primary_sql.upper(), "audit not on the primary"

    # The standby stops replaying: a child added now is found all the same, from the primary.
    with connections[REPLICA_ALIAS].cursor() as cursor:
        cursor.execute("SELECT pg_wal_replay_pause()")
    try:
        second = child_create(actor=SYSTEM_COMMAND, family_name="Replicaby", given_name="Bea", date_of_birth=born)
        time.sleep(1.6)
        assert not Child.objects.using(REPLICA_ALIAS).filter(pk=second.pk).exists()
        assert child_search(actor=user, criteria=criteria).match_count == 2
    finally:
        with connections[REPLICA_ALIAS].cursor() as cursor:
            cursor.execute("SELECT pg_wal_replay_resume()")
    print("PROBE OK")
