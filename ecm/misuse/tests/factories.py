"""Factories and helpers for the misuse tests: alerts, staff details, and accesses written to the audit trail."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any
from zoneinfo import ZoneInfo

import factory
from django.db import transaction
from factory.django import DjangoModelFactory

from ecm.accounts.tests.factories import UserFactory
from ecm.audit.models import AuditEvent
from ecm.audit.services import audit_record
from ecm.core import clock
from ecm.misuse.choices import RULE_SEVERITY, AlertStatus, Rule
from ecm.misuse.models import Alert, StaffPersonalDetails

factory.Faker._DEFAULT_LOCALE = "en_GB"
LONDON = ZoneInfo("Europe/London")


class StaffPersonalDetailsFactory(DjangoModelFactory):
    class Meta:
        model = StaffPersonalDetails

    user = factory.SubFactory(UserFactory)
    home_postcode = factory.Faker("postcode")
    home_address = factory.Faker("street_address")


class AlertFactory(DjangoModelFactory):
    class Meta:
        model = Alert

    rule = Rule.R6
    user = factory.SubFactory(UserFactory)
    severity = factory.LazyAttribute(lambda a: RULE_SEVERITY[a.rule])
    status = AlertStatus.OPEN
    summary = factory.Faker("sentence")
    evidence = factory.LazyFunction(list)
    review_date = factory.LazyFunction(lambda: clock.today() - dt.timedelta(days=1))
    dedupe_key = factory.Sequence(lambda n: f"test:{n}")


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    """A London wall-clock time."""
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=LONDON)


def access(
    user: Any,
    action: str = "index.record_view",
    *,
    when: dt.datetime | None = None,
    child_id: str | None = None,
    reason: str = "Checking who else works with the child before a CAF meeting",
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Write one index access to the audit trail as the index does (hooks run), at ``when``."""
    if when is not None:
        clock.freeze(when)
    if action == "index.search":
        child_id = ""
        defaults: dict[str, Any] = {"criteria": {"family": "Smith"}, "fuzzy": False, "match_count": 1, "outcome": "ok"}
    elif action == "index.record_view":
        defaults = {"reason_code": "other", "has_involvement": True, "shielded": False}
    else:
        defaults = {}
    with transaction.atomic():
        return audit_record(
            actor=user,
            action=action,
            object_type="index.child" if action != "index.search" else "",
            object_id=str(child_id or (uuid.uuid4() if action != "index.search" else "")),
            reason=reason if action in ("index.record_view", "index.shield_reveal") else "",
            data={**defaults, **(data or {})},
        )


def make_child(
    *,
    given_name: str = "Ruby",
    family_name: str = "Walsh",
    address_line_1: str = "2 Mill Lane",
    postcode: str = "LS1 4AP",
    carers: list[dict[str, str]] | None = None,
    high_profile: bool = False,
) -> Any:
    """A child put on the index through the index's own services, with a current address and carers."""
    from ecm.core.actors import SYSTEM_COMMAND
    from ecm.index.services import child_update
    from ecm.index.tests.factories import ChildFactory

    child = ChildFactory(
        given_name=given_name,
        family_name=family_name,
        address={"address_line_1": address_line_1, "postcode": postcode, "town": "Leeds"},
        carers=[{"relationship": "mother", **carer} for carer in (carers or [])],
    )
    if high_profile:
        child = child_update(actor=SYSTEM_COMMAND, child=child, high_profile=True)
    return child
