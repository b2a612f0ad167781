"""Provider self-service: changes wait for the directory team, who see a diff and approve or return them."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest

from ecm.accounts.tests.factories import OrganisationFactory, UserFactory
from ecm.audit.models import AuditEvent
from ecm.core import clock
from ecm.directory.models import Metadata, Service, ServiceChange
from ecm.directory.services import ModerationError, service_change_approve, service_change_propose
from ecm.directory.tests import factories as f
from ecm.directory.tests import hsds
from ecm.notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def provided() -> Any:
    """A service whose organization is linked to an accounts organisation with one staff member."""
    organisation = OrganisationFactory()
    service = f.ServiceFactory(
        name="Toddler Talk",
        organization=f.OrganizationFactory(provider=organisation),
        minimum_age_months=12,
        maximum_age_months=36,
    )
    service.last_reviewed_on = clock.today() - dt.timedelta(days=300)
    service.save()
    return service, UserFactory(organisation=organisation)


def form_data(service: Service, **changes: Any) -> dict[str, Any]:
    data = {
        "name": service.name,
        "status": service.status,
        "description": service.description,
        "easy_read_summary": service.easy_read_summary,
        "eligibility_description": service.eligibility_description,
        "application_process": service.application_process,
        "minimum_age_months": service.minimum_age_months,
        "maximum_age_months": service.maximum_age_months if service.maximum_age_months is not None else "",
        "fees_description": service.fees_description,
        "url": service.url,
        "email": service.email,
        "wait_time": service.wait_time,
        "alert": service.alert,
        "provider_note": "",
    }
    data.update(changes)
    return data


def test_provider_change_waits_then_the_team_approves_it_from_a_diff(
    user_client: Any, provided: Any, team_user: Any
) -> None:
    service, staff = provided
    provider = user_client(staff)
    page = provider.get(f"/directory/provider/services/{service.id}/")
    assert page.status_code == 200 and "Propose changes" in page.content.decode()
    response = provider.post(
        f"/directory/provider/services/{service.id}/",
        form_data(service, application_process="Book online at least a week ahead.", maximum_age_months="48"),
    )
    assert response.status_code == 302
    change = ServiceChange.objects.get()
    assert change.status == "pending"
    assert change.proposed == {"application_process": "Book online at least a week ahead.", "maximum_age_months": 48}
    service.refresh_from_db()
    assert service.maximum_age_months == 36  # nothing is published yet
    assert Notification.objects.filter(recipient=team_user, subject__contains="Toddler Talk").exists()

    team = user_client(team_user)
    assert "Toddler Talk" in team.get("/directory/team/").content.decode()
    diff = team.get(f"/directory/team/changes/{change.id}/").content.decode()
    assert re.search(r"Oldest age \(months\).*<del>36</del>.*<ins>48</ins>", diff, re.S)
    assert "Book online at least a week ahead." in diff
    decided = team.post(f"/directory/team/changes/{change.id}/", {"decision": "approve", "note": ""})
    assert decided.status_code == 302

    service.refresh_from_db()
    change.refresh_from_db()
    assert change.status == "approved" and change.reviewed_by == team_user
    assert (service.maximum_age_months, service.application_process) == (48, "Book online at least a week ahead.")
    assert service.last_reviewed_on == clock.today()
    rows = {m.field_name: m for m in Metadata.objects.filter(resource_id=service.id)}
    assert rows["maximum_age"].previous_value == "36" and rows["maximum_age"].replacement_value == "48"
    assert rows["application_process"].updated_by == team_user.username
    assert AuditEvent.objects.filter(action="directory.change_approved").exists()
    assert Notification.objects.filter(recipient=staff, subject__contains="published").exists()

    # The published change is in the feed's metadata, still valid HSDS.
    body = team.get(f"/openreferral/services/{service.id}").json()
    hsds.assert_valid(body, "compiled/service.json")
    assert {m["field_name"] for m in body["metadata"]} == {"maximum_age", "application_process"}


def test_the_team_returns_a_change_with_a_reason(user_client: Any, provided: Any, team_user: Any) -> None:
    service, staff = provided
    change = service_change_propose(actor=staff, service=service, changes={"name": "Toddler Talk!!"})
    team = user_client(team_user)
    no_reason = team.post(f"/directory/team/changes/{change.id}/", {"decision": "return", "note": ""})
    assert "govuk-error-summary" in no_reason.content.decode()
    team.post(f"/directory/team/changes/{change.id}/", {"decision": "return", "note": "Please keep the name as it is."})
    change.refresh_from_db()
    service.refresh_from_db()
    assert change.status == "returned" and service.name == "Toddler Talk"
    assert Notification.objects.filter(recipient=staff, body="Please keep the name as it is.").exists()
    assert (
        "Please keep the name as it is."
        in user_client(staff).get(f"/directory/provider/services/{service.id}/").content.decode()
    )
    with pytest.raises(ModerationError):
        service_change_approve(actor=team_user, change=change)


def test_an_unchanged_form_is_not_a_change(user_client: Any, provided: Any) -> None:
    service, staff = provided
    response = user_client(staff).post(f"/directory/provider/services/{service.id}/", form_data(service))
    assert response.status_code == 200 and "You have not changed anything." in response.content.decode()
    assert not ServiceChange.objects.exists()


def test_other_organisations_cannot_see_or_change_a_service(user_client: Any, provided: Any, practitioner: Any) -> None:
    service, _ = provided
    outsider = user_client(practitioner)
    assert outsider.get(f"/directory/provider/services/{service.id}/").status_code == 404
    assert (
        outsider.post(f"/directory/provider/services/{service.id}/", form_data(service, name="Hijacked")).status_code
        == 404
    )
    assert outsider.post(f"/directory/provider/services/{service.id}/review/").status_code == 404
    change = service_change_propose(actor=provided[1], service=service, changes={"name": "New"})
    assert outsider.get(f"/directory/team/changes/{change.id}/").status_code == 404
    assert not ServiceChange.objects.filter(proposed__name="Hijacked").exists()


def test_provider_confirms_the_details_are_still_right(user_client: Any, provided: Any) -> None:
    service, staff = provided
    response = user_client(staff).post(f"/directory/provider/services/{service.id}/review/")
    assert response.status_code == 302
    service.refresh_from_db()
    assert service.last_reviewed_on == clock.today()
    assert Metadata.objects.get(resource_id=service.id).field_name == "assured_date"
    assert AuditEvent.objects.filter(action="directory.service_reviewed", object_id=str(service.id)).exists()
