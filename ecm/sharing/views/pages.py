"""Sharing pages outside the question flow: home and queues, adviser reply, record, countersignature,
correction, the child's disclosure log, and the list of named advisers."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from ecm.accounts.choices import Role
from ecm.accounts.selectors import safeguarding_route_for
from ecm.core import clock
from ecm.sharing import questions, selectors
from ecm.sharing.access import (
    advice_for,
    adviser_admin_required,
    adviser_for_admin,
    child_for_sharing,
    decision_for,
    log_reader_required,
    may_correct,
    may_countersign,
    sharing_user_required,
)
from ecm.sharing.forms import AdviceForm, AdviserForm, CorrectionForm, CountersignForm, SharedForm
from ecm.sharing.services import (
    SharingError,
    advice_give,
    adviser_add,
    adviser_end,
    disclosure_share_record,
    draft_position,
    sharing_decision_correct,
    sharing_decision_countersign,
)
from ecm.sharing.views.flow import posted


@sharing_user_required
def home(request: HttpRequest) -> HttpResponse:
    """My decisions (in progress, waiting for advice, waiting for countersignature), and my queues."""
    user: Any = request.user
    context = {
        "drafts": selectors.drafts_of(user),
        "decisions": selectors.decisions_by(user),
        "advice": selectors.advice_waiting_for(user),
        "countersign": selectors.countersignatures_waiting_for(user),
        "overdue": selectors.reviews_overdue(user),
        "is_manager": user.has_role(Role.MANAGER),
    }
    return render(request, "sharing/home.html", context)


@sharing_user_required
def advice_queue(request: HttpRequest) -> HttpResponse:
    return render(request, "sharing/advice_queue.html", {"advice": selectors.advice_waiting_for(request.user)})


@sharing_user_required
def countersign_queue(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "sharing/countersign_queue.html",
        {
            "countersign": selectors.countersignatures_waiting_for(request.user),
            "overdue": selectors.reviews_overdue(request.user),
        },
    )


@sharing_user_required
@require_http_methods(["GET", "POST"])
def advice(request: HttpRequest, advice_id: str) -> HttpResponse:
    """The adviser's page: the question, its guidance, the answers so far and the practitioner's query."""
    asked = advice_for(actor=request.user, advice_id=advice_id)
    form = AdviceForm(posted(request))
    if request.method == "POST" and asked.answered_at is None and form.is_valid():
        try:
            advice_give(actor=request.user, request=asked, advice=form.cleaned_data["advice"])
        except SharingError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Your advice has been sent. The practitioner has been told.")
            return redirect("sharing:advice_queue")
    draft = asked.draft
    pos = draft_position(draft)
    answered = [{"question": questions.QUESTIONS_BY_NUMBER[n], "answer": draft.answers[str(n)]} for n in pos.path]
    context = {
        "asked": asked,
        "draft": draft,
        "question": questions.QUESTIONS_BY_NUMBER[asked.question],
        "answered": answered,
        "form": form,
    }
    return render(request, "sharing/advice.html", context)


@log_reader_required
def decision(request: HttpRequest, decision_id: str) -> HttpResponse:
    """The decision record: answers, advice, reasons, what, whom, how, consent, ground, countersignature."""
    found = decision_for(actor=request.user, decision_id=decision_id)
    shown = selectors.decision_open(actor=request.user, decision=found)
    draft = getattr(found, "draft", None) if hasattr(found, "draft") else None
    context = {
        **shown,
        "may_countersign": found.countersign_status == "pending"
        and not found.is_corrected
        and may_countersign(request.user, found),
        "may_correct": may_correct(request.user, found),
        "may_record_shared": found.outcome == "share"
        and found.method != "ecm"
        and found.in_force
        and request.user.pk == found.created_by_id,
        "safeguarding_route": safeguarding_route_for(request.user) if found.urgent else "",
        "return_url": draft.return_url if draft and request.user.pk == found.created_by_id else "",
        "source_label": found.source_label,
    }
    return render(request, "sharing/decision.html", context)


@sharing_user_required
@require_http_methods(["GET", "POST"])
def countersign(request: HttpRequest, decision_id: str) -> HttpResponse:
    found = decision_for(actor=request.user, decision_id=decision_id)
    if found.countersign_status != "pending" or not may_countersign(request.user, found):
        raise Http404("Nothing to countersign")
    form = CountersignForm(posted(request), urgent=found.urgent)
    if request.method == "POST" and form.is_valid():
        try:
            sharing_decision_countersign(
                actor=request.user,
                decision=found,
                agreed=form.cleaned_data["agreed"] == "yes",
                comment=form.cleaned_data["comment"],
            )
        except SharingError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Saved. The practitioner has been told.")
            return redirect("sharing:decision", decision_id=found.pk)
    shown = selectors.decision_open(actor=request.user, decision=found)
    return render(request, "sharing/countersign.html", {**shown, "form": form})


@sharing_user_required
@require_http_methods(["GET", "POST"])
def shared(request: HttpRequest, decision_id: str) -> HttpResponse:
    """The practitioner who decided records that they have shared: when, how, to whom, what."""
    found = decision_for(actor=request.user, decision_id=decision_id)
    if request.user.pk != found.created_by_id or found.outcome != "share" or found.method == "ecm":
        raise Http404("Nothing to record")
    now = timezone.localtime(clock.now())
    initial = {
        "shared_on": now.date(),
        "shared_at": now.strftime("%H:%M"),
        "method": found.method,
        "recipient_person": found.recipient_person,
        "description": found.what_shared,
    }
    form = SharedForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        when = timezone.make_aware(dt.datetime.combine(data["shared_on"], data["shared_at"]))
        try:
            disclosure_share_record(
                actor=request.user,
                decision=found,
                shared_at=when,
                method=data["method"],
                recipient_person=data["recipient_person"],
                description=data["description"],
            )
        except SharingError as exc:
            form.add_error("shared_on" if "future" in str(exc) else None, str(exc))
        else:
            messages.success(request, "The disclosure log now says what you shared, when, how and with whom.")
            return redirect("sharing:decision", decision_id=found.pk)
    return render(request, "sharing/shared.html", {"decision": found, "form": form})


def _initial(found: Any) -> dict[str, Any]:
    names = (
        "outcome",
        "reason",
        "what_shared",
        "recipient_person",
        "purpose",
        "method",
        "consent_status",
        "consent_reason",
        "ground",
        "duty_or_order",
        "not_told_reason",
    )
    initial = {name: getattr(found, name) for name in names}
    initial["family_told"] = "yes" if found.family_told else "no"
    return initial


@sharing_user_required
@require_http_methods(["GET", "POST"])
def correct(request: HttpRequest, decision_id: str) -> HttpResponse:
    """A correction is a new record that supersedes this one; this one stays, marked "corrected by"."""
    found = decision_for(actor=request.user, decision_id=decision_id)
    if not may_correct(request.user, found):
        raise Http404("Cannot correct")
    form = CorrectionForm(posted(request), initial=_initial(found))
    if request.method == "POST" and form.is_valid():
        changes = form.changes()
        if changes.get("consent_status") == "given":
            changes["consent"] = found.consent or selectors.covering_consent(found.child, found.organisation)
        try:
            new = sharing_decision_correct(
                actor=request.user,
                decision=found,
                correction_reason=form.cleaned_data["correction_reason"],
                **changes,
            )
        except SharingError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, "The correction is recorded as a new record. The old record stays, marked as corrected."
            )
            return redirect("sharing:decision", decision_id=new.pk)
    return render(request, "sharing/correct.html", {"decision": found, "form": form})


@log_reader_required
def disclosure_log(request: HttpRequest, child_id: str) -> HttpResponse:
    """Every disclosure of the child's information, and every decision, with the decision behind each."""
    child = child_for_sharing(actor=request.user, child_id=child_id)
    shown = selectors.disclosure_log_open(actor=request.user, child=child)
    user: Any = request.user
    context = {**shown, "child": child, "may_start": user.has_any_role(Role.PRACTITIONER, Role.MANAGER)}
    return render(request, "sharing/log.html", context)


