"""Checklist, starting (with the index), withheld elements, versions and their diff, completion."""

from __future__ import annotations

import pytest

from ecm.accounts.tests.factories import UserFactory
from ecm.audit.models import AuditEvent
from ecm.caf import services
from ecm.caf.choices import Answer, CafStatus, ChecklistDecision
from ecm.caf.framework import CHECKLIST_QUESTIONS, ELEMENTS
from ecm.caf.models import AssessmentVersion
from ecm.caf.selectors import existing_cafs, version_diff
from ecm.caf.services import CafError
from ecm.caf.tests.factories import FULL_SECTIONS, complete_caf, start_caf
from ecm.consent.services import consent_withdraw
from ecm.consent.tests.factories import give_consent
from ecm.index.choices import CafStatus as IndexCafStatus
from ecm.index.models import Involvement
from ecm.index.tests.factories import ChildFactory, involvement

pytestmark = pytest.mark.django_db


def test_the_form_has_the_19_elements_in_three_domains() -> None:
    assert len(ELEMENTS) == 19
    assert [sum(1 for e in ELEMENTS if e.domain == d) for d in ("development", "parents", "family")] == [12, 3, 4]


def test_checklist_is_saved_before_the_child_is_identified_and_linked_later() -> None:
    author = UserFactory()
    answers = {code: Answer.NOT_SURE for _, code, _ in CHECKLIST_QUESTIONS}
    checklist = services.checklist_save(
        actor=author, answers=answers, decision=ChecklistDecision.FULL_CAF, working_name="J at Year 5"
    )
    assert checklist.child is None
    child = ChildFactory()
    services.checklist_link_child(actor=author, checklist=checklist, child=child)
    assert checklist.child == child
    with pytest.raises(CafError, match="every question"):
        services.checklist_save(actor=author, answers={}, decision=ChecklistDecision.OWN_SERVICE)
    with pytest.raises(CafError, match="own checklist"):
        services.checklist_link_child(actor=UserFactory(), checklist=checklist, child=child)


def test_starting_sets_has_undertaken_a_caf_adding_the_involvement_when_missing() -> None:
    author, child = UserFactory(), ChildFactory()
    assessment = start_caf(author, child)
    mine = Involvement.objects.get(child=child, practitioner=author)
    assert mine.has_undertaken_caf and mine.caf_status == IndexCafStatus.OPEN
    assert mine.caf_started_on == assessment.started_on
    assert assessment.version == 1 and assessment.reference.startswith("CAF-")
    assert AuditEvent.objects.filter(action="caf.started", data__child_id=str(child.pk)).exists()


def test_starting_uses_the_existing_involvement() -> None:
    author, child = UserFactory(), ChildFactory()
    existing = involvement(child, author)
    start_caf(author, child)
    existing.refresh_from_db()
    assert existing.has_undertaken_caf
    assert Involvement.objects.filter(child=child, practitioner=author).count() == 1


def test_a_second_caf_is_refused_and_a_paper_caf_must_be_acknowledged() -> None:
    child = ChildFactory()
    first = UserFactory()
    start_caf(first, child)
    shown = existing_cafs(child, UserFactory())
    assert len(shown) == 1 and shown[0].is_ecaf and shown[0].holder == first.get_full_name()
    second = UserFactory()
    with pytest.raises(CafError, match="contact its holder"):
        start_caf(second, child)

    other_child, paper_holder = ChildFactory(), UserFactory()
    paper = involvement(other_child, paper_holder)
    from ecm.index.services import involvement_set_flags

    involvement_set_flags(actor=paper_holder, involvement=paper, has_undertaken_caf=True)
    consent = give_consent(second, other_child)
    with pytest.raises(CafError, match="Confirm you have contacted"):
        services.assessment_start(actor=second, child=other_child, consent=consent)
    started = services.assessment_start(actor=second, child=other_child, consent=consent, existing_acknowledged=True)
    assert started.status == CafStatus.DRAFT


def test_no_caf_without_standing_consent() -> None:
    author, child = UserFactory(), ChildFactory()
    consent = give_consent(author, child)
    consent_withdraw(actor=author, consent=consent, reason="Changed mind")
    with pytest.raises(CafError, match="consent"):
        services.assessment_start(actor=author, child=child, consent=consent)


def test_withheld_elements_never_reach_the_form() -> None:
    author, child = UserFactory(), ChildFactory()
    assessment = start_caf(author, child, withheld_elements=["wider_family"])
    with pytest.raises(CafError, match="does not want"):
        services.assessment_save_section(
            actor=author, assessment=assessment, values={"wider_family__needs": "Grandfather's history"}
        )
    assert not any("wider_family" in k for v in AssessmentVersion.objects.all() for k in v.data)


def test_every_save_is_a_new_immutable_version_with_a_readable_diff() -> None:
    author, child = UserFactory(), ChildFactory()
    assessment = start_caf(author, child)
    v2 = services.assessment_save_section(actor=author, assessment=assessment, values={"reason": "Low attendance"})
    assert (
        services.assessment_save_section(actor=author, assessment=assessment, values={"reason": "Low attendance"})
        is None
    )
    v3 = services.assessment_save_section(
        actor=author, assessment=assessment, values={"reason": "Low attendance and mood"}
    )
    assert v2 is not None and v3 is not None
    assert (v2.number, v3.number, assessment.version) == (2, 3, 3)
    v2.refresh_from_db()
    assert v2.data["reason"] == "Low attendance"
    (change,) = version_diff(v2, v3)
    assert change.label == "Reason for the assessment"
    assert ("added", "and mood") in change.words and ("same", "Low attendance") in change.words


def test_completing_needs_the_required_parts_and_confirmed_consent() -> None:
    author, child = UserFactory(), ChildFactory()
    assessment = start_caf(author, child)
    problems = services.completion_problems(assessment)
    assert set(problems) == {"reason", "present", "conclusions", "elements"}
    with pytest.raises(CafError):
        services.assessment_complete(actor=author, assessment=assessment, consent_confirmed=True)
    services.assessment_save_section(actor=author, assessment=assessment, values=FULL_SECTIONS)
    with pytest.raises(CafError, match="Confirm"):
        services.assessment_complete(actor=author, assessment=assessment, consent_confirmed=False)
    services.assessment_complete(actor=author, assessment=assessment, consent_confirmed=True)
    assert assessment.status == CafStatus.COMPLETED and assessment.version == 3


def test_complete_caf_schedules_the_first_review_after_six_weeks() -> None:
    import datetime as dt

    assessment = complete_caf(UserFactory(), ChildFactory())
    assert assessment.next_review_on == assessment.completed_on + dt.timedelta(weeks=6)


def test_safeguarding_escalation_is_recorded() -> None:
    author = UserFactory()
    assessment = start_caf(author, ChildFactory())
    services.safeguarding_escalate(actor=author, assessment=assessment, from_page="/caf/x/")
    assert AuditEvent.objects.filter(action="caf.safeguarding_escalated", actor_id=str(author.pk)).exists()
