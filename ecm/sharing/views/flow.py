"""The guided decision, one question per page: start, the questions, "not sure", details, record."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from ecm.sharing import questions, selectors
from ecm.sharing.access import child_for_sharing, draft_for, sharing_user_required
from ecm.sharing.choices import Answer, ConsentStatus, DraftStatus, Ground, Method, Outcome
from ecm.sharing.forms import AnswerForm, AskAdviceForm, DetailsForm, RecordForm, StartForm
from ecm.sharing.models import DecisionDraft
from ecm.sharing.services import (
    SharingError,
    advisers_for,
    draft_abandon,
    draft_answer,
    draft_details_set,
    draft_park,
    draft_position,
    draft_record,
    draft_start,
)
from ecm.sharing.services.decisions import URGENT_GROUNDS


def posted(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


def _back(draft: DecisionDraft, current: str) -> str:
    previous = questions.previous_step(draft.answers, details_done=bool(draft.details), current=current)
    if not previous:
        return reverse("sharing:home")
    if previous == "details":
        return reverse("sharing:details", args=[draft.pk])
    return reverse("sharing:question", args=[draft.pk, int(previous[1:])])


def _context(draft: DecisionDraft, current: str, **extra: Any) -> dict[str, Any]:
    return {"draft": draft, "back_url": _back(draft, current), **extra}


@sharing_user_required
@require_http_methods(["GET", "POST"])
def start(request: HttpRequest, child_id: str) -> HttpResponse:
    """Start a decision from a child: which organisation, which information. A CAF passes both in the query."""
    child = child_for_sharing(actor=request.user, child_id=child_id)
    user: Any = request.user
    initial = {"organisation": request.GET.get("organisation", ""), "information": request.GET.get("information", "")}
    form = StartForm(
        posted(request), organisations=selectors.organisation_choices(exclude=user.organisation_id), initial=initial
    )
    if request.method == "POST" and form.is_valid():
        organisation = selectors.organisation_by_id(form.cleaned_data["organisation"])
        if organisation is None:
            raise Http404("No such organisation")
        draft = draft_start(
            actor=user,
            child=child,
            organisation=organisation,
            information=form.cleaned_data["information"],
            source_label=request.POST.get("source", ""),
            return_url=request.POST.get("next", ""),
        )
        return redirect("sharing:draft", draft_id=draft.pk)
    context = {
        "child": child,
        "form": form,
        "source": request.GET.get("source", request.POST.get("source", "")),
        "next": request.GET.get("next", request.POST.get("next", "")),
        "questions": questions.QUESTIONS,
    }
    return render(request, "sharing/start.html", context)


@sharing_user_required
def draft(request: HttpRequest, draft_id: str) -> HttpResponse:
    """Go to where the decision stands: the next question, the details, the record, or the wait for advice."""
    draft = draft_for(actor=request.user, draft_id=draft_id)
    if draft.status == DraftStatus.RECORDED and draft.decision_id:
        return redirect("sharing:decision", decision_id=draft.decision_id)
    if draft.status == DraftStatus.WAITING_FOR_ADVICE:
        waiting = [a for a in draft.advice.select_related("adviser") if a.answered_at is None]
        return render(request, "sharing/waiting.html", {"draft": draft, "waiting": waiting})
    if draft.status == DraftStatus.ABANDONED:
        raise Http404("This decision was abandoned")
    pos = draft_position(draft)
    if pos.step == "details":
        return redirect("sharing:details", draft_id=draft.pk)
    if pos.step == "record":
        return redirect("sharing:record", draft_id=draft.pk)
    return redirect("sharing:question", draft_id=draft.pk, number=pos.question)


def _open_draft(request: HttpRequest, draft_id: str) -> DecisionDraft:
    draft = draft_for(actor=request.user, draft_id=draft_id)
    if draft.status != DraftStatus.IN_PROGRESS:
        raise Http404("Not open for answers")
    return draft


def _reachable(draft: DecisionDraft, number: int) -> bool:
    pos = draft_position(draft)
    return number in pos.path or number == pos.question


@sharing_user_required
@require_http_methods(["GET", "POST"])
def question(request: HttpRequest, draft_id: str, number: int) -> HttpResponse:
    """One key question with its guidance beside it, and any advice given on it."""
    draft = draft_for(actor=request.user, draft_id=draft_id)
    if draft.status != DraftStatus.IN_PROGRESS or number not in questions.QUESTIONS_BY_NUMBER:
        return redirect("sharing:draft", draft_id=draft.pk)
    if not _reachable(draft, number):
        return redirect("sharing:draft", draft_id=draft.pk)
    spec = questions.QUESTIONS_BY_NUMBER[number]
    current = draft.answer(number)
    form = AnswerForm(posted(request), question=spec, initial={"answer": current if current != Answer.NOT_SURE else ""})
    if request.method == "POST" and form.is_valid():
        answer = form.cleaned_data["answer"]
        if answer == Answer.NOT_SURE:
            return redirect("sharing:ask", draft_id=draft.pk, number=number)
        try:
            draft_answer(actor=request.user, draft=draft, question=number, answer=answer)
        except SharingError as exc:
            form.add_error("answer", str(exc))
        else:
            return redirect("sharing:draft", draft_id=draft.pk)
    context = _context(
        draft,
        f"q{number}",
        form=form,
        question=spec,
        advice=[a for a in draft.advice.select_related("adviser") if a.question == number and a.answered_at],
        consent=selectors.covering_consent(draft.child, draft.organisation) if number == 4 else None,
        not_sure_guidance=questions.NOT_SURE_GUIDANCE,
    )
    return render(request, "sharing/question.html", context)


@sharing_user_required
@require_http_methods(["GET", "POST"])
def ask(request: HttpRequest, draft_id: str, number: int) -> HttpResponse:
    """ "Not sure": send the question to the manager or a named adviser; the decision waits."""
    draft = _open_draft(request, draft_id)
    if number not in questions.QUESTIONS_BY_NUMBER or not _reachable(draft, number):
        return redirect("sharing:draft", draft_id=draft.pk)
    people = advisers_for(request.user)
    user: Any = request.user
    choices = [
        (str(p.pk), f"{p.get_full_name() or p.username}{' (your manager)' if p.pk == user.manager_id else ''}")
        for p in people
    ]
    form = AskAdviceForm(posted(request), advisers=choices)
    if request.method == "POST" and form.is_valid():
        adviser = next((p for p in people if str(p.pk) == form.cleaned_data["adviser"]), None)
        try:
            draft_park(
                actor=request.user, draft=draft, question=number, adviser=adviser, query=form.cleaned_data["query"]
            )
        except SharingError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Your question has been sent. The decision waits for the advice.")
            return redirect("sharing:draft", draft_id=draft.pk)
    context = {
        "draft": draft,
        "form": form,
        "question": questions.QUESTIONS_BY_NUMBER[number],
        "has_advisers": bool(people),
        "not_sure_guidance": questions.NOT_SURE_GUIDANCE,
        "back_url": reverse("sharing:question", args=[draft.pk, number]),
    }
    return render(request, "sharing/ask.html", context)


@sharing_user_required
@require_http_methods(["GET", "POST"])
def details(request: HttpRequest, draft_id: str) -> HttpResponse:
    """What is shared, with whom, why and how; consent status and ground when without consent."""
    draft = _open_draft(request, draft_id)
    pos = draft_position(draft)
    if not pos.basis:
        return redirect("sharing:draft", draft_id=draft.pk)
    initial = dict(draft.details)
    if "family_told" in initial:
        initial["family_told"] = "yes" if initial["family_told"] else "no"
    if draft.information == "caf" and "method" not in initial:
        initial["method"] = Method.ECM
    form = DetailsForm(posted(request), basis=pos.basis, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            draft_details_set(actor=request.user, draft=draft, details=form.details())
        except SharingError as exc:
            form.add_error(None, str(exc))
        else:
            return redirect("sharing:draft", draft_id=draft.pk)
    return render(request, "sharing/details.html", _context(draft, "details", form=form, basis=pos.basis))


def _summary(draft: DecisionDraft, pos: questions.Position) -> list[dict[str, Any]]:
    rows = []
    for number in pos.path:
        rows.append(
            {
                "question": questions.QUESTIONS_BY_NUMBER[number],
                "answer": Answer(draft.answers[str(number)]).label,
                "href": reverse("sharing:question", args=[draft.pk, number]),
            }
        )
    return rows


def _details_rows(details: dict[str, Any], basis: str) -> list[tuple[str, str]]:
    """The details of the share in words, for the check-your-answers page."""
    rows = [
        ("What is shared", details.get("what_shared", "")),
        ("Who receives it", details.get("recipient_person", "") or "Not named"),
        ("Purpose", details.get("purpose", "")),
        ("How", Method(details["method"]).label if details.get("method") in Method.values else ""),
    ]
    if basis == questions.CONSENT:
        rows.append(("Consent", "Given (in the consent register)"))
    elif details.get("consent_status") in ConsentStatus.values:
        status = str(ConsentStatus(details["consent_status"]).label)
        reason = details.get("consent_reason", "")
        rows.append(("Consent", f"{status}: {reason}" if reason else status))
    if details.get("ground") in Ground.values and basis == questions.PUBLIC_INTEREST:
        rows.append(("Public-interest ground", str(Ground(details["ground"]).label)))
    if basis == questions.STATUTORY:
        rows.append(("Statutory duty or court order", details.get("duty_or_order", "")))
    told = details.get("family_told")
    rows.append(("Family told beforehand", "Yes" if told else f"No: {details.get('not_told_reason', '')}"))
    return rows


@sharing_user_required
@require_http_methods(["GET", "POST"])
def record(request: HttpRequest, draft_id: str) -> HttpResponse:
    """Check the answers, give the reasons, and record the decision (question 8)."""
    draft = _open_draft(request, draft_id)
    pos = draft_position(draft)
    if pos.step != "record":
        return redirect("sharing:draft", draft_id=draft.pk)
    form = RecordForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            decision = draft_record(actor=request.user, draft=draft, reason=form.cleaned_data["reason"])
        except SharingError as exc:
            form.add_error(None, str(exc))
        else:
            if decision.urgent:
                messages.success(
                    request,
                    "Your decision is recorded. Share now: your manager reviews it afterwards. "
                    "Then record when and how you shared it.",
                )
            elif decision.needs_countersignature:
                messages.success(request, "Your decision is recorded. It waits for a manager's countersignature.")
            else:
                messages.success(request, "Your decision and its reasons are recorded.")
            return redirect("sharing:decision", decision_id=decision.pk)
    needs_countersignature = pos.outcome == Outcome.SHARE and pos.basis in questions.WITHOUT_CONSENT_CONFIDENTIAL
    urgent = (
        needs_countersignature
        and pos.basis == questions.PUBLIC_INTEREST
        and draft.details.get("ground") in URGENT_GROUNDS
    )
    context = _context(
        draft,
        "record",
        form=form,
        outcome=Outcome(pos.outcome).label,
        share=pos.outcome == Outcome.SHARE,
        rows=_summary(draft, pos),
        details=_details_rows(draft.details, pos.basis) if pos.outcome == Outcome.SHARE else [],
        needs_countersignature=needs_countersignature and not urgent,
        urgent=urgent,
        record_guidance=questions.RECORD_GUIDANCE,
    )
    return render(request, "sharing/record.html", context)


@sharing_user_required
@require_POST
def abandon(request: HttpRequest, draft_id: str) -> HttpResponse:
    draft = draft_for(actor=request.user, draft_id=draft_id)
    try:
        draft_abandon(actor=request.user, draft=draft)
    except SharingError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "The decision has been abandoned. Nothing was recorded.")
    return redirect("sharing:home")
