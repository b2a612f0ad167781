"""The assessment: summary, section pages (drafts), completion, versions and diffs, withdrawal, the family's copy."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods

from ecm.caf import selectors, services
from ecm.caf.access import assessment_for, caf_user_required, can_edit
from ecm.caf.choices import CafStatus
from ecm.caf.forms.assessment import CompleteForm, FamilyCopyForm, SectionForm, ShareForm, WithdrawForm
from ecm.caf.framework import FIELD_LABELS, SECTIONS, SECTIONS_BY_SLUG, section_fields
from ecm.caf.identity import prefill
from ecm.caf.models import Assessment
from ecm.caf.views.start import posted
from ecm.sharing.choices import DisclosureMode, Information, Method
from ecm.sharing.selectors import share_basis
from ecm.sharing.services import disclosure_record


def opened(request: HttpRequest, assessment_id: str, page: str, *, edit: bool = False) -> Assessment:
    """Fetch the CAF through access (404 if not allowed) and audit that it was seen."""
    assessment = assessment_for(actor=request.user, assessment_id=assessment_id, edit=edit)
    selectors.assessment_open(actor=request.user, assessment=assessment, page=page)
    return assessment


def section_rows(assessment: Assessment, data: dict[str, str]) -> list[dict[str, Any]]:
    withheld = set(assessment.consent.withheld_elements)
    rows = []
    for section in SECTIONS:
        fields = section_fields(section, withheld)
        filled = [(label, data[key]) for key, label in fields if data.get(key)]
        rows.append({"section": section, "filled": filled, "count": len(filled)})
    return rows


@caf_user_required
def detail(request: HttpRequest, assessment_id: str) -> HttpResponse:
    assessment = opened(request, assessment_id, "summary")
    data = services.latest_data(assessment)
    context = {
        "assessment": assessment,
        "sections": section_rows(assessment, data),
        "can_edit": can_edit(request.user, assessment),
        "lead": services.current_lead(assessment),
        "members": selectors.current_members(assessment),
        "transfer": selectors.pending_transfer(assessment, request.user),
        "sharing": selectors.sharing_of(assessment),
        "specialist": selectors.specialist_referrals_of(assessment),
    }
    return render(request, "caf/detail.html", context)


@caf_user_required
@require_http_methods(["GET", "POST"])
def section(request: HttpRequest, assessment_id: str, slug: str) -> HttpResponse:
    """One section; "Save draft" stays here, "Save and continue" goes on. Scripts post the same form to autosave."""
    spec = SECTIONS_BY_SLUG.get(slug)
    if spec is None:
        raise Http404("No such section")
    assessment = opened(request, assessment_id, f"section:{slug}", edit=True)
    if not assessment.is_open:
        raise Http404("Closed")
    withheld = set(assessment.consent.withheld_elements)
    data = services.latest_data(assessment)
    offered = {key: value for key, value in prefill(assessment).items() if not data.get(key)}
    form = SectionForm(posted(request), section=spec, withheld=withheld, initial={**data, **offered})
    if request.method == "POST" and form.is_valid():
        autosave = request.headers.get("X-Autosave") == "1"
        base = request.POST.get("base_version", "")
        version = services.assessment_save_section(
            actor=request.user,
            assessment=assessment,
            values=form.values(),
            autosave_of_version=(int(base) if base.isdigit() else -1) if autosave else None,
        )
        number = version.number if version else assessment.version
        if autosave:
            return JsonResponse({"saved": version is not None, "version": number})
        if "continue" in request.POST:
            index = [s.slug for s in SECTIONS].index(slug)
            if index + 1 < len(SECTIONS):
                return redirect("caf:section", assessment_id=assessment.pk, slug=SECTIONS[index + 1].slug)
            return redirect("caf:complete", assessment_id=assessment.pk)
        messages.success(request, f"Draft saved (version {number}).")
        return redirect("caf:section", assessment_id=assessment.pk, slug=slug)
    position = [s.slug for s in SECTIONS].index(slug) + 1
    context = {
        "assessment": assessment,
        "form": form,
        "spec": spec,
        "position": position,
        "total": len(SECTIONS),
        "offered": [FIELD_LABELS[key] for key in offered if key in dict(spec.fields)],
    }
    return render(request, "caf/section.html", context)


@caf_user_required
@require_http_methods(["GET", "POST"])
def complete(request: HttpRequest, assessment_id: str) -> HttpResponse:
    assessment = opened(request, assessment_id, "complete", edit=True)
    if assessment.status != CafStatus.DRAFT:
        return redirect("caf:detail", assessment_id=assessment.pk)
    problems = services.completion_problems(assessment)
    form = CompleteForm(posted(request), problems=problems)
    if request.method == "POST" and form.is_valid():
        services.assessment_complete(actor=request.user, assessment=assessment, consent_confirmed=True)
        messages.success(request, f"The assessment is complete (version {assessment.version}).")
        return redirect("caf:detail", assessment_id=assessment.pk)
    data = services.latest_data(assessment)
    from ecm.caf.copy import family_copy

    context = {
        "assessment": assessment,
        "form": form,
        "sections": section_rows(assessment, data),
        "problems": problems,
        # The family confirms the text it can see: the whole of this version, in the words of its copy.
        "copy": family_copy(assessment),
    }
    return render(request, "caf/complete.html", context)


@caf_user_required
def versions(request: HttpRequest, assessment_id: str) -> HttpResponse:
    assessment = opened(request, assessment_id, "versions")
    return render(
        request, "caf/versions.html", {"assessment": assessment, "versions": selectors.versions_of(assessment)}
    )


def _version(assessment: Assessment, number: int) -> Any:
    version = selectors.version_of(assessment, number)
    if version is None:
        raise Http404("No such version")
    return version


@caf_user_required
def version(request: HttpRequest, assessment_id: str, number: int) -> HttpResponse:
    assessment = opened(request, assessment_id, f"version:{number}")
    shown = _version(assessment, number)
    context = {"assessment": assessment, "version": shown, "sections": section_rows(assessment, shown.data)}
    return render(request, "caf/version.html", context)


@caf_user_required
def diff(request: HttpRequest, assessment_id: str, number: int) -> HttpResponse:
    assessment = opened(request, assessment_id, f"diff:{number}")
    new = _version(assessment, number)
    old = _version(assessment, number - 1) if number > 1 else None
    changes = selectors.version_diff(old, new) if old else []
    context = {"assessment": assessment, "old": old, "new": new, "changes": changes}
    return render(request, "caf/diff.html", context)


@caf_user_required
@require_http_methods(["GET", "POST"])
def withdraw(request: HttpRequest, assessment_id: str) -> HttpResponse:
    assessment = opened(request, assessment_id, "withdraw", edit=True)
    if not assessment.consent.is_active:
        raise Http404("Already withdrawn")
    form = WithdrawForm(posted(request))
    if request.method == "POST" and form.is_valid():
        services.assessment_consent_withdraw(
            actor=request.user, assessment=assessment, reason=form.cleaned_data["reason"]
        )
        messages.success(request, "Consent is withdrawn. All sharing has stopped and the team has been told.")
        return redirect("caf:detail", assessment_id=assessment.pk)
    return render(request, "caf/withdraw.html", {"assessment": assessment, "form": form})


@caf_user_required
@require_http_methods(["GET", "POST"])
def copy_settings(request: HttpRequest, assessment_id: str) -> HttpResponse:
    assessment = opened(request, assessment_id, "copy_settings", edit=True)
    initial = {"withheld": assessment.family_copy_withheld, "reason": assessment.family_copy_withheld_reason}
    form = FamilyCopyForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        services.family_copy_set(
            actor=request.user,
            assessment=assessment,
            withheld=form.cleaned_data["withheld"],
            reason=form.cleaned_data["reason"],
        )
        messages.success(request, "Saved.")
        return redirect("caf:detail", assessment_id=assessment.pk)
    return render(request, "caf/copy_settings.html", {"assessment": assessment, "form": form})


@caf_user_required
@require_http_methods(["GET", "POST"])
def share(request: HttpRequest, assessment_id: str) -> HttpResponse:
    """Share with a further agency: under the family's consent, under a decision in force, or not until the
    guided information sharing decision (``ecm.sharing``) has been made."""
    assessment = opened(request, assessment_id, "share", edit=True)
    form = ShareForm(posted(request), organisations=selectors.organisation_choices())
    if request.method == "POST" and form.is_valid():
        organisation = selectors.organisations_by_ids([form.cleaned_data["organisation"]])[0]
        basis = share_basis(assessment.child, organisation)
        if basis is None:
            query = urlencode(
                {
                    "organisation": str(organisation.pk),
                    "information": "caf",
                    "source": f"CAF {assessment.reference}",
                    "next": reverse("caf:detail", args=[assessment.pk]),
                }
            )
            messages.info(
                request, f"Neither the family's consent nor a decision covers {organisation.name}: decide first."
            )
            return redirect(f"{reverse('sharing:start', args=[assessment.child_id])}?{query}")
        if basis["decision"] is not None:
            messages.success(request, f"A decision to share with {organisation.name} is in force; the CAF is shared.")
            return redirect("caf:detail", assessment_id=assessment.pk)
        disclosure_record(
            actor=request.user,
            child=assessment.child,
            organisation=organisation,
            information=Information.CAF,
            method=Method.ECM,
            mode=DisclosureMode.AUTOMATIC,
            consent=basis["consent"],
            reference=assessment.reference,
            recipient_person=form.cleaned_data["recipient_person"],
            description="The CAF, under the family's consent",
        )
        messages.success(request, f"The CAF is shared with {organisation.name} under the family's consent.")
        return redirect("caf:detail", assessment_id=assessment.pk)
    context = {"assessment": assessment, "form": form, "sharing": selectors.sharing_of(assessment)}
    return render(request, "caf/share.html", context)
