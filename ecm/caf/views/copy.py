"""The family's copy: a printable page and a PDF, unless withholding it protects the child."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from ecm.caf.access import caf_user_required
from ecm.caf.copy import family_copy, family_copy_pdf
from ecm.caf.views.assessment import opened


@caf_user_required
def copy_page(request: HttpRequest, assessment_id: str) -> HttpResponse:
    assessment = opened(request, assessment_id, "family_copy")
    copy = None if assessment.family_copy_withheld else family_copy(assessment)
    return render(request, "caf/copy.html", {"assessment": assessment, "copy": copy})


@caf_user_required
def copy_pdf(request: HttpRequest, assessment_id: str) -> HttpResponse:
    assessment = opened(request, assessment_id, "family_copy_pdf")
    if assessment.family_copy_withheld:
        raise Http404("The family's copy is withheld")
    response = HttpResponse(family_copy_pdf(family_copy(assessment)), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{assessment.reference}.pdf"'
    return response
