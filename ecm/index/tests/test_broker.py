"""The broker: ask an index administrator about a shielded record or an unspecified service; reveal, pass, refuse."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from conftest import page_text as text
from ecm.accounts.choices import Role
from ecm.accounts.tests.factories import UserFactory
from ecm.audit.models import AuditEvent
from ecm.index import broker
from ecm.index.choices import BrokerAsk, BrokerStatus, SensitiveBasis, ServiceCategory
from ecm.index.models import BrokerRequest
from ecm.index.tests.factories import ChildFactory, involvement
from ecm.misuse.models import Alert
from ecm.notifications.models import Notification

pytestmark = pytest.mark.django_db
REASON = "I need to arrange a home visit for the new baby"


@pytest.fixture
def people(db: Any) -> dict[str, Any]:
    return {
        "asker": UserFactory(roles=[Role.PRACTITIONER], first_name="Sam", last_name="Okafor"),
        "admin": UserFactory(roles=[Role.INDEX_ADMIN]),
        "nurse": UserFactory(roles=[Role.PRACTITIONER], first_name="Aisha", last_name="Khan"),
    }


def open_record(client: Any, child: Any) -> None:
    client.post(reverse("index:reason", args=[child.pk]), {"reason_code": "check_identity"})


def test_shielded_record_details_revealed_to_the_asker_and_every_showing_alerts(
    people: dict[str, Any], user_client: Any
) -> None:
    child = ChildFactory(shielded=True, address={"address_line_1": "9 Hidden Lane", "postcode": "LS6 1AA"})
    asker = user_client(people["asker"])
    open_record(asker, child)
    record = text(asker.get(reverse("index:record", args=[child.pk])))
    assert "Ask an index administrator" in record and "9 Hidden Lane" not in record
    url = reverse("index:broker_ask", args=[child.pk])
    assert "Enter why you need it" in text(asker.post(url, {"about": "record", "ask": "details", "reason": ""}))
    asker.post(url, {"about": "record", "ask": "details", "reason": REASON})
    made = BrokerRequest.objects.get()
    assert made.status == BrokerStatus.OPEN and made.involvement is None
    assert AuditEvent.objects.filter(action="index.broker_requested", object_id=str(made.pk)).exists()
    assert Notification.objects.filter(recipient=people["admin"]).exists()
    # The asker cannot see the details yet.
    assert "9 Hidden Lane" not in text(asker.get(reverse("index:broker_request", args=[made.pk])))
    admin = user_client(people["admin"])
    assert "Waiting for a decision (1)" in text(admin.get(reverse("index:broker")))
    admin.post(reverse("index:broker_request", args=[made.pk]), {"decision": "reveal", "note": "Agreed"})
    made.refresh_from_db()
    assert made.status == BrokerStatus.REVEALED and made.decided_by == people["admin"]
    page = text(asker.get(reverse("index:broker_request", args=[made.pk])))
    assert "9 Hidden Lane" in page
    reveal = AuditEvent.objects.filter(action="index.shield_reveal").latest("sequence")
    assert reveal.actor_id == str(people["asker"].pk) and reveal.data["via_broker"] is True
    assert Alert.objects.filter(user=people["asker"], rule="R5").exists()


def test_unspecified_service_message_passed_on(people: dict[str, Any], user_client: Any) -> None:
    child = ChildFactory()
    clinic = involvement(
        child,
        people["nurse"],
        service="Young People's Sexual Health Clinic",
        service_category=ServiceCategory.SEXUAL_HEALTH,
        sensitive_basis=SensitiveBasis.CONSENT_YOUNG_PERSON,
    )
    asker = user_client(people["asker"])
    open_record(asker, child)
    record = text(asker.get(reverse("index:record", args=[child.pk])))
    assert "An unspecified service is involved" in record and "Sexual Health" not in record
    url = reverse("index:broker_ask", args=[child.pk])
    missing = asker.post(url, {"about": f"service:{clinic.pk}", "ask": "message", "reason": REASON})
    assert "Enter the message to pass on" in text(missing)
    asker.post(url, {"about": f"service:{clinic.pk}", "ask": "message", "reason": REASON, "message": "Please call me."})
    made = BrokerRequest.objects.get()
    assert made.involvement == clinic
    admin = user_client(people["admin"])
    admin.post(reverse("index:broker_request", args=[made.pk]), {"decision": "pass"})
    made.refresh_from_db()
    assert made.status == BrokerStatus.PASSED
    passed = Notification.objects.get(recipient=people["nurse"])
    assert "Please call me." in passed.body and "Sam Okafor" in passed.body
    assert Notification.objects.filter(recipient=people["asker"], subject__contains="message passed").exists()
    assert AuditEvent.objects.filter(action="index.broker_message_passed").get().data["recipients"] == [
        people["nurse"].pk
    ]
    # Passing a message reveals nothing to the asker.
    assert "Sexual Health" not in text(asker.get(reverse("index:broker_request", args=[made.pk])))


def test_refusal_needs_a_reason_and_the_asker_sees_it(people: dict[str, Any], user_client: Any) -> None:
    child = ChildFactory(shielded=True)
    made = broker.broker_request_create(actor=people["asker"], child=child, ask=BrokerAsk.DETAILS, reason=REASON)
    admin = user_client(people["admin"])
    response = admin.post(reverse("index:broker_request", args=[made.pk]), {"decision": "refuse", "note": ""})
    assert "Enter the reason for refusing" in text(response)
    admin.post(reverse("index:broker_request", args=[made.pk]), {"decision": "refuse", "note": "Risk to the child"})
    made.refresh_from_db()
    assert made.status == BrokerStatus.REFUSED
    assert AuditEvent.objects.get(action="index.broker_refused").reason == "Risk to the child"
    assert "Risk to the child" in text(
        user_client(people["asker"]).get(reverse("index:broker_request", args=[made.pk]))
    )
    with pytest.raises(broker.BrokerError, match="only the person who asked|not been revealed"):
        broker.revealed_details(actor=people["asker"], request=made)


def test_rules_on_asking_and_deciding(people: dict[str, Any]) -> None:
    plain = ChildFactory()
    with pytest.raises(broker.BrokerError, match="not shielded"):
        broker.broker_request_create(actor=people["asker"], child=plain, ask=BrokerAsk.DETAILS, reason=REASON)
    shielded = ChildFactory(shielded=True)
    with pytest.raises(broker.BrokerError, match="at least 10"):
        broker.broker_request_create(actor=people["asker"], child=shielded, ask=BrokerAsk.DETAILS, reason="why")
    made = broker.broker_request_create(actor=people["asker"], child=shielded, ask=BrokerAsk.DETAILS, reason=REASON)
    with pytest.raises(broker.BrokerError, match="Only an index administrator"):
        broker.broker_request_reveal(actor=people["nurse"], request=made)
    own = broker.broker_request_create(actor=people["admin"], child=shielded, ask=BrokerAsk.DETAILS, reason=REASON)
    with pytest.raises(broker.BrokerError, match="another index administrator"):
        broker.broker_request_reveal(actor=people["admin"], request=own)
    broker.broker_request_reveal(actor=people["admin"], request=made)
    with pytest.raises(broker.BrokerError, match="already been decided"):
        broker.broker_request_refuse(actor=people["admin"], request=made, reason="Changed my mind")
    with pytest.raises(broker.BrokerError, match="Only the person who asked"):
        broker.revealed_details(actor=people["nurse"], request=made)


def test_someone_elses_request_is_404_and_the_queue_is_for_administrators(
    people: dict[str, Any], user_client: Any
) -> None:
    made = broker.broker_request_create(
        actor=people["asker"], child=ChildFactory(shielded=True), ask=BrokerAsk.DETAILS, reason=REASON
    )
    other = user_client(people["nurse"])
    assert other.get(reverse("index:broker_request", args=[made.pk])).status_code == 404
    assert other.get(reverse("index:broker_request", args=["nope"])).status_code == 404
    assert "Waiting for a decision" not in text(other.get(reverse("index:broker")))
    assert user_client(UserFactory(roles=[Role.DIRECTORY_EDITOR])).get(reverse("index:broker")).status_code == 404


def test_nothing_hidden_sends_the_user_back(people: dict[str, Any], user_client: Any) -> None:
    child = ChildFactory()
    client = user_client(people["asker"])
    open_record(client, child)
    response = client.get(reverse("index:broker_ask", args=[child.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("index:record", args=[child.pk])


@pytest.mark.parametrize(
    ("who", "listing", "ask"),
    [
        (Role.PRACTITIONER, 200, 302),  # asking first needs a reason for the record
        (Role.MANAGER, 200, 302),
        (Role.INDEX_ADMIN, 200, 302),
        (Role.DATA_MANAGER, 200, 302),
        (Role.PRIVACY_OFFICER, 404, 404),
        (Role.SYSTEM_ADMIN, 404, 404),
        (Role.DIRECTORY_EDITOR, 404, 404),
        ("unvetted", 403, 403),
        ("anonymous", 302, 302),
    ],
)
def test_broker_pages_permission_matrix(user_client: Any, client: Any, who: str, listing: int, ask: int) -> None:
    child = ChildFactory(shielded=True)
    if who == "anonymous":
        browser = client
    elif who == "unvetted":
        browser = user_client(UserFactory(roles=[Role.PRACTITIONER], vetting_checked_on=None))
    else:
        browser = user_client(UserFactory(roles=[who]))
    assert browser.get(reverse("index:broker")).status_code == listing
    assert browser.get(reverse("index:broker_ask", args=[child.pk])).status_code == ask
