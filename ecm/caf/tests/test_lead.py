"""One lead professional per child: offered and accepted, a family lead with a supporting practitioner, vetting."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from ecm.accounts.tests.factories import UserFactory
from ecm.caf import services
from ecm.caf.choices import MemberKind
from ecm.caf.selectors import existing_cafs
from ecm.caf.services import CafError
from ecm.caf.tests.factories import complete_caf
from ecm.core import clock
from ecm.index import services as index_services
from ecm.index.models import Involvement
from ecm.index.tests.factories import ChildFactory
from ecm.notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(django_capture_on_commit_callbacks):
    author, child = UserFactory(first_name="Ada", last_name="Author"), ChildFactory()
    nurse = UserFactory(first_name="Nia", last_name="Nurse")
    with django_capture_on_commit_callbacks(execute=True):
        assessment = complete_caf(author, child, allowed=[nurse.organisation])
        member = services.team_member_add(actor=author, assessment=assessment, kind=MemberKind.PRACTITIONER, user=nurse)
        mum = services.team_member_add(actor=author, assessment=assessment, kind=MemberKind.PARENT, name="Jo Parent")
    own = assessment.members.get(user=author)
    return {"author": author, "nurse": nurse, "child": child, "a": assessment, "member": member, "mum": mum, "own": own}


def test_the_new_lead_accepts_and_the_old_one_stays_until_then(team, django_capture_on_commit_callbacks) -> None:
    a, author, nurse = team["a"], team["author"], team["nurse"]
    services.lead_professional_offer(actor=author, assessment=a, member=team["own"], meeting=None, reason="Assessor")
    assert services.current_lead(a).member == team["own"]  # recording yourself is accepting
    with django_capture_on_commit_callbacks(execute=True):
        offer = services.lead_professional_offer(
            actor=author, assessment=a, member=team["member"], meeting=None, reason="Health needs", handover_note="h"
        )
    assert services.current_lead(a).member == team["own"]
    assert Notification.objects.filter(recipient=nurse, subject__contains="asked to be the lead").exists()
    with pytest.raises(CafError, match="Only the person asked"):
        services.lead_offer_accept(actor=author, offer=offer)
    services.lead_offer_accept(actor=nurse, offer=offer)
    assert services.current_lead(a).member == team["member"]
    leads = Involvement.objects.filter(child=team["child"], is_lead_professional=True, ended_on__isnull=True)
    assert [i.practitioner for i in leads] == [nurse]


def test_declining_keeps_the_current_lead(team) -> None:
    a, author, nurse = team["a"], team["author"], team["nurse"]
    services.lead_professional_offer(actor=author, assessment=a, member=team["own"], meeting=None, reason="Assessor")
    offer = services.lead_professional_offer(
        actor=author, assessment=a, member=team["member"], meeting=None, reason="r", handover_note="h"
    )
    with pytest.raises(CafError, match="why you decline"):
        services.lead_offer_decline(actor=nurse, offer=offer, note=" ")
    services.lead_offer_decline(actor=nurse, offer=offer, note="Caseload full")
    assert services.current_lead(a).member == team["own"] and services.open_lead_offer(a) is None


def test_a_parent_leads_with_a_named_supporting_practitioner_and_the_index_says_so(team, user_client) -> None:
    a, author, nurse = team["a"], team["author"], team["nurse"]
    with pytest.raises(CafError, match="Name the practitioner"):
        services.lead_professional_offer(actor=author, assessment=a, member=team["mum"], meeting=None, reason="r")
    offer = services.lead_professional_offer(
        actor=author,
        assessment=a,
        member=team["mum"],
        supporting_member=team["member"],
        meeting=None,
        reason="Jo wants to lead; the nurse supports her",
    )
    services.lead_offer_accept(actor=nurse, offer=offer)
    lead = services.current_lead(a)
    assert lead.family_leads and lead.contact_member == team["member"]
    involvement = Involvement.objects.get(child=team["child"], practitioner=nurse, ended_on__isnull=True)
    assert involvement.is_lead_professional and involvement.family_lead == "Jo Parent (parent or carer)"
    rows = existing_cafs(team["child"], author)
    assert rows and rows[0].lead_professional.startswith("The family leads (Jo Parent (parent or carer)), supported by")
    team_page = user_client(author).get(reverse("caf:team", args=[a.pk])).content.decode()
    assert "The family leads, supported by Nia Nurse" in team_page


def test_a_lead_with_expired_vetting_is_neither_offered_nor_given_as_the_contact(team) -> None:
    a, author, nurse = team["a"], team["author"], team["nurse"]
    services.lead_professional_offer(actor=author, assessment=a, member=team["own"], meeting=None, reason="Assessor")
    nurse.vetting_checked_on = clock.today() - dt.timedelta(days=365 * 3 + 10)
    nurse.save()
    with pytest.raises(CafError, match="criminal records check has expired"):
        services.lead_professional_offer(
            actor=author, assessment=a, member=team["member"], meeting=None, reason="r", handover_note="h"
        )
    author.vetting_checked_on = clock.today() - dt.timedelta(days=365 * 3 + 10)
    author.save()
    assert "cannot be contacted" in existing_cafs(team["child"], author)[0].lead_professional


def test_the_index_refuses_a_second_lead_and_hides_the_tick(team, user_client) -> None:
    a, author, nurse = team["a"], team["author"], team["nurse"]
    services.lead_professional_offer(actor=author, assessment=a, member=team["own"], meeting=None, reason="Assessor")
    other = UserFactory()
    involvement = index_services.involvement_add(
        actor=other, child=team["child"], practitioner=other, service="School nursing", service_category="health"
    )
    with pytest.raises(index_services.IndexRuleError, match="already the lead professional"):
        index_services.involvement_set_flags(actor=other, involvement=involvement, is_lead_professional=True)
    with pytest.raises(index_services.IndexRuleError, match="one lead professional at a time"):
        index_services.involvement_add(
            actor=nurse,
            child=team["child"],
            practitioner=nurse,
            service="Health visiting",
            service_category="health",
            is_lead_professional=True,
        )
    client = user_client(other)
    page = client.get(reverse("index:involvement_flags", args=[involvement.pk])).content.decode()
    assert "I am the lead professional" not in page and "is the lead professional for this child" in page
