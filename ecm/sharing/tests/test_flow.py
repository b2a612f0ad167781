"""The guided decision: every branch of the questions, "not sure" parks the decision until advice comes."""

from __future__ import annotations

import pytest

from ecm.accounts.tests.factories import OrganisationFactory, UserFactory
from ecm.audit.models import AuditEvent
from ecm.consent.tests.factories import give_consent
from ecm.index.tests.factories import ChildFactory
from ecm.notifications.models import Notification
from ecm.sharing.choices import DraftStatus, Ground, Outcome
from ecm.sharing.models import SharingAdviser
from ecm.sharing.services import (
    SharingError,
    advice_give,
    adviser_add,
    advisers_for,
    draft_answer,
    draft_details_set,
    draft_park,
    draft_position,
    draft_record,
    draft_start,
)
from ecm.sharing.tests.factories import practitioner_with_manager

pytestmark = pytest.mark.django_db

DETAILS = {
    "what_shared": "Attendance and the stay-safe concerns",
    "recipient_person": "Sam Patel, school nurse",
    "purpose": "Health check for headaches",
    "method": "secure_email",
    "consent_status": "refused",
    "consent_reason": "",
    "ground": Ground.REASONABLE_CAUSE,
    "duty_or_order": "Children Act 1989 section 47 enquiry",
    "family_told": True,
    "not_told_reason": "",
}


@pytest.fixture
def start():
    def _start(**kwargs):
        author, manager = practitioner_with_manager()
        child, org = ChildFactory(), OrganisationFactory(name="Riverside Health Centre")
        draft = draft_start(actor=author, child=child, organisation=org, information="index", **kwargs)
        return draft, author, manager

    return _start


def _walk(draft, author, answers: dict[int, str], *, reason: str = "Because"):
    for number, answer in answers.items():
        if number == 7:
            draft_details_set(actor=author, draft=draft, details=DETAILS)
        draft_answer(actor=author, draft=draft, question=number, answer=answer)
    return draft_record(actor=author, draft=draft, reason=reason)


@pytest.mark.parametrize(
    ("answers", "outcome", "ground", "countersign"),
    [
        ({1: "no"}, Outcome.NOT_SHARE, "", False),
        ({1: "yes", 2: "no", 7: "yes"}, Outcome.SHARE, Ground.NOT_IDENTIFYING, False),
        ({1: "yes", 2: "yes", 3: "no", 7: "yes"}, Outcome.SHARE, Ground.NON_CONFIDENTIAL, False),
        ({1: "yes", 2: "yes", 3: "yes", 4: "no", 5: "yes", 7: "yes"}, Outcome.SHARE, Ground.STATUTORY_DUTY, True),
        (
            {1: "yes", 2: "yes", 3: "yes", 4: "no", 5: "no", 6: "yes", 7: "yes"},
            Outcome.SHARE,
            Ground.REASONABLE_CAUSE,
            True,
        ),
        ({1: "yes", 2: "yes", 3: "yes", 4: "no", 5: "no", 6: "no"}, Outcome.NOT_SHARE, "", False),
        ({1: "yes", 2: "yes", 3: "no", 7: "no"}, Outcome.NOT_SHARE, "", False),
    ],
)
def test_each_branch_of_the_decision(start, answers, outcome, ground, countersign) -> None:
    draft, author, _ = start()
    decision = _walk(draft, author, answers)
    assert decision.outcome == outcome and decision.ground == ground
    assert decision.needs_countersignature is countersign
    assert list(decision.answers) == [str(n) for n in answers]
    assert decision.answers["1"]["question"].startswith("Is there a legitimate purpose")
    draft.refresh_from_db()
    assert draft.status == DraftStatus.RECORDED and draft.decision == decision
    if ground == Ground.STATUTORY_DUTY:
        assert decision.duty_or_order == "Children Act 1989 section 47 enquiry"


