"""Every directory service writes its audit event in the same transaction."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from ecm.accounts.tests.factories import OrganisationFactory, UserFactory
from ecm.audit.models import AuditEvent
from ecm.core import clock
from ecm.core.actors import SystemActor
from ecm.directory import services
from ecm.directory.tests import factories as f

pytestmark = pytest.mark.django_db
ACTOR = SystemActor("directory-test")


def actions() -> list[str]:
    return list(AuditEvent.objects.filter(action__startswith="directory.").values_list("action", flat=True))


def test_each_service_records_its_action(team_user: Any) -> None:
    organisation = OrganisationFactory()
    staff = UserFactory(organisation=organisation)
    service = f.ServiceFactory(last_reviewed_on=clock.today() - dt.timedelta(days=400))
    services.organization_link_provider(actor=team_user, organization=service.organization, provider=organisation)
    change = services.service_change_propose(actor=staff, service=service, changes={"name": "Renamed"})
    services.service_change_return(actor=team_user, change=change, note="Keep the old name")
    change = services.service_change_propose(actor=staff, service=service, changes={"wait_time": "2 weeks"})
    services.service_change_approve(actor=team_user, change=change)
    report = services.problem_report_create(actor=ACTOR, service=service, description="Wrong phone number")
    services.problem_report_resolve(actor=team_user, report=report, note="Fixed")
    services.service_review_confirm(actor=staff, service=service)
    service.last_reviewed_on = clock.today() - dt.timedelta(days=400)
    service.save()
    assert services.freshness_reminders_send(actor=ACTOR) == 2
    services.search_event_record(actor=ACTOR, channel="api", result_count=0)
    services.hsds_import(actor=ACTOR, records=[], source="empty")
    assert sorted(set(actions())) == sorted(
        {
            "directory.provider_linked",
            "directory.change_proposed",
            "directory.change_returned",
            "directory.change_approved",
            "directory.problem_reported",
            "directory.problem_resolved",
            "directory.service_reviewed",
            "directory.freshness_reminder",
            "directory.search",
            "directory.import",
        }
    )
