"""R5 and R11 at the moment of access, and the hook's place in the access's transaction."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction

from ecm.accounts.models import User
from ecm.accounts.tests.factories import UserFactory
from ecm.audit.models import AuditEvent
from ecm.audit.services import audit_record
from ecm.core.actors import SYSTEM_FEED
from ecm.misuse.choices import AlertStatus, Rule
from ecm.misuse.hooks import MisuseCheckError
from ecm.misuse.models import Alert
from ecm.misuse.rules.moment import reason_problem
from ecm.misuse.tests.factories import access, at

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 3, 10)


@pytest.fixture
def user() -> User:
    return UserFactory()


def test_shield_override_always_alerts(user: User) -> None:
    event = access(user, "index.shield_reveal", when=at(DAY, 10), reason="Police need to contact the carer today")
    alert = Alert.objects.get(rule=Rule.R5)
    assert alert.user == user
    assert alert.evidence == [event.sequence]
    assert alert.child_id == event.object_id
    assert alert.severity == "high" and alert.status == AlertStatus.OPEN
    raised = AuditEvent.objects.get(action="misuse.alert_raised")
    assert raised.object_id == str(alert.pk) and raised.actor_label == "misuse-review-job"
    # A second override is a second alert: every override is reviewed.
    access(user, "index.shield_reveal", when=at(DAY, 11), reason="Police need to contact the carer today")
    assert Alert.objects.filter(rule=Rule.R5).count() == 2


def test_an_ordinary_record_view_raises_nothing(user: User) -> None:
    access(user, when=at(DAY, 10))
    access(user, when=at(DAY, 10), reason="", data={"reason_code": "safeguarding"})
    assert not Alert.objects.exists()


@pytest.mark.parametrize(
    "reason,code",
    [
        ("", "other"),
        ("   ", ""),
        ("test", "other"),
        ("Testing the search", "safeguarding"),
        ("n/a", "other"),
        ("just checking", "other"),
        ("curious", ""),
        ("asdfasdf", "other"),
        ("work", "other"),
        ("x", "other"),
    ],
)
def test_empty_boilerplate_or_test_reasons_alert(user: User, reason: str, code: str) -> None:
    access(user, when=at(DAY, 10), reason=reason, data={"reason_code": code})
    alert = Alert.objects.get(rule=Rule.R11)
    assert alert.user == user and alert.review_date == DAY


@pytest.mark.parametrize(
    "reason,code",
    [
        ("Health visitor: new birth notification, confirming GP registration", "other"),
        ("", "check_identity"),
        ("Attestation before the strategy meeting", "other"),  # "test" inside a word is fine
    ],
)
def test_real_reasons_do_not_alert(reason: str, code: str) -> None:
    assert reason_problem(reason, code) == ""


def test_poor_reasons_on_one_day_gather_in_one_alert(user: User) -> None:
    first = access(user, when=at(DAY, 9), reason="test")
    second = access(user, when=at(DAY, 9, 5), reason="n/a")
    alert = Alert.objects.get(rule=Rule.R11)
    assert alert.evidence == [first.sequence, second.sequence]
    assert AuditEvent.objects.filter(action="misuse.alert_evidence_added").count() == 1
    access(user, when=at(DAY + dt.timedelta(days=1), 9), reason="test")
    assert Alert.objects.filter(rule=Rule.R11).count() == 2


def test_a_handled_alert_is_not_reopened_by_new_evidence(user: User) -> None:
    access(user, when=at(DAY, 9), reason="test")
    Alert.objects.update(status=AlertStatus.DISMISSED)
    access(user, when=at(DAY, 10), reason="test")
    assert Alert.objects.filter(rule=Rule.R11, status=AlertStatus.OPEN).count() == 1
    assert Alert.objects.filter(rule=Rule.R11).count() == 2


def test_system_actors_and_other_actions_are_not_checked(user: User) -> None:
    with transaction.atomic():
        audit_record(actor=SYSTEM_FEED, action="index.record_view", object_id="x", reason="")
    access(user, "index.search", when=at(DAY, 10))
    access(user, "index.sensitive_details_viewed", when=at(DAY, 10))
    assert not Alert.objects.exists()


def test_alert_commits_and_rolls_back_with_the_access(user: User) -> None:
    class AccessFailed(Exception):
        pass

    with pytest.raises(AccessFailed), transaction.atomic():
        access(user, "index.shield_reveal", when=at(DAY, 10), reason="Police need to contact the carer today")
        assert Alert.objects.filter(rule=Rule.R5).exists()
        raise AccessFailed
    assert not Alert.objects.exists()
    assert not AuditEvent.objects.filter(action__in=["index.shield_reveal", "misuse.alert_raised"]).exists()


def test_an_access_that_cannot_be_checked_does_not_happen() -> None:
    ghost = User(pk=987654, username="ghost")  # a user the rules cannot find
    before = AuditEvent.objects.count()
    with pytest.raises(MisuseCheckError):
        access(ghost, "index.record_view", when=at(DAY, 10))
    assert AuditEvent.objects.count() == before
    assert not AuditEvent.objects.filter(action="index.record_view").exists()
