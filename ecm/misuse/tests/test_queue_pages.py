"""The privacy officer's pages: who may see them, what they show, and the decisions they take."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse

from ecm.accounts.choices import Role
from ecm.accounts.models import User, UserSession
from ecm.accounts.tests.factories import UserFactory
from ecm.audit.models import AuditEvent
from ecm.misuse.choices import AlertStatus, Rule
from ecm.misuse.models import Alert, StaffPersonalDetails
from ecm.misuse.tests.factories import AlertFactory, access

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer() -> User:
    return UserFactory(roles=[Role.PRIVACY_OFFICER])


@pytest.fixture
def alert() -> Alert:
    user = UserFactory(manager=UserFactory(roles=[Role.MANAGER]))
    event = access(user, reason="test")
    return Alert.objects.get(user=user, rule=Rule.R11, evidence=[event.sequence])


def urls(alert: Alert) -> list[str]:
    return [
        reverse("misuse:queue"),
        reverse("misuse:alert", args=[alert.pk]),
        reverse("misuse:staff_list"),
        reverse("misuse:staff_details", args=[alert.user.pk]),
    ]


@pytest.mark.parametrize("roles", [[Role.PRACTITIONER], [Role.MANAGER], [Role.SYSTEM_ADMIN], [Role.INDEX_ADMIN]])
def test_only_privacy_officers_see_the_pages(user_client, alert: Alert, roles: list[str]) -> None:
    client = user_client(UserFactory(roles=roles))
    for url in urls(alert):
        assert client.get(url).status_code == 404, url
    decision = {"decision": "escalate", "note": "x"}
    assert client.post(reverse("misuse:alert", args=[alert.pk]), decision).status_code == 404
    alert.refresh_from_db()
    assert alert.status == AlertStatus.OPEN


def test_signed_out_people_are_sent_to_sign_in(client, alert: Alert) -> None:
    for url in urls(alert):
        response = client.get(url)
        assert response.status_code == 302 and "/sign-in/" in response["Location"]


def test_officer_sees_the_pages(user_client, officer: User, alert: Alert) -> None:
    client = user_client(officer)
    for url in urls(alert):
        assert client.get(url).status_code == 200, url


def test_queue_filters_and_hides_the_officers_own_alerts(user_client, officer: User, alert: Alert) -> None:
    own = AlertFactory(user=officer, rule=Rule.R10)
    dismissed = AlertFactory(rule=Rule.R7, status=AlertStatus.DISMISSED)
    client = user_client(officer)
    page = client.get(reverse("misuse:queue")).content.decode()
    assert str(alert.pk) in page and str(own.pk) not in page and str(dismissed.pk) not in page
    page = client.get(reverse("misuse:queue"), {"status": "dismissed"}).content.decode()
    assert str(dismissed.pk) in page and str(alert.pk) not in page
    page = client.get(reverse("misuse:queue"), {"status": "", "rule": "R7"}).content.decode()
    assert str(dismissed.pk) in page and str(alert.pk) not in page
    assert client.get(reverse("misuse:alert", args=[own.pk])).status_code == 404


def test_alert_page_shows_evidence_and_is_audited(user_client, officer: User, alert: Alert) -> None:
    other_access = access(alert.user, reason="Checking school place before a TAC meeting")
    response = user_client(officer).get(reverse("misuse:alert", args=[alert.pk]))
    page = response.content.decode()
    evidence = AuditEvent.objects.get(sequence=alert.evidence[0])
    assert evidence.object_id in page and other_access.object_id in page
    assert "index.record_view" in page and "Checking school place" in page
    viewed = AuditEvent.objects.get(action="misuse.alert_viewed")
    assert viewed.object_id == str(alert.pk) and viewed.actor_id == str(officer.pk)


def test_missing_alert_is_404(user_client, officer: User) -> None:
    client = user_client(officer)
    assert client.get("/misuse/alerts/00000000-0000-0000-0000-000000000000/").status_code == 404


def test_decision_without_a_note_shows_the_error_summary(user_client, officer: User, alert: Alert) -> None:
    response = user_client(officer).post(reverse("misuse:alert", args=[alert.pk]), {"decision": "dismiss", "note": ""})
    assert response.status_code == 400
    page = response.content.decode()
    assert "govuk-error-summary" in page and "Enter a note explaining your decision" in page
    assert page.count("<title>Error: ") == 1


def test_officer_dismisses(user_client, officer: User, alert: Alert) -> None:
    response = user_client(officer).post(
        reverse("misuse:alert", args=[alert.pk]), {"decision": "dismiss", "note": "Reason typed by mistake; confirmed."}
    )
    assert response.status_code == 302
    alert.refresh_from_db()
    assert alert.status == AlertStatus.DISMISSED


def test_a_decided_alert_is_not_decided_again(user_client, officer: User, alert: Alert) -> None:
    client = user_client(officer)
    url = reverse("misuse:alert", args=[alert.pk])
    client.post(url, {"decision": "dismiss", "note": "Explained by the manager."})
    response = client.post(url, {"decision": "escalate", "note": "Second thoughts."}, follow=True)
    assert "already dismissed" in response.content.decode()
    alert.refresh_from_db()
    alert.user.refresh_from_db()
    assert alert.status == AlertStatus.DISMISSED and alert.user.suspended_at is None


def test_officer_escalates_and_the_user_is_signed_out(user_client, officer: User, alert: Alert) -> None:
    subject_client = user_client(alert.user)
    assert subject_client.get(reverse("notifications:list")).status_code == 200
    response = user_client(officer).post(
        reverse("misuse:alert", args=[alert.pk]),
        {"decision": "escalate", "note": "Repeated test reasons on real children."},
    )
    assert response.status_code == 302
    alert.refresh_from_db()
    alert.user.refresh_from_db()
    assert alert.status == AlertStatus.ESCALATED and alert.user.suspended_at is not None
    # Their session is gone at once: the next request carries a cookie the server no longer holds.
    assert not Session.objects.filter(session_key=subject_client.session.session_key).exists()
    assert not UserSession.objects.filter(user=alert.user, ended_at__isnull=True).exists()
    after = subject_client.get(reverse("notifications:list"))
    assert after.status_code == 302 and "/sign-in/" in after["Location"]


def test_staff_details_page_saves(user_client, officer: User) -> None:
    person = UserFactory(last_name="Khan")
    client = user_client(officer)
    assert person.username in client.get(reverse("misuse:staff_list"), {"q": "khan"}).content.decode()
    url = reverse("misuse:staff_details", args=[person.pk])
    bad = client.post(url, {"home_postcode": "nonsense"})
    assert bad.status_code == 400 and "govuk-error-summary" in bad.content.decode()
    response = client.post(url, {"home_postcode": "ls62ab", "home_address": "14 Ash Grove", "family_names": "Begum"})
    assert response.status_code == 302
    assert StaffPersonalDetails.objects.get(user=person).home_postcode == "LS6 2AB"
    client.get(url)
    assert AuditEvent.objects.filter(action="misuse.staff_details_viewed", object_id=str(person.pk)).exists()
    assert client.get(reverse("misuse:staff_details", args=[officer.pk])).status_code == 404


def test_views_and_forms_never_query_models_directly() -> None:
    root = Path(__file__).resolve().parent.parent
    for name in ("views.py", "forms.py"):
        source = (root / name).read_text()
        assert not re.search(r"\.objects\.|\.save\(|\.delete\(", source), name
