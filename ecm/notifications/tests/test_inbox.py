"""The inbox: a count in the navigation of every signed-in page, newest first, opening marks read."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from conftest import page_text
from ecm.accounts.tests.factories import UserFactory
from ecm.audit.models import AuditEvent
from ecm.core import clock
from ecm.core.actors import SystemActor
from ecm.notifications.models import Notification
from ecm.notifications.services import notification_send

pytestmark = pytest.mark.django_db
ACTOR = SystemActor("test-suite")


def test_the_unread_count_is_in_the_navigation_and_the_list_is_newest_first(user_client: Any) -> None:
    person = UserFactory()
    client = user_client(person)
    assert "Notifications" in page_text(client.get("/")) and "Notifications (" not in page_text(client.get("/"))
    notification_send(actor=ACTOR, recipient=person, subject="Older message", link="/caf/", email=False)
    clock.advance(dt.timedelta(minutes=5))
    notification_send(actor=ACTOR, recipient=person, subject="Newer message", link="/referrals/", email=False)
    notification_send(actor=ACTOR, recipient=UserFactory(), subject="Someone else's", email=False)
    assert "Notifications (2)" in page_text(client.get(reverse("accounts:account")))
    text = page_text(client.get(reverse("notifications:list")))
    assert text.index("Newer message") < text.index("Older message")
    assert "Someone else's" not in text and "2 unread" in text


def test_opening_marks_read_and_goes_to_its_page(user_client: Any) -> None:
    person = UserFactory()
    note = notification_send(actor=ACTOR, recipient=person, subject="A referral", link="/referrals/", email=False)
    client = user_client(person)
    response = client.get(reverse("notifications:open", args=[note.pk]))
    assert response.status_code == 302 and response["Location"] == "/referrals/"
    note.refresh_from_db()
    assert note.read_at is not None
    assert AuditEvent.objects.filter(action="notification.read", object_id=str(note.pk)).count() == 1
    assert "Notifications (" not in page_text(client.get("/"))


def test_an_outside_link_is_never_followed(user_client: Any) -> None:
    person = UserFactory()
    note = notification_send(actor=ACTOR, recipient=person, subject="x", link="https://evil.example/", email=False)
    response = user_client(person).get(reverse("notifications:open", args=[note.pk]))
    assert response["Location"] == reverse("notifications:list")


def test_someone_elses_notification_is_not_found(user_client: Any) -> None:
    note = notification_send(actor=ACTOR, recipient=UserFactory(), subject="x", email=False)
    response = user_client(UserFactory()).get(reverse("notifications:open", args=[note.pk]))
    assert response.status_code == 404
    assert Notification.objects.get(pk=note.pk).read_at is None


def test_the_email_link_asks_for_sign_in_then_comes_back(client: Any) -> None:
    note = notification_send(actor=ACTOR, recipient=UserFactory(), subject="x", email=False)
    response = client.get(reverse("notifications:open", args=[note.pk]))
    assert response.status_code == 302 and "next=" in response["Location"]


def test_details_are_hidden_from_someone_who_fails_the_child_data_gate(user_client: Any) -> None:
    person = UserFactory(vetting_checked_on=clock.today() - dt.timedelta(days=365 * 4))
    notification_send(
        actor=ACTOR, recipient=person, subject="Notes of the TAC meeting", body="Mum said the rent is late", email=False
    )
    text = page_text(user_client(person).get(reverse("notifications:list")))
    assert "Notes of the TAC meeting" in text and "rent is late" not in text
    assert "criminal records check expired" in text


def test_a_message_links_only_to_a_page_that_opens_for_its_recipient(user_client: Any, monkeypatch: Any) -> None:
    """The owning app's rule (ecm.notifications.links) is asked when the list is shown and when one is opened."""
    from django.urls import resolve

    from ecm.notifications import links

    person = UserFactory()
    opens = notification_send(actor=ACTOR, recipient=person, subject="Opens", link="/referrals/", email=False)
    closed = notification_send(actor=ACTOR, recipient=person, subject="Closed to you", link="/caf/", email=False)
    nowhere = notification_send(actor=ACTOR, recipient=person, subject="Gone", link="/no-such-page/", email=False)
    plain = notification_send(actor=ACTOR, recipient=person, subject="No page", email=False)
    asked: list[Any] = []

    def refuse(user: Any, kwargs: Any) -> bool:
        asked.append(user)
        return False

    monkeypatch.setitem(links._rules, resolve("/caf/").view_name, refuse)
    client = user_client(person)
    page = client.get(reverse("notifications:list")).content.decode()
    assert asked == [person]
    for note in (opens, closed, nowhere, plain):
        assert note.subject in page
    assert f'href="{reverse("notifications:open", args=[opens.pk])}"' in page
    for note in (closed, nowhere, plain):
        assert f'href="{reverse("notifications:open", args=[note.pk])}"' not in page
        assert f'action="{reverse("notifications:read", args=[note.pk])}"' in page  # it can still be marked read
    assert page.count("The page this message is about is not open to you.") == 2

    # Opened from the e-mail, or marked read: the list, never the page that would answer 404.
    response = client.get(reverse("notifications:open", args=[closed.pk]))
    assert response["Location"] == reverse("notifications:list")
    response = client.post(reverse("notifications:read", args=[nowhere.pk]))
    assert response["Location"] == reverse("notifications:list")
    assert Notification.objects.get(pk=nowhere.pk).read_at is not None
    assert client.get(reverse("notifications:open", args=[opens.pk]))["Location"] == "/referrals/"
