"""Progress on each of the five outcomes the plan addresses, at review and at closure, and the family's feedback."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from ecm.accounts.tests.factories import UserFactory
from ecm.audit.models import AuditEvent
from ecm.caf import services
from ecm.caf.choices import ClosureReason, Outcome, OutcomeRating
from ecm.caf.models import OutcomeProgress
from ecm.caf.tests.factories import complete_caf
from ecm.core import clock
from ecm.index.tests.factories import ChildFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def planned(django_capture_on_commit_callbacks):
    author = UserFactory()
    child = ChildFactory()
    with django_capture_on_commit_callbacks(execute=True):
        a = complete_caf(author, child)
        member = a.members.get(user=author)
        for outcome in (Outcome.STAY_SAFE, Outcome.BE_HEALTHY):
            services.action_add(
                actor=author, assessment=a, what="Something", responsible=member,
                due_on=clock.today() + dt.timedelta(days=10), outcome_wanted="Better", outcome=outcome,
            )  # fmt: skip
    return author, a


def test_plan_outcomes_are_in_the_statutory_order(planned) -> None:
    _author, a = planned
    assert services.plan_outcomes(a) == [Outcome.BE_HEALTHY, Outcome.STAY_SAFE]


def test_review_records_progress_per_outcome_and_old_callers_still_work(planned) -> None:
    author, a = planned
    review = services.review_record(
        actor=author, assessment=a, held_on=clock.today(), present="All", progress_notes="Going well",
        outcome_progress={Outcome.BE_HEALTHY: (OutcomeRating.SOME_PROGRESS, "GP seen")},
    )  # fmt: skip
    row = OutcomeProgress.objects.get(review=review)
    assert (row.outcome, row.rating, row.note, row.at_closure) == (
        Outcome.BE_HEALTHY,
        "some_progress",
        "GP seen",
        False,
    )
    event = AuditEvent.objects.filter(action="caf.review_recorded").latest("occurred_at")
    assert event.data["outcome_progress"] == {"be_healthy": "some_progress"}
    services.review_record(actor=author, assessment=a, held_on=clock.today(), present="All", progress_notes="Again")
    assert OutcomeProgress.objects.count() == 1


def test_an_outcome_the_plan_does_not_address_or_a_bad_rating_is_refused(planned) -> None:
    author, a = planned
    with pytest.raises(services.CafError, match="does not address"):
        services.review_record(
            actor=author, assessment=a, held_on=clock.today(), present="All", progress_notes="x",
            outcome_progress={Outcome.ECONOMIC_WELLBEING: (OutcomeRating.ACHIEVED, "")},
        )  # fmt: skip
    with pytest.raises(services.CafError, match="Choose the progress"):
        services.review_record(
            actor=author, assessment=a, held_on=clock.today(), present="All", progress_notes="x",
            outcome_progress={Outcome.STAY_SAFE: ("brilliant", "")},
        )  # fmt: skip


def test_closure_records_progress_and_the_familys_feedback(planned) -> None:
    author, a = planned
    services.assessment_close(
        actor=author, assessment=a, reason=ClosureReason.NEEDS_MET,
        outcome_progress={Outcome.STAY_SAFE: (OutcomeRating.ACHIEVED, "Safe at home")},
        family_feedback_rating="very_helpful", family_feedback="Thank you",
    )  # fmt: skip
    a.refresh_from_db()
    assert (a.family_feedback_rating, a.family_feedback) == ("very_helpful", "Thank you")
    row = OutcomeProgress.objects.get(assessment=a, at_closure=True)
    assert row.review is None and row.rating == "achieved"
    with pytest.raises(services.CafError):
        services.assessment_close(actor=author, assessment=a, reason=ClosureReason.NEEDS_MET)


def test_review_and_closure_pages_ask_for_each_outcome_the_plan_addresses(planned, user_client) -> None:
    author, a = planned
    client = user_client(author)
    page = client.get(reverse("caf:review_add", args=[a.pk])).content.decode()
    assert "Progress on Be healthy" in page and "Progress on Stay safe" in page and "Progress on Enjoy" not in page
    today = clock.today()
    data = {
        "held_on_0": today.day, "held_on_1": today.month, "held_on_2": today.year,
        "present": "All", "progress_notes": "Fine", "outcome_be_healthy": "no_change",
    }  # fmt: skip
    response = client.post(reverse("caf:review_add", args=[a.pk]), data)
    assert response.status_code == 200 and "Choose the progress on Stay safe" in response.content.decode()
    response = client.post(reverse("caf:review_add", args=[a.pk]), {**data, "outcome_stay_safe": "worse"})
    assert response.status_code == 302
    assert OutcomeProgress.objects.filter(at_closure=False).count() == 2
    close = {"reason": "needs_met", "outcome_be_healthy": "achieved", "outcome_stay_safe": "some_progress"}
    response = client.post(reverse("caf:close", args=[a.pk]), {**close, "family_feedback_rating": "quite_helpful"})
    assert response.status_code == 302
    a.refresh_from_db()
    assert a.family_feedback_rating == "quite_helpful"
    reviews = client.get(reverse("caf:reviews", args=[a.pk])).content.decode()
    assert "At closure" in reviews and "Quite helpful" in reviews


def test_a_caf_can_record_the_specialist_service_that_stepped_the_child_down(django_capture_on_commit_callbacks):
    from ecm.consent.tests.factories import give_consent

    author = UserFactory()
    child = ChildFactory()
    consent = give_consent(author, child)
    a = services.assessment_start(actor=author, child=child, consent=consent, stepped_down_from="csc_initial")
    assert a.stepped_down_from == "csc_initial"
