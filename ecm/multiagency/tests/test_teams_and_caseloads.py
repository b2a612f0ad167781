"""Teams and secondments (the home organisation keeps its practitioner), and managers' caseloads with
reallocation through the eCAF's lead professional handover."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from ecm.accounts.choices import Role
from ecm.accounts.tests.factories import UserFactory
from ecm.audit.models import AuditEvent
from ecm.caf import services as caf_services
from ecm.caf.tests.factories import complete_caf
from ecm.core import clock
from ecm.index.tests.factories import ChildFactory
from ecm.misuse.services import alert_escalate
from ecm.misuse.tests.factories import AlertFactory
from ecm.multiagency import selectors, services
from ecm.multiagency.services import MultiagencyError
from ecm.multiagency.tests.factories import youth_offending_team
from ecm.notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def yot():
    return youth_offending_team()


def test_a_secondment_keeps_the_home_organisation_and_manager(yot, django_capture_on_commit_callbacks) -> None:
    nurse, home = yot["nurse"], yot["nurse"].organisation
    with django_capture_on_commit_callbacks(execute=True):
        secondment = services.secondment_start(
            actor=yot["leader"], team=yot["team"], user=nurse, role_in_team="Health worker", starts_on=clock.today()
        )
    nurse.refresh_from_db()
    assert nurse.organisation == home and nurse.manager == yot["home_manager"]
    assert secondment.home_organisation == home
    assert Notification.objects.filter(recipient=yot["home_manager"], subject__contains="seconded").exists()
    assert [s.user for s in selectors.current_secondments(yot["team"])] == [nurse]
    with pytest.raises(MultiagencyError, match="already seconded"):
        services.secondment_start(
            actor=yot["leader"], team=yot["team"], user=nurse, role_in_team="Again", starts_on=clock.today()
        )
    with pytest.raises(MultiagencyError, match="team leader"):
        services.secondment_end(actor=nurse, secondment=secondment)
    assert AuditEvent.objects.filter(action="multiagency.secondment_started").exists()


def test_escalating_a_misuse_alert_on_a_secondee_tells_the_home_manager(yot, django_capture_on_commit_callbacks):
    services.secondment_start(
        actor=yot["leader"],
        team=yot["team"],
        user=yot["nurse"],
        role_in_team="Health worker",
        starts_on=clock.today(),
    )
    Notification.objects.all().delete()
    officer = UserFactory(roles=[Role.PRIVACY_OFFICER])
    alert = AlertFactory(user=yot["nurse"])
    with django_capture_on_commit_callbacks(execute=True):
        alert_escalate(actor=officer, alert=alert, note="Looked up a neighbour's children")
    told = Notification.objects.filter(subject__contains="suspended")
    assert [n.recipient for n in told] == [yot["home_manager"]]  # not the team leader
    assert AuditEvent.objects.get(action="misuse.alert_escalated").data["manager_notified"] == yot["home_manager"].pk


def test_team_page_shows_the_members_caseload_until_the_secondment_ends(yot, user_client) -> None:
    child = ChildFactory()
    complete_caf(yot["nurse"], child)
    secondment = services.secondment_start(
        actor=yot["leader"],
        team=yot["team"],
        user=yot["nurse"],
        role_in_team="Health worker",
        starts_on=clock.today(),
    )
    url = reverse("multiagency:team", args=[yot["team"].pk])
    page = user_client(yot["leader"]).get(url)
    assert page.status_code == 200 and b"Nia Nurse" in page.content
    assert user_client(yot["nurse"]).get(url).status_code == 200
    services.secondment_end(actor=yot["leader"], secondment=secondment, ends_on=clock.today())
    clock.advance(dt.timedelta(days=1))
    assert user_client(yot["nurse"]).get(url).status_code == 404
    assert b"Nia Nurse" not in user_client(yot["leader"]).get(url).content.split(b"Past and future")[0]


@pytest.fixture
def caseload():
    manager = UserFactory(roles=[Role.MANAGER, Role.PRACTITIONER], first_name="Mo", last_name="Manager")
    ann = UserFactory(first_name="Ann", last_name="Author", organisation=manager.organisation, manager=manager)
    bob = UserFactory(first_name="Bob", last_name="Colleague", organisation=manager.organisation, manager=manager)
    child = ChildFactory()
    assessment = complete_caf(ann, child, allowed=[manager.organisation])
    member = assessment.members.get(user=ann)  # the assessor is in the team from the start
    caf_services.lead_professional_appoint(
        actor=ann, assessment=assessment, member=member, meeting=None, reason="Knows the family"
    )
    caf_services.action_add(
        actor=ann,
        assessment=assessment,
        what="Home visit",
        responsible=member,
        due_on=clock.today() - dt.timedelta(days=3),
        outcome_wanted="Seen at home",
        outcome="stay_safe",
    )
    return {"manager": manager, "ann": ann, "bob": bob, "assessment": assessment}


def test_the_manager_sees_each_practitioners_caseload(caseload, user_client) -> None:
    load = selectors.caseload_of(caseload["ann"])
    assert [a.pk for a in load.cafs_open] == [caseload["assessment"].pk]
    assert [a.pk for a in load.lead_roles] == [caseload["assessment"].pk]
    assert len(load.overdue_actions) == 1
    page = user_client(caseload["manager"]).get(reverse("multiagency:caseloads"))
    assert page.status_code == 200 and b"Ann Author" in page.content and b"Bob Colleague" in page.content
    assert AuditEvent.objects.filter(action="multiagency.caseloads_viewed").exists()


def test_reallocation_hands_over_through_the_ecaf(caseload, user_client) -> None:
    assessment = caseload["assessment"]
    url = reverse("multiagency:reallocate", args=[caseload["ann"].pk, assessment.pk])
    client = user_client(caseload["manager"])
    response = client.post(url, {"new_lead": str(caseload["bob"].pk), "reason": "", "handover_note": ""})
    assert response.status_code == 200 and b"Enter the" in response.content
    response = client.post(
        url, {"new_lead": str(caseload["bob"].pk), "reason": "Ann is on leave", "handover_note": "Visit due Friday"}
    )
    assert response.status_code == 302
    assert caf_services.current_lead(assessment).member.user == caseload["ann"]  # until Bob accepts
    offer = caf_services.open_lead_offer(assessment)
    bob = user_client(caseload["bob"])
    offer_url = reverse("caf:lead_offer", args=[assessment.pk, offer.pk])
    assert "Will you be the lead professional?" in bob.get(offer_url).content.decode()
    assert client.get(offer_url).status_code == 404  # only Bob answers
    bob.post(offer_url, {"answer": "accept"})
    lead = caf_services.current_lead(assessment)
    assert lead.member.user == caseload["bob"]
    previous = assessment.leads.get(member__user=caseload["ann"])
    assert previous.handover_note == "Visit due Friday" and previous.ended_on == clock.today()
    assert (
        AuditEvent.objects.filter(action="caf.lead_professional_appointed", object_id=str(assessment.pk)).count() == 2
    )
    assert AuditEvent.objects.filter(action="multiagency.case_reallocated").exists()
    # Ann no longer leads it, so it cannot be reallocated from her caseload again.
    assert client.get(url).status_code == 404


def test_only_the_manager_of_the_practitioner_may_reallocate(caseload, user_client) -> None:
    other_manager = UserFactory(roles=[Role.MANAGER])
    with pytest.raises(MultiagencyError, match="your staff"):
        services.case_reallocate(
            actor=other_manager,
            assessment=caseload["assessment"],
            practitioner=caseload["ann"],
            new_lead=caseload["bob"],
            reason="x",
            handover_note="y",
        )
    url = reverse("multiagency:caseload", args=[caseload["ann"].pk])
    assert user_client(other_manager).get(url).status_code == 404
    assert user_client(caseload["manager"]).get(url).status_code == 200
