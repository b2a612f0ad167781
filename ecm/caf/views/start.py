"""Home, checklist, identifying the child, the existing-CAF check, consent, refusal, start, safeguarding."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from ecm.accounts.choices import Role
from ecm.caf import selectors, services
from ecm.caf.access import assessment_for, caf_user_required, checklist_for, consent_for
from ecm.caf.choices import ChecklistDecision
from ecm.caf.forms.listing import CafFilterForm
from ecm.caf.forms.start import ChecklistForm, ConsentRecordForm, IdentifyChildForm, RefusalForm, StartForm
from ecm.caf.framework import CHECKLIST_QUESTIONS
from ecm.caf.listing import caf_list_page
from ecm.consent import services as consent_services
from ecm.consent.selectors import consents_due_review, refusal_notes_of
from ecm.index.access import child_for


def posted(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


@caf_user_required
def home(request: HttpRequest) -> HttpResponse:
    """The practitioner's CAF work: their CAFs, filtered (a GET form) and paged, then reviews and checklists."""
    user: Any = request.user
    filtering = bool(set(request.GET) - {"page"})
    form = CafFilterForm(request.GET if filtering else None)
    filters = form.filters()
    page, rows = caf_list_page(actor=user, filters=filters, page=request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page_obj": page,
        "cafs": rows,
        "query": query.urlencode(),
        "filtered": filtering,
        "filter_labels": filter_labels(form) if filtering and form.is_valid() else [],
        "checklists": selectors.own_checklists(user),
        "overdue": selectors.overdue_for_practitioner(user),
        "team_overdue": selectors.overdue_for_manager(user) if user.has_role(Role.MANAGER) else None,
        "transfers": selectors.pending_transfers_for(user),
        "consents_due": consents_due_review(practitioner=user),
        "requests": selectors.requests_to(user),
    }
    return render(request, "caf/home.html", context)


def filter_labels(form: CafFilterForm) -> list[str]:
    """The filters in use, in words, for the line above the results."""
    data, labels = form.cleaned_data, []
    if data.get("name"):
        labels.append(f"name or reference “{data['name'].strip()}”")
    for key in ("status", "part"):
        value = data.get(key)
        if value and value not in ("open", "any"):
            labels.append(dict(form.fields[key].choices)[value].lower())  # type: ignore[attr-defined]
    if data.get("started_from"):
        labels.append(f"started on or after {data['started_from']:%-d %B %Y}")
    if data.get("started_to"):
        labels.append(f"started on or before {data['started_to']:%-d %B %Y}")
    return labels


@caf_user_required
@require_http_methods(["GET", "POST"])
def checklist_new(request: HttpRequest) -> HttpResponse:
    """A checklist, for a child already found on the index (``?child=``, from their record) or not yet."""
    child = child_for(actor=request.user, child_id=request.GET["child"]) if request.GET.get("child") else None
    form = ChecklistForm(posted(request), child=child)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        checklist = services.checklist_save(
            actor=request.user,
            answers=form.answers(),
            decision=data["decision"],
            notes=data["notes"],
            working_name=data["working_name"],
            requested_by=data["requested_by"],
            child=child,
        )
        messages.success(request, "Your checklist has been saved.")
        if child is not None and data["decision"] == ChecklistDecision.FULL_CAF:
            return redirect(f"/caf/start/{child.pk}/?checklist={checklist.pk}")
        return redirect("caf:checklist", checklist_id=checklist.pk)
    return render(request, "caf/checklist_form.html", {"form": form, "child": child})


@caf_user_required
@require_http_methods(["GET", "POST"])
def checklist_detail(request: HttpRequest, checklist_id: str) -> HttpResponse:
    checklist = checklist_for(actor=request.user, checklist_id=checklist_id)
    form = IdentifyChildForm(posted(request))
    if request.method == "POST" and form.is_valid():
        found = selectors.child_by_index_number(form.cleaned_data["index_number"])
        if found is None:
            form.add_error("index_number", "No child has that index number: check it on the child's index record")
        else:
            child = child_for(actor=request.user, child_id=found.pk)
            services.checklist_link_child(actor=request.user, checklist=checklist, child=child)
            return redirect(f"/caf/start/{child.pk}/?checklist={checklist.pk}")
    questions = [(text, checklist.answer_label(code)) for _, code, text in CHECKLIST_QUESTIONS]
    context = {
        "checklist": checklist,
        "questions": questions,
        "form": form,
        "requests": selectors.requests_from(checklist),
    }
    return render(request, "caf/checklist_detail.html", context)


@caf_user_required
def start(request: HttpRequest, child_id: str) -> HttpResponse:
    """Before starting: what the index shows of CAFs already held, and the way on to consent."""
    child = child_for(actor=request.user, child_id=child_id)
    existing = selectors.existing_cafs_checked(actor=request.user, child=child)
    checklist = request.GET.get("checklist", "")
    return render(request, "caf/start.html", {"child": child, "existing": existing, "checklist": checklist})