@adviser_admin_required
@require_http_methods(["GET", "POST"])
def advisers(request: HttpRequest) -> HttpResponse:
    """Named information-sharing advisers: managers name them for their organisation or area."""
    user: Any = request.user
    form = AdviserForm(posted(request), people=selectors.people_for_adviser_choice(actor=user))
    if request.method == "POST" and form.is_valid():
        person = selectors.user_by_id(form.cleaned_data["user"])
        organisation = person.organisation if person else None
        try:
            if person is None or organisation is None:
                raise SharingError("Choose a person who belongs to an organisation.")
            if form.cleaned_data["covers"] == "area":
                if organisation.local_authority is None:
                    raise SharingError(f"{organisation.name} belongs to no local authority area.")
                adviser_add(actor=user, user=person, local_authority=organisation.local_authority)
            else:
                adviser_add(actor=user, user=person, organisation=organisation)
        except SharingError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Adviser added.")
            return redirect("sharing:advisers")
    return render(request, "sharing/advisers.html", {"form": form, "advisers": selectors.advisers_listed(actor=user)})


@adviser_admin_required
@require_POST
def adviser_remove(request: HttpRequest, adviser_id: str) -> HttpResponse:
    adviser = adviser_for_admin(actor=request.user, adviser_id=adviser_id)
    try:
        adviser_end(actor=request.user, adviser=adviser)
    except SharingError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "They are no longer a named adviser.")
    return redirect("sharing:advisers")
