"""The eCAF's shares go in the child's disclosure log (ecm.sharing): with consent, and on transfer."""

from __future__ import annotations

import pytest
from django.urls import reverse

from ecm.accounts.tests.factories import LocalAuthorityFactory, OrganisationFactory, UserFactory
from ecm.caf import services
from ecm.caf.tests.factories import complete_caf
from ecm.index.tests.factories import ChildFactory
from ecm.sharing.models import Disclosure
from ecm.sharing.tests.factories import decide

pytestmark = pytest.mark.django_db


def test_sharing_under_consent_is_logged_with_the_consent(user_client) -> None:
    author, nurse, child = UserFactory(), UserFactory(), ChildFactory()
    assessment = complete_caf(author, child, allowed=[nurse.organisation])
    response = user_client(author).post(
        reverse("caf:share", args=[assessment.pk]),
        {"organisation": str(nurse.organisation.pk), "recipient_person": "Nia Nurse"},
    )
    assert response.url == reverse("caf:detail", args=[assessment.pk])
    disclosure = Disclosure.objects.get()
    assert disclosure.consent == assessment.consent and disclosure.information == "caf"
    assert disclosure.reference == assessment.reference and disclosure.recipient_person == "Nia Nurse"
    assert disclosure.mode == "automatic"


def test_a_transfer_is_logged_with_the_decision_behind_it() -> None:
    author, child = UserFactory(), ChildFactory()
    elsewhere = UserFactory(organisation=OrganisationFactory(local_authority=LocalAuthorityFactory()))
    assessment = complete_caf(author, child)
    decision = decide(author, child, elsewhere.organisation, ground="non_confidential", method="secure_email")
    services.transfer_request(actor=author, assessment=assessment, to_user=elsewhere, consent_confirmed=True)
    logged = Disclosure.objects.filter(reference=assessment.reference).get()
    assert logged.decision == decision and logged.organisation == elsewhere.organisation
    assert logged.recipient_person == elsewhere.get_full_name()


def test_a_practitioner_of_another_agency_added_to_the_team_is_logged() -> None:
    author, nurse, child = UserFactory(), UserFactory(), ChildFactory()
    assessment = complete_caf(author, child, allowed=[nurse.organisation])
    services.team_member_add(actor=author, assessment=assessment, kind="practitioner", user=nurse)
    logged = Disclosure.objects.get(organisation=nurse.organisation)
    assert logged.consent == assessment.consent and logged.recipient_person == nurse.get_full_name()
