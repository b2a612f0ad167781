"""Recording searches for the directory team's analytics (no personal data)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import transaction

from ecm.audit.services import audit_or_count
from ecm.core import clock
from ecm.core.actors import Actor
from ecm.directory.models import SearchEvent
from ecm.directory.postcodes import outward_code


@transaction.atomic
def search_event_record(
    *,
    actor: Actor,
    channel: str,
    result_count: int,
    postcode: str = "",
    had_keyword: bool = False,
    age_months: int | None = None,
    term_ids: Sequence[Any] = (),
) -> SearchEvent:
    """Count one search. Only the outward part of a postcode is kept; keywords are not."""
    now = clock.now()
    local = clock.today()
    event = SearchEvent.objects.create(
        occurred_at=now,
        week_start=local - dt.timedelta(days=local.weekday()),
        channel=channel,
        outward_code=outward_code(postcode),
        had_keyword=had_keyword,
        age_months=age_months,
        result_count=result_count,
    )
    if term_ids:
        event.needs.set(list(term_ids))
    # A families' search by someone not signed in is counted outside the audit chain.
    audit_or_count(
        actor=actor,
        action="directory.search",
        object_type="directory.searchevent",
        object_id=str(event.pk),
        data={"channel": channel, "results": result_count, "outward_code": event.outward_code},
    )
    return event
