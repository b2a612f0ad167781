"""The guided decision in progress: answers, "not sure" sent to an adviser, the advice, the details, the record."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from ecm.accounts.access import actor_person
from ecm.accounts.models import LocalAuthority, Organisation
from ecm.audit.services import audit_record
from ecm.consent.models import ConsentRecord
from ecm.core import clock
from ecm.core.actors import Actor
from ecm.index.models import Child
from ecm.sharing import questions
from ecm.sharing.choices import Answer, ConsentStatus, DraftStatus, Ground, Information, Outcome
from ecm.sharing.models import AdviceRequest, DecisionDraft, SharingAdviser, SharingDecision
from ecm.sharing.services.common import notify, require
from ecm.sharing.services.decisions import sharing_decision_record

BASIS_GROUND = {
    questions.NOT_IDENTIFYING: Ground.NOT_IDENTIFYING,
    questions.NON_CONFIDENTIAL: Ground.NON_CONFIDENTIAL,
    questions.STATUTORY: Ground.STATUTORY_DUTY,
}


def draft_position(draft: DecisionDraft) -> questions.Position:
    return questions.position(draft.answers, details_done=bool(draft.details))


def advisers_for(user: Any) -> list[Any]:
    """Whom a practitioner may ask: their manager, and named advisers for their organisation or area."""
    people: list[Any] = []
    if user.manager_id and user.manager_id != user.pk:
        people.append(user.manager)
    organisation = user.organisation
    rows = SharingAdviser.objects.filter(ended_at__isnull=True).select_related("user")
    if organisation is not None:
        for row in rows:
            covers = row.organisation_id == organisation.pk or (
                row.local_authority_id is not None and row.local_authority_id == organisation.local_authority_id
            )
            if covers and row.user_id != user.pk and all(p.pk != row.user_id for p in people):
                people.append(row.user)
    return people


def _editable(draft: DecisionDraft) -> None:
    require(draft.status == DraftStatus.IN_PROGRESS, "This decision is not open for answers at the moment.")


def _save(actor: Actor, draft: DecisionDraft, action: str, data: dict[str, Any]) -> DecisionDraft:
    draft.stamp(actor)
    draft.save()
    audit_record(actor=actor, action=action, target=draft, data={"child_id": str(draft.child_id), **data})
    return draft


@transaction.atomic
def draft_start(
    *,
    actor: Actor,
    child: Child,
    organisation: Organisation,
    information: str,
    source_label: str = "",
    return_url: str = "",
) -> DecisionDraft:
    """Start a guided decision about sharing a child's information with an organisation."""
    actor = actor_person(actor)
    require(information in Information.values, "Choose which information you are thinking of sharing.")
    if not url_has_allowed_host_and_scheme(return_url, allowed_hosts=None) or not return_url.startswith("/"):
        return_url = ""
    draft = DecisionDraft(
        child=child,
        practitioner=actor,
        organisation=organisation,
        information=information,
        source_label=source_label.strip()[:100],
        return_url=return_url[:300],
    )
    draft.stamp(actor, creating=True)
    draft.save()
    audit_record(
        actor=actor,
        action="sharing.draft_started",
        target=draft,
        data={"child_id": str(child.pk), "organisation_id": str(organisation.pk), "information": information},
    )
    return draft


@transaction.atomic
def draft_answer(*, actor: Actor, draft: DecisionDraft, question: int, answer: str) -> DecisionDraft:
    """Answer one key question yes or no ("not sure" goes through :func:`draft_park`)."""
    _editable(draft)
    require(question in questions.QUESTIONS_BY_NUMBER, "There is no such question.")
    require(answer in (Answer.YES, Answer.NO), "Answer yes or no, or choose not sure to ask for advice.")
    if question == 4 and answer == Answer.YES:
        require(
            _covering_consent(draft) is not None,
            f"The consent register has no standing consent to share with {draft.organisation.name}. "
            "Record the family's consent first, or answer no.",
        )
    draft.answers = {**draft.answers, str(question): answer}
    return _save(actor, draft, "sharing.draft_answered", {"question": question, "answer": answer})


