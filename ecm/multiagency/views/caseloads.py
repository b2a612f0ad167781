"""Caseloads: a manager sees each of their practitioners' cases and reallocates a CAF's lead professional."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from ecm.multiagency import selectors, services
from ecm.multiagency.access import manager_required, practitioner_for_manager, reallocatable_case_for
from ecm.multiagency.forms import ReallocateForm
from ecm.multiagency.views.common import form_page, posted


@manager_required
def caseloads(request: HttpRequest) -> HttpResponse:
    staff = selectors.staff_of(request.user)
    loads = selectors.caseloads_viewed(actor=request.user, people=staff, page="caseloads")
    return render(request, "multiagency/caseloads.html", {"caseloads": loads})


@manager_required
def caseload(request: HttpRequest, user_id: str) -> HttpResponse:
    practitioner = practitioner_for_manager(actor=request.user, user_id=user_id)
    load = selectors.caseloads_viewed(actor=request.user, people=[practitioner], page="caseload")[0]
    context = {"load": load, "practitioner": practitioner}
    return render(request, "multiagency/caseload.html", context)


@manager_required
@require_http_methods(["GET", "POST"])
def reallocate(request: HttpRequest, user_id: str, assessment_id: str) -> HttpResponse:
    practitioner = practitioner_for_manager(actor=request.user, user_id=user_id)
    assessment = reallocatable_case_for(practitioner=practitioner, assessment_id=assessment_id)
    people = selectors.reallocation_choices(manager=request.user, assessment=assessment, practitioner=practitioner)
    form = ReallocateForm(posted(request), people=people)

    def act(data: dict[str, Any]) -> Any:
        return services.case_reallocate(
            actor=request.user,
            assessment=assessment,
            practitioner=practitioner,
            new_lead=selectors.user_by_id(data["new_lead"]),
            reason=data["reason"],
            handover_note=data["handover_note"],
        )

    return form_page(
        request,
        form,
        act,
        title=f"Reallocate CAF {assessment.reference}",
        caption=str(practitioner),
        intro="The new lead professional is asked to accept, with your handover note, as at a TAC handover. "
        "The current lead stays until they accept; the team is then told.",
        done="The new lead professional has been asked to accept the case.",
        back=reverse("multiagency:caseload", args=[practitioner.pk]),
    )