def test_consent_branch_needs_consent_in_the_register(start) -> None:
    draft, author, _ = start()
    for number in (1, 2, 3):
        draft_answer(actor=author, draft=draft, question=number, answer="yes")
    with pytest.raises(SharingError, match="no standing consent to share with Riverside Health Centre"):
        draft_answer(actor=author, draft=draft, question=4, answer="yes")
    consent = give_consent(author, draft.child, allowed_organisations=[draft.organisation])
    decision = _walk(draft, author, {4: "yes", 7: "yes"})
    assert decision.consent == consent and decision.consent_status == "given" and not decision.needs_countersignature


def test_changing_an_earlier_answer_drops_the_answers_off_the_path(start) -> None:
    draft, author, _ = start()
    for number, answer in ((1, "yes"), (2, "yes"), (3, "yes"), (4, "no")):
        draft_answer(actor=author, draft=draft, question=number, answer=answer)
    draft_answer(actor=author, draft=draft, question=3, answer="no")
    assert draft_position(draft).step == "details"
    decision = _walk(draft, author, {7: "yes"})
    assert list(decision.answers) == ["1", "2", "3", "7"] and decision.ground == Ground.NON_CONFIDENTIAL


def test_not_sure_parks_the_decision_until_the_adviser_replies(start, django_capture_on_commit_callbacks) -> None:
    draft, author, manager = start()
    draft_answer(actor=author, draft=draft, question=1, answer="yes")
    stranger = UserFactory()
    with pytest.raises(SharingError, match="manager or a named"):
        draft_park(actor=author, draft=draft, question=2, adviser=stranger, query="Is a first name enough?")
    with django_capture_on_commit_callbacks(execute=True):
        asked = draft_park(actor=author, draft=draft, question=2, adviser=manager, query="Is a first name enough?")
    draft.refresh_from_db()
    assert draft.status == DraftStatus.WAITING_FOR_ADVICE and draft.answers["2"] == "not_sure"
    assert Notification.objects.filter(recipient=manager, subject__contains="asks your advice").exists()
    assert Notification.objects.filter(recipient=author, subject__contains="Your question is with").exists()
    with pytest.raises(SharingError, match="not open for answers"):
        draft_answer(actor=author, draft=draft, question=2, answer="yes")
    with pytest.raises(SharingError, match="Only the adviser"):
        advice_give(actor=author, request=asked, advice="Yes")
    with django_capture_on_commit_callbacks(execute=True):
        advice_give(actor=manager, request=asked, advice="Yes: with the school, a first name identifies her.")
    draft.refresh_from_db()
    assert draft.status == DraftStatus.IN_PROGRESS and draft_position(draft).question == 2
    assert Notification.objects.filter(recipient=author, subject__contains="You have advice").exists()
    decision = _walk(draft, author, {2: "yes", 3: "no", 7: "yes"})
    assert decision.answers["2"]["advice"]["advice"].startswith("Yes: with the school")
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        "sharing.draft_started",
        "sharing.draft_parked",
        "sharing.advice_given",
        "sharing.draft_recorded",
    } <= actions


def test_named_advisers_for_an_organisation_or_area(start) -> None:
    draft, author, manager = start()
    adviser = UserFactory()
    area_adviser = UserFactory()
    adviser_add(actor=manager, user=adviser, organisation=author.organisation)
    adviser_add(actor=manager, user=area_adviser, local_authority=author.organisation.local_authority)
    assert [p.pk for p in advisers_for(author)] == [manager.pk, adviser.pk, area_adviser.pk]
    with pytest.raises(SharingError, match="already an adviser"):
        adviser_add(actor=manager, user=adviser, organisation=author.organisation)
    asked = draft_park(actor=author, draft=draft, question=1, adviser=adviser, query="Is this legitimate?")
    assert asked.adviser == adviser and SharingAdviser.objects.count() == 2


def test_the_record_needs_every_question_answered_and_reasons(start) -> None:
    draft, author, _ = start()
    draft_answer(actor=author, draft=draft, question=1, answer="yes")
    with pytest.raises(SharingError, match="Answer every question"):
        draft_record(actor=author, draft=draft, reason="Because")
    draft_answer(actor=author, draft=draft, question=1, answer="no")
    with pytest.raises(SharingError, match="reasons"):
        draft_record(actor=author, draft=draft, reason=" ")