def _covering_consent(draft: DecisionDraft) -> ConsentRecord | None:
    from ecm.sharing.selectors import covering_consent

    return covering_consent(draft.child, draft.organisation)


@transaction.atomic
def draft_park(*, actor: Actor, draft: DecisionDraft, question: int, adviser: Any, query: str) -> AdviceRequest:
    """ "Not sure": the question goes to an adviser and the decision waits. Both sides are told."""
    _editable(draft)
    require(question in questions.QUESTIONS_BY_NUMBER, "There is no such question.")
    require(
        adviser is not None and any(p.pk == adviser.pk for p in advisers_for(draft.practitioner)),
        "Choose your manager or a named information-sharing adviser.",
    )
    require(bool(query.strip()), "Say what you are not sure about.")
    request = AdviceRequest(draft=draft, question=question, adviser=adviser, query=query.strip())
    request.stamp(actor, creating=True)
    request.save()
    draft.answers = {**draft.answers, str(question): Answer.NOT_SURE}
    draft.status = DraftStatus.WAITING_FOR_ADVICE
    _save(actor, draft, "sharing.draft_parked", {"question": question, "adviser": adviser.pk})
    notify(
        actor=actor,
        recipients=[adviser],
        subject="A practitioner asks your advice on sharing information",
        body=f"Question {question}: {questions.QUESTIONS_BY_NUMBER[question].text}",
        link=reverse("sharing:advice", args=[request.pk]),
    )
    notify(
        actor=actor,
        recipients=[draft.practitioner],
        subject=f"Your question is with {adviser.get_full_name() or adviser.username}",
        body="The decision waits until they reply. You will be told when they do.",
        link=reverse("sharing:draft", args=[draft.pk]),
    )
    return request


@transaction.atomic
def advice_give(*, actor: Actor, request: AdviceRequest, advice: str) -> AdviceRequest:
    """The adviser replies; the practitioner is told and goes on answering."""
    require(request.adviser_id == getattr(actor, "pk", None), "Only the adviser asked can reply.")
    require(request.answered_at is None, "You have already replied.")
    require(bool(advice.strip()), "Enter your advice.")
    request.advice = advice.strip()
    request.answered_at = clock.now()
    request.stamp(actor)
    request.save()
    draft = request.draft
    if draft.status == DraftStatus.WAITING_FOR_ADVICE:
        draft.status = DraftStatus.IN_PROGRESS
    _save(actor, draft, "sharing.advice_given", {"question": request.question, "advice_id": str(request.pk)})
    notify(
        actor=actor,
        recipients=[draft.practitioner],
        subject="You have advice on your information sharing decision",
        body=f"Question {request.question}: {request.advice}",
        link=reverse("sharing:question", args=[draft.pk, request.question]),
    )
    return request


@transaction.atomic
def draft_details_set(*, actor: Actor, draft: DecisionDraft, details: dict[str, Any]) -> DecisionDraft:
    """What is shared, with whom, why, how, consent status, ground, and whether the family was told."""
    _editable(draft)
    basis = draft_position(draft).basis
    require(bool(basis), "Answer the questions first.")
    require(bool(str(details.get("what_shared", "")).strip()), "Enter what you will share.")
    require(bool(str(details.get("purpose", "")).strip()), "Enter the purpose of sharing.")
    require(bool(details.get("method")), "Choose how you will share it.")
    draft.details = {k: v for k, v in details.items() if k != "consent"}
    return _save(actor, draft, "sharing.draft_details_set", {"basis": basis})


