"""Asking someone better placed to undertake a CAF, and answering such a request."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from ecm.caf import selectors, services
from ecm.caf.access import caf_user_required, checklist_for, request_for
from ecm.caf.choices import ChecklistDecision, RequestStatus
from ecm.caf.forms.start import CafRequestAnswerForm, CafRequestForm
from ecm.caf.views.start import posted


@caf_user_required
@require_http_methods(["GET", "POST"])
def request_new(request: HttpRequest, checklist_id: str) -> HttpResponse:
    checklist = checklist_for(actor=request.user, checklist_id=checklist_id)
    if checklist.decision != ChecklistDecision.ASK_OTHER:
        raise Http404("Not a request")
    form = CafRequestForm(posted(request), people=selectors.practitioner_choices(exclude=request.user))
    if request.method == "POST" and form.is_valid():
        recipient = selectors.user_by_id(form.cleaned_data["recipient"])
        try:
            services.caf_request_send(
                actor=request.user, checklist=checklist, recipient=recipient, note=form.cleaned_data["note"]
            )
        except services.CafError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Your request has been sent.")
            return redirect("caf:checklist", checklist_id=checklist.pk)
    return render(request, "caf/request_form.html", {"form": form, "checklist": checklist})


@caf_user_required
@require_http_methods(["GET", "POST"])
def request_detail(request: HttpRequest, request_id: str) -> HttpResponse:
    caf_request = request_for(actor=request.user, request_id=request_id)
    can_answer = caf_request.recipient_id == request.user.pk and caf_request.status == RequestStatus.ROUTED
    form = CafRequestAnswerForm(posted(request)) if can_answer else None
    if form is not None and request.method == "POST" and form.is_valid():
        services.caf_request_answer(
            actor=request.user,
            request=caf_request,
            accept=form.cleaned_data["accept"] == "yes",
            answer=form.cleaned_data["answer"],
        )
        messages.success(request, "Your answer has been sent.")
        return redirect("caf:home")
    return render(request, "caf/request_detail.html", {"caf_request": caf_request, "form": form})