@caf_user_required
@require_http_methods(["GET", "POST"])
def consent_new(request: HttpRequest, child_id: str) -> HttpResponse:
    child = child_for(actor=request.user, child_id=child_id)
    caf = assessment_for(actor=request.user, assessment_id=request.GET["caf"]) if request.GET.get("caf") else None
    if caf is not None and caf.child_id != child.pk:
        raise Http404("No such CAF")
    form = ConsentRecordForm(posted(request), organisations=selectors.organisation_choices())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        scopes = set(data["scopes"])
        try:
            consent = consent_services.consent_record(
                actor=request.user,
                child=child,
                given_by=data["given_by"],
                form=data["form_kind"],
                undertake="undertake" in scopes,
                record="record" in scopes,
                share="share" in scopes,
                family_informed=data["family_informed"],
                competence_judgement=data["competence_judgement"],
                parent_name=data["parent_name"],
                parent_relationship=data["parent_relationship"],
                share_purpose=data["share_purpose"],
                allowed_organisations=selectors.organisations_by_ids(data["allowed"]),
                excluded_organisations=selectors.organisations_by_ids(data["excluded"]),
                withheld_elements=data["withheld_elements"],
                given_on=data["given_on"],
                review_on=data["review_on"],
            )
        except consent_services.ConsentError as exc:
            form.add_error(_consent_field(str(exc)), str(exc))
        else:
            messages.success(request, "Consent has been recorded.")
            if caf is not None:
                return redirect("caf:detail", assessment_id=caf.pk)
            return redirect(f"/caf/start/{child.pk}/begin/{consent.pk}/?checklist={request.GET.get('checklist', '')}")
    return render(request, "caf/consent_form.html", {"form": form, "child": child, "caf": caf})


def _consent_field(message: str) -> str | None:
    for needle, field in (
        ("competence", "competence_judgement"),
        ("name of the person", "parent_name"),
        ("relationship", "parent_relationship"),
        ("consent to", "scopes"),
        ("sharing is for", "share_purpose"),
        ("allowed only", "allowed"),
        ("review date", "review_on"),
        ("future", "given_on"),
    ):
        if needle in message:
            return field
    return None


@caf_user_required
@require_http_methods(["GET", "POST"])
def begin(request: HttpRequest, child_id: str, consent_id: str) -> HttpResponse:
    child = child_for(actor=request.user, child_id=child_id)
    consent = consent_for(actor=request.user, consent_id=consent_id)
    if consent.child_id != child.pk:
        raise Http404("No such consent")
    existing = selectors.existing_cafs(child, request.user)
    form = StartForm(posted(request), existing=bool(existing))
    if request.method == "POST" and form.is_valid():
        checklist_id = request.GET.get("checklist")
        checklist = checklist_for(actor=request.user, checklist_id=checklist_id) if checklist_id else None
        try:
            assessment = services.assessment_start(
                actor=request.user,
                child=child,
                consent=consent,
                checklist=checklist,
                requested_by=checklist.requested_by if checklist else "practitioner",
                existing_acknowledged=form.cleaned_data.get("existing_acknowledged", False),
            )
        except services.CafError as exc:
            form.add_error("existing_acknowledged" if "Confirm" in str(exc) else None, str(exc))
        else:
            messages.success(request, f"CAF {assessment.reference} has been started.")
            return redirect("caf:detail", assessment_id=assessment.pk)
    context = {"form": form, "child": child, "consent": consent, "existing": existing}
    return render(request, "caf/begin.html", context)


@caf_user_required
@require_http_methods(["GET", "POST"])
def refusal_new(request: HttpRequest) -> HttpResponse:
    """Note a refusal; when it follows a checklist, the checklist (answers, decision, child) goes too."""
    checklist_id = request.POST.get("checklist") or request.GET.get("checklist") or ""
    checklist = checklist_for(actor=request.user, checklist_id=checklist_id) if checklist_id else None
    form = RefusalForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.refusal_to_record_note(
                actor=request.user,
                scopes_refused=form.cleaned_data["scopes_refused"],
                note=form.cleaned_data["note"],
                checklist=checklist,
            )
        except services.CafError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                "The refusal is noted in your own records. Nothing about the child was stored"
                + (": the checklist has been removed." if checklist is not None else "."),
            )
            return redirect("caf:refusals")
    return render(request, "caf/refusal_form.html", {"form": form, "checklist": checklist})


@caf_user_required
def refusals(request: HttpRequest) -> HttpResponse:
    return render(request, "caf/refusals.html", {"notes": refusal_notes_of(practitioner=request.user)})


@caf_user_required
@require_POST
def safeguarding_escalate(request: HttpRequest) -> HttpResponse:
    """The escape on every CAF page: record the escalation, then show the area's safeguarding contact."""
    assessment = None
    if request.POST.get("caf"):
        try:
            assessment = assessment_for(actor=request.user, assessment_id=request.POST["caf"])
        except Http404:
            assessment = None
    services.safeguarding_escalate(
        actor=request.user, assessment=assessment, from_page=request.POST.get("from_page", "")
    )
    return redirect("caf:safeguarding")


@caf_user_required
def safeguarding(request: HttpRequest) -> HttpResponse:
    from ecm.accounts.selectors import safeguarding_route_for

    return render(request, "caf/safeguarding.html", {"contact": safeguarding_route_for(request.user)})