def _decision_values(draft: DecisionDraft, position: questions.Position) -> dict[str, Any]:
    """Turn the path and the details into what :func:`sharing_decision_record` takes."""
    if position.outcome != Outcome.SHARE:
        return {"outcome": Outcome.NOT_SHARE}
    details = dict(draft.details)
    values: dict[str, Any] = {
        "outcome": Outcome.SHARE,
        "what_shared": details.get("what_shared", ""),
        "recipient_person": details.get("recipient_person", ""),
        "purpose": details.get("purpose", ""),
        "method": details.get("method", ""),
        "family_told": bool(details.get("family_told")),
        "not_told_reason": details.get("not_told_reason", ""),
        "confidential": position.basis not in (questions.NOT_IDENTIFYING, questions.NON_CONFIDENTIAL),
    }
    if position.basis == questions.CONSENT:
        values.update(consent_status=ConsentStatus.GIVEN, consent=_covering_consent(draft))
        return values
    values.update(
        consent_status=details.get("consent_status", ""),
        consent_reason=details.get("consent_reason", ""),
        ground=BASIS_GROUND.get(position.basis, details.get("ground", "")),
        duty_or_order=details.get("duty_or_order", "") if position.basis == questions.STATUTORY else "",
    )
    return values


@transaction.atomic
def draft_record(*, actor: Actor, draft: DecisionDraft, reason: str) -> SharingDecision:
    """Question 8: record the decision, with the answers on the path, the advice taken and the reasons."""
    _editable(draft)
    position = draft_position(draft)
    require(position.step == "record", "Answer every question before you record the decision.")
    advice = {
        str(a.question): {
            "adviser": a.adviser.get_full_name() or a.adviser.username,
            "query": a.query,
            "advice": a.advice,
        }
        for a in draft.advice.select_related("adviser")
        if a.answered_at
    }
    answers = {
        str(n): {"question": questions.QUESTIONS_BY_NUMBER[n].text, "answer": draft.answers[str(n)]}
        for n in position.path
    }
    for number, given in advice.items():
        if number in answers:
            answers[number]["advice"] = given
    decision = sharing_decision_record(
        actor=actor,
        child=draft.child,
        organisation=draft.organisation,
        reason=reason,
        information=draft.information,
        answers=answers,
        source_label=draft.source_label,
        **_decision_values(draft, position),
    )
    draft.decision = decision
    draft.status = DraftStatus.RECORDED
    _save(actor, draft, "sharing.draft_recorded", {"decision_id": str(decision.pk)})
    return decision


@transaction.atomic
def draft_abandon(*, actor: Actor, draft: DecisionDraft) -> DecisionDraft:
    """Stop a decision before it is recorded (nothing was decided)."""
    require(draft.status in (DraftStatus.IN_PROGRESS, DraftStatus.WAITING_FOR_ADVICE), "This decision is closed.")
    draft.status = DraftStatus.ABANDONED
    return _save(actor, draft, "sharing.draft_abandoned", {})


@transaction.atomic
def adviser_add(
    *,
    actor: Actor,
    user: Any,
    organisation: Organisation | None = None,
    local_authority: LocalAuthority | None = None,
) -> SharingAdviser:
    """Name an information-sharing adviser for an organisation or a whole area."""
    require((organisation is None) != (local_authority is None), "Choose an organisation or an area, not both.")
    require(
        not SharingAdviser.objects.filter(
            user=user, organisation=organisation, local_authority=local_authority, ended_at__isnull=True
        ).exists(),
        "They are already an adviser there.",
    )
    adviser = SharingAdviser(user=user, organisation=organisation, local_authority=local_authority)
    adviser.stamp(actor, creating=True)
    adviser.save()
    audit_record(actor=actor, action="sharing.adviser_added", target=adviser, data={"user": user.pk})
    return adviser


@transaction.atomic
def adviser_end(*, actor: Actor, adviser: SharingAdviser) -> SharingAdviser:
    """Stop someone being a named adviser (the row stays, for the history)."""
    require(adviser.ended_at is None, "They are no longer an adviser.")
    adviser.ended_at = clock.now()
    adviser.stamp(actor)
    adviser.save()
    audit_record(actor=actor, action="sharing.adviser_ended", target=adviser, data={"user": adviser.user_id})
    return adviser
