"""The family's copy: a page, an easy-read page and PDFs (standard, large print, easy read), in the family's
language where the council has added it, unless withholding the copy protects the child."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation

from ecm.caf.access import caf_user_required
from ecm.caf.copy import SIZES, family_copy, family_copy_pdf
from ecm.caf.views.assessment import opened


def _language(request: HttpRequest) -> str:
    """The language asked for (``?lang=cy``) when the service offers it, else the service's own."""
    asked = request.GET.get("lang", "")
    offered = {code for code, _name in settings.LANGUAGES}
    return asked if asked in offered else settings.LANGUAGE_CODE


@caf_user_required
def copy_page(request: HttpRequest, assessment_id: str) -> HttpResponse:
    assessment = opened(request, assessment_id, "family_copy")
    easy = request.GET.get("format") == "easy"
    language = _language(request)
    with translation.override(language):
        copy = None if assessment.family_copy_withheld else family_copy(assessment)
        return render(
            request,
            "caf/copy_easy.html" if easy and copy else "caf/copy.html",
            {"assessment": assessment, "copy": copy, "copy_language": language},
        )


@caf_user_required
def copy_pdf(request: HttpRequest, assessment_id: str) -> HttpResponse:
    assessment = opened(request, assessment_id, "family_copy_pdf")
    if assessment.family_copy_withheld:
        raise Http404("The family's copy is withheld")
    version = request.GET.get("version", "standard")
    if version not in SIZES:
        raise Http404("No such version")
    with translation.override(_language(request)):
        content = family_copy_pdf(family_copy(assessment), version=version)
    response = HttpResponse(content, content_type="application/pdf")
    suffix = "" if version == "standard" else f"-{version}"
    response["Content-Disposition"] = f'inline; filename="{assessment.reference}{suffix}.pdf"'
    return response
