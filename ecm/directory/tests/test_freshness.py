"""Services not reviewed for 12 months get reminders (daily command), then show "may be out of date"."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from ecm.accounts.tests.factories import OrganisationFactory, UserFactory
from ecm.core import clock
from ecm.directory.models import FreshnessReminder
from ecm.directory.selectors.records import is_out_of_date
from ecm.directory.tests import factories as f
from ecm.notifications.models import Notification

pytestmark = pytest.mark.django_db


def run() -> str:
    out = StringIO()
    call_command("directory_freshness", stdout=out)
    return out.getvalue()


def test_reminders_follow_the_clock_and_are_never_sent_twice(team_user: Any) -> None:
    clock.freeze(dt.datetime(2026, 3, 1, 9, tzinfo=dt.UTC))
    organisation = OrganisationFactory()
    staff = UserFactory(organisation=organisation)
    service = f.ServiceFactory(
        name="Ageing Service",
        organization=f.OrganizationFactory(provider=organisation),
        last_reviewed_on=dt.date(2025, 3, 10),
    )
    unlinked = f.ServiceFactory(name="Orphan Service", last_reviewed_on=dt.date(2025, 3, 10))
    f.ServiceFactory(name="Fresh Service", last_reviewed_on=dt.date(2026, 1, 1))

    assert "Sent 0" in run()  # not yet 12 months
    clock.freeze(dt.datetime(2026, 3, 10, 9, tzinfo=dt.UTC))
    assert "Sent 2" in run()
    assert Notification.objects.filter(recipient=staff, subject__contains="Ageing Service").count() == 1
    # Nobody at the provider is linked: the directory team is told instead.
    assert Notification.objects.filter(recipient=team_user, subject__contains="Orphan Service").count() == 1
    assert "Sent 0" in run()  # the same day again: nothing new
    assert not is_out_of_date(service, clock.today())

    clock.advance(dt.timedelta(days=14))
    assert "Sent 2" in run()  # the second reminders
    assert FreshnessReminder.objects.filter(service=service).count() == 2
    clock.advance(dt.timedelta(days=13))
    assert not is_out_of_date(service, clock.today())
    clock.advance(dt.timedelta(days=1))
    assert is_out_of_date(service, clock.today()) and is_out_of_date(unlinked, clock.today())
    assert "Sent 0" in run()


def test_a_review_starts_a_new_cycle(user_client: Any) -> None:
    clock.freeze(dt.datetime(2026, 5, 1, 9, tzinfo=dt.UTC))
    organisation = OrganisationFactory()
    staff = UserFactory(organisation=organisation)
    service = f.ServiceFactory(
        organization=f.OrganizationFactory(provider=organisation), last_reviewed_on=dt.date(2025, 4, 1)
    )
    assert is_out_of_date(service)
    run()
    user_client(staff).post(f"/directory/provider/services/{service.id}/review/")
    service.refresh_from_db()
    assert not is_out_of_date(service)
    clock.advance(dt.timedelta(days=30))
    assert "Sent 0" in run()
