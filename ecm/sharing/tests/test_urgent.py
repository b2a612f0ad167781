"""A child at risk of significant harm: share at once, reviewed afterwards; the log says when it was shared."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from ecm.accounts.tests.factories import OrganisationFactory
from ecm.core import clock
from ecm.index.tests.factories import ChildFactory
from ecm.notifications.models import Notification
from ecm.sharing.choices import Countersign, Ground
from ecm.sharing.models import Disclosure
from ecm.sharing.selectors import countersignatures_waiting_for, reviews_overdue, sharing_allowed
from ecm.sharing.services import SharingError, disclosure_share_record, sharing_decision_countersign
from ecm.sharing.tests.factories import decide, practitioner_with_manager
from ecm.sharing.workdays import next_working_day

pytestmark = pytest.mark.django_db


@pytest.fixture
def friday():
    """Friday 27 March 2026, 10:00 (the next working day is Monday 30 March)."""
    clock.freeze(timezone.make_aware(dt.datetime(2026, 3, 27, 10, 0)))
    yield
    clock.reset()


def test_next_working_day_skips_weekends_and_bank_holidays() -> None:
    assert next_working_day(dt.date(2026, 3, 27)) == dt.date(2026, 3, 30)  # Friday -> Monday
    assert next_working_day(dt.date(2026, 4, 2)) == dt.date(2026, 4, 7)  # Good Friday and Easter Monday
    assert next_working_day(dt.date(2026, 12, 24)) == dt.date(2026, 12, 29)  # Christmas, Boxing Day (Monday 28)


@pytest.mark.parametrize("ground", [Ground.SIGNIFICANT_HARM, Ground.REASONABLE_CAUSE])
def test_significant_harm_is_in_force_at_once_and_reviewed_within_one_working_day(
    friday, ground, django_capture_on_commit_callbacks
) -> None:
    author, manager = practitioner_with_manager()
    child, org = ChildFactory(), OrganisationFactory()
    with django_capture_on_commit_callbacks(execute=True):
        decision = decide(author, child, org, ground=ground, method="phone")
    assert decision.urgent and decision.needs_countersignature
    assert decision.countersign_status == Countersign.PENDING and decision.in_force
    assert decision.review_due_on == dt.date(2026, 3, 30)
    assert sharing_allowed(child, org)
    note = Notification.objects.get(recipient=manager)
    assert note.subject.startswith("Urgent") and "30 March 2026" in note.subject
    waiting = countersignatures_waiting_for(manager)
    assert waiting == [decision] and reviews_overdue(manager) == []
    # Nothing is in the log until the practitioner says they have shared, and when.
    assert not Disclosure.objects.filter(child=child).exists()


def test_an_urgent_review_becomes_overdue_and_a_disagreement_stops_further_sharing(friday) -> None:
    author, manager = practitioner_with_manager()
    child, org = ChildFactory(), OrganisationFactory()
    decision = decide(author, child, org, ground=Ground.SIGNIFICANT_HARM, method="phone")
    clock.freeze(timezone.make_aware(dt.datetime(2026, 3, 31, 9, 0)))
    decision.refresh_from_db()
    assert decision.review_overdue
    assert reviews_overdue(manager) == [decision]
    with pytest.raises(SharingError, match="why you do not agree"):
        sharing_decision_countersign(actor=manager, decision=decision, agreed=False)
    sharing_decision_countersign(actor=manager, decision=decision, agreed=False, comment="No evidence of harm")
    decision.refresh_from_db()
    assert decision.countersign_status == Countersign.DECLINED and not decision.in_force
    assert not sharing_allowed(child, org)
    assert reviews_overdue(manager) == [] and countersignatures_waiting_for(manager) == []
    assert decision.countersign_label == "Reviewed by a manager: not agreed"


def test_a_non_urgent_ground_still_waits_for_the_countersignature() -> None:
    author, _ = practitioner_with_manager()
    decision = decide(author, ChildFactory(), OrganisationFactory(), ground=Ground.PREVENT_HARM)
    assert not decision.urgent and decision.review_due_on is None and not decision.in_force


def test_the_log_records_the_share_when_it_happened_and_who_shared_it(friday) -> None:
    author, manager = practitioner_with_manager()
    child, org = ChildFactory(), OrganisationFactory()
    decision = decide(author, child, org, ground=Ground.PREVENT_HARM, method="phone")
    clock.freeze(timezone.make_aware(dt.datetime(2026, 3, 27, 15, 0)))
    sharing_decision_countersign(actor=manager, decision=decision, agreed=True)
    assert not Disclosure.objects.filter(child=child).exists()  # countersigning shares nothing
    with pytest.raises(SharingError, match="Only the practitioner who decided"):
        disclosure_share_record(actor=manager, decision=decision, shared_at=clock.now(), method="phone")
    with pytest.raises(SharingError, match="future"):
        disclosure_share_record(
            actor=author, decision=decision, shared_at=clock.now() + dt.timedelta(hours=1), method="phone"
        )
    clock.freeze(timezone.make_aware(dt.datetime(2026, 3, 27, 17, 0)))
    shared_at = timezone.make_aware(dt.datetime(2026, 3, 27, 16, 10))
    disclosure = disclosure_share_record(
        actor=author, decision=decision, shared_at=shared_at, method="phone", recipient_person="DS Khan, police"
    )
    assert disclosure.disclosed_at == shared_at and disclosure.shared_by == author
    assert (
        disclosure.method == "phone"
        and disclosure.mode == "manual"
        and disclosure.recipient_person == "DS Khan, police"
    )


def test_sharing_through_ecm_is_logged_when_it_comes_into_force_as_the_decider_s(friday) -> None:
    author, manager = practitioner_with_manager()
    child, org = ChildFactory(), OrganisationFactory()
    urgent = decide(author, child, org, ground=Ground.SIGNIFICANT_HARM, method="ecm")
    disclosure = Disclosure.objects.get(decision=urgent)
    assert disclosure.shared_by == author and disclosure.mode == "automatic"
    other = OrganisationFactory()
    waiting = decide(author, child, other, ground=Ground.PREVENT_HARM, method="ecm")
    assert not Disclosure.objects.filter(decision=waiting).exists()
    sharing_decision_countersign(actor=manager, decision=waiting, agreed=True)
    assert Disclosure.objects.get(decision=waiting).shared_by == author  # not the countersigning manager
