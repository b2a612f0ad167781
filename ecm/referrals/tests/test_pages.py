"""Referral pages: from the child's record to the service's answer, what each person sees, and the permission matrix."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from django.urls import reverse

from conftest import page_text as text
from ecm.accounts.choices import Role
from ecm.accounts.tests.factories import UserFactory
from ecm.audit.models import AuditEvent
from ecm.consent.services import consent_withdraw
from ecm.consent.tests.factories import give_consent
from ecm.core import clock
from ecm.directory.tests import factories as df
from ecm.referrals.choices import ReferralStatus
from ecm.referrals.models import Referral
from ecm.referrals.services import referral_send
from ecm.referrals.tests.conftest import give_reason

pytestmark = pytest.mark.django_db


def sent(world: Any) -> Referral:
    give_consent(world.referrer, world.child, allowed_organisations=[world.provider])
    return referral_send(actor=world.referrer, child=world.child, service=world.service, reason="Help with mornings")


def test_from_the_record_to_a_sent_referral(world: Any, user_client: Any) -> None:
    give_consent(world.referrer, world.child, allowed_organisations=[world.provider])
    client = user_client(world.referrer)
    give_reason(client, world.child)
    record = client.get(reverse("index:record", args=[world.child.pk]))
    assert (
        "Referrals to services" in text(record)
        and reverse("referrals:choose_service", args=[world.child.pk]) in record.content.decode()
    )
    found = client.get(reverse("referrals:choose_service", args=[world.child.pk]), {"q": "parenting"})
    assert "Parenting course" in text(found)
    new_url = reverse("referrals:new", args=[world.child.pk, world.service.pk])
    form = client.get(new_url)
    assert "Allowed because" in text(form) and "consent to share covers Harehills Family Support" in text(form)
    empty = client.post(new_url, {"reason": ""})
    assert "Enter what the child and family need from this service" in text(empty)
    done = client.post(new_url, {"reason": "Help with mornings"})
    referral = Referral.objects.get()
    assert done.status_code == 302 and done["Location"] == reverse("referrals:detail", args=[referral.pk])
    # The record now lists it.
    assert "Parenting course" in text(client.get(reverse("index:record", args=[world.child.pk])))


def test_without_a_reason_for_the_record_the_practitioner_is_asked_for_one(world: Any, user_client: Any) -> None:
    client = user_client(world.referrer)
    response = client.get(reverse("referrals:choose_service", args=[world.child.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("index:reason", args=[world.child.pk])
    response = client.get(reverse("referrals:new", args=[world.child.pk, world.service.pk]))
    assert response.status_code == 302


def test_not_allowed_page_explains_what_to_do(world: Any, user_client: Any) -> None:
    client = user_client(world.referrer)
    give_reason(client, world.child)
    page = text(client.get(reverse("referrals:new", args=[world.child.pk, world.service.pk])))
    assert "You cannot refer to Parenting course yet" in page and "record a decision to share" in page
    response = client.post(reverse("referrals:new", args=[world.child.pk, world.service.pk]), {"reason": "x"})
    assert response.status_code == 200 and not Referral.objects.exists()
    unlinked = df.ServiceFactory(name="Unlinked group", application_process="Phone 0113 496 0000 to refer.")
    page = text(client.get(reverse("referrals:new", args=[world.child.pk, unlinked.pk])))
    assert "not linked to an organisation in ECM" in page and "Phone 0113 496 0000 to refer." in page


def test_receiver_sees_the_child_answers_and_the_view_is_audited(world: Any, user_client: Any) -> None:
    referral = sent(world)
    client = user_client(world.receiver)
    home = text(client.get(reverse("referrals:home")))
    assert "Referrals to your organisation (1)" in home and "Helen Wright" in home
    page = client.get(reverse("referrals:detail", args=[referral.pk]))
    body = text(page)
    assert "Lily Ashworth" in body and "Help with mornings" in body and "0113 496 0999" in body
    viewed = AuditEvent.objects.get(action="referrals.referral_viewed")
    assert viewed.data["as_receiver"] is True and viewed.data["child_id"] == str(world.child.pk)
    missing = client.post(reverse("referrals:detail", args=[referral.pk]), {"decision": "decline", "reason": ""})
    assert "Enter the reason for declining" in text(missing)
    client.post(reverse("referrals:detail", args=[referral.pk]), {"decision": "accept", "reason": "Starts Monday"})
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACCEPTED
    referrer_view = text(user_client(world.referrer).get(reverse("referrals:detail", args=[referral.pk])))
    assert "Accepted" in referrer_view and "Starts Monday" in referrer_view


def test_receiver_no_longer_sees_the_child_after_consent_is_withdrawn(world: Any, user_client: Any) -> None:
    referral = sent(world)
    from ecm.consent.models import ConsentRecord

    consent = ConsentRecord.objects.get(child=world.child)
    consent_withdraw(actor=world.referrer, consent=consent, reason="Family changed their mind")
    page = text(user_client(world.receiver).get(reverse("referrals:detail", args=[referral.pk])))
    assert "Consent to share with your organisation has been withdrawn" in page
    assert "Help with mornings" not in page and "0113 496 0999" not in page


def test_referrer_withdraws(world: Any, user_client: Any) -> None:
    referral = sent(world)
    client = user_client(world.referrer)
    url = reverse("referrals:withdraw", args=[referral.pk])
    assert "Enter why you are withdrawing" in text(client.post(url, {"reason": ""}))
    client.post(url, {"reason": "Family moved away"})
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.WITHDRAWN


def test_home_panel_tells_the_receiver_of_waiting_referrals(world: Any, user_client: Any) -> None:
    sent(world)
    assert "1 referral to your organisation's services is waiting" in text(user_client(world.receiver).get("/"))
    assert "waiting for an answer" not in text(user_client(world.referrer).get("/"))


def test_record_lists_only_referrals_of_the_viewers_organisation(world: Any, user_client: Any) -> None:
    sent(world)
    outsider = UserFactory(roles=[Role.PRACTITIONER])
    client = user_client(outsider)
    give_reason(client, world.child)
    page = text(client.get(reverse("index:record", args=[world.child.pk])))
    assert "Referrals to services" in page and "Parenting course" not in page


# --- Permission matrix ------------------------------------------------------------------------


def _people(world: Any) -> dict[str, Any]:
    unvetted = UserFactory(roles=[Role.PRACTITIONER], vetting_checked_on=clock.today() - dt.timedelta(days=365 * 4))
    return {
        "referrer": world.referrer,
        "receiver": world.receiver,
        "receiving_manager": UserFactory(roles=[Role.MANAGER], organisation=world.provider),
        "other_practitioner": UserFactory(roles=[Role.PRACTITIONER]),
        "index_admin": UserFactory(roles=[Role.INDEX_ADMIN]),
        "data_manager": UserFactory(roles=[Role.DATA_MANAGER]),
        "privacy_officer": UserFactory(roles=[Role.PRIVACY_OFFICER]),
        "system_admin": UserFactory(roles=[Role.SYSTEM_ADMIN]),
        "directory_editor": UserFactory(roles=[Role.DIRECTORY_EDITOR], organisation=world.provider),
        "unvetted": unvetted,
    }


# person → (home, detail, withdraw, choose service with a reason held)
MATRIX = {
    "referrer": (200, 200, 200, 200),
    "receiver": (200, 200, 302, 200),
    "receiving_manager": (200, 200, 302, 200),
    "other_practitioner": (200, 404, 404, 200),
    "index_admin": (404, 404, 404, 404),
    "data_manager": (404, 404, 404, 404),
    "privacy_officer": (404, 404, 404, 404),
    "system_admin": (404, 404, 404, 404),
    "directory_editor": (404, 404, 404, 404),
    "unvetted": (403, 403, 403, 403),
}


@pytest.mark.parametrize("who", list(MATRIX))
def test_permission_matrix(world: Any, user_client: Any, who: str) -> None:
    referral = sent(world)
    client = user_client(_people(world)[who])
    give_reason(client, world.child)
    got = (
        client.get(reverse("referrals:home")).status_code,
        client.get(reverse("referrals:detail", args=[referral.pk])).status_code,
        client.get(reverse("referrals:withdraw", args=[referral.pk])).status_code,
        client.get(reverse("referrals:choose_service", args=[world.child.pk])).status_code,
    )
    assert got == MATRIX[who]


def test_anonymous_is_sent_to_sign_in(world: Any, client: Any) -> None:
    referral = sent(world)
    for url in (reverse("referrals:home"), reverse("referrals:detail", args=[referral.pk])):
        response = client.get(url)
        assert response.status_code == 302 and "/sign-in/" in response["Location"]


def test_missing_and_forbidden_both_404_and_the_refusal_is_audited(world: Any, user_client: Any) -> None:
    referral = sent(world)
    client = user_client(UserFactory(roles=[Role.PRACTITIONER]))
    assert client.get(reverse("referrals:detail", args=[uuid.uuid4()])).status_code == 404
    assert client.get(reverse("referrals:detail", args=["not-a-uuid"])).status_code == 404
    assert client.get(reverse("referrals:detail", args=[referral.pk])).status_code == 404
    assert AuditEvent.objects.filter(action="referrals.access_denied", object_id=str(referral.pk)).exists()
    # A non-receiver cannot answer by posting either.
    client.post(reverse("referrals:detail", args=[referral.pk]), {"decision": "accept"})
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SENT
