"""Working an alert: dismiss with a note; escalate, which suspends at once and tells the manager."""

from __future__ import annotations

import pytest
from django.core import mail

from ecm.accounts.choices import Role
from ecm.accounts.models import User, UserSession
from ecm.accounts.tests.factories import UserFactory
from ecm.audit.models import AuditEvent
from ecm.misuse.choices import AlertStatus
from ecm.misuse.models import Alert, StaffPersonalDetails
from ecm.misuse.services import MisuseError, alert_dismiss, alert_escalate, staff_details_save
from ecm.misuse.tests.factories import AlertFactory
from ecm.notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer() -> User:
    return UserFactory(roles=[Role.PRIVACY_OFFICER])


@pytest.fixture
def alert() -> Alert:
    manager = UserFactory(roles=[Role.MANAGER], email="manager@example.gov.uk")
    return AlertFactory(user=UserFactory(manager=manager), child_id="5d1c8a0e-9f3b-4c1e-8a57-2f0f6f1e9b11")


def test_dismiss_needs_a_note_and_is_audited(officer: User, alert: Alert) -> None:
    with pytest.raises(MisuseError):
        alert_dismiss(actor=officer, alert=alert, note="  ")
    alert_dismiss(actor=officer, alert=alert, note="On duty for this child: checked with her manager.")
    alert.refresh_from_db()
    assert alert.status == AlertStatus.DISMISSED and alert.handled_by == officer and alert.handled_at
    event = AuditEvent.objects.get(action="misuse.alert_dismissed")
    assert event.object_id == str(alert.pk) and event.reason.startswith("On duty")
    assert alert.user.suspended_at is None


def test_escalate_suspends_ends_sessions_and_tells_the_manager(
    officer: User, alert: Alert, django_capture_on_commit_callbacks
) -> None:
    UserSession.objects.create(user=alert.user, session_key="k" * 32)
    with django_capture_on_commit_callbacks(execute=True):
        alert_escalate(actor=officer, alert=alert, note="Looked up a neighbour's children three times.")
    alert.refresh_from_db()
    subject = alert.user
    subject.refresh_from_db()
    assert alert.status == AlertStatus.ESCALATED
    assert subject.suspended_at is not None and not subject.is_active
    assert "Looked up a neighbour" in subject.suspension_reason
    assert not UserSession.objects.filter(user=subject, ended_at__isnull=True).exists()
    note = Notification.objects.get(recipient=subject.manager)
    assert "suspended" in note.subject and alert.child_id not in note.body
    assert [m.to for m in mail.outbox] == [["manager@example.gov.uk"]]
    actions = list(AuditEvent.objects.values_list("action", flat=True))
    for action in ("admin.practitioner.suspended", "session.ended_all", "notification.sent", "misuse.alert_escalated"):
        assert action in actions


def test_escalate_without_a_manager_still_suspends_and_tells_the_privacy_officers(officer: User) -> None:
    other_officer = UserFactory(roles=[Role.PRIVACY_OFFICER])
    alert = AlertFactory()
    alert_escalate(actor=officer, alert=alert, note="Reason")
    alert.user.refresh_from_db()
    assert alert.user.suspended_at is not None
    told = set(Notification.objects.values_list("recipient_id", flat=True))
    assert told == {officer.pk, other_officer.pk}
    event = AuditEvent.objects.get(action="misuse.alert_escalated")
    assert event.data["manager_notified"] is None and len(event.data["told"]) == 2


def test_a_handled_alert_cannot_be_decided_again(officer: User, alert: Alert) -> None:
    alert_dismiss(actor=officer, alert=alert, note="Explained")
    with pytest.raises(MisuseError):
        alert_escalate(actor=officer, alert=alert, note="Changed my mind")
    alert.user.refresh_from_db()
    assert alert.user.suspended_at is None


def test_nobody_decides_an_alert_about_themselves(officer: User) -> None:
    own = AlertFactory(user=officer)
    with pytest.raises(MisuseError):
        alert_dismiss(actor=officer, alert=own, note="Nothing to see")
    own.refresh_from_db()
    assert own.status == AlertStatus.OPEN


def test_staff_details_are_saved_and_audited_without_their_values(officer: User) -> None:
    person = UserFactory()
    staff_details_save(actor=officer, user=person, home_postcode="LS6 2AB", home_address="14 Ash Grove",
                       family_names="Begum", works_out_of_hours=False)
    staff_details_save(actor=officer, user=person, home_postcode="LS6 2AB", home_address="15 Ash Grove",
                       family_names="Begum", works_out_of_hours=False)
    details = StaffPersonalDetails.objects.get(user=person)
    assert details.home_address == "15 Ash Grove" and details.family_name_list == ["Begum"]
    events = AuditEvent.objects.filter(action="misuse.staff_details_saved").order_by("sequence")
    assert [e.data["changed"] for e in events][-1] == ["home_address"]
    assert all("Ash Grove" not in str(e.data) for e in events)
