"""Pages for subject access and rectification. Thin: access, one service or selector, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from ecm.core import clock
from ecm.index.access import child_for
from ecm.rights import selectors, services
from ecm.rights.access import (
    access_request_for,
    data_manager_required,
    is_data_manager,
    rectification_for,
    rights_viewer_required,
)
from ecm.rights.choices import RectificationKind, RequestStatus
from ecm.rights.deadlines import extension_allowed_on
from ecm.rights.forms import (
    AccessRequestForm,
    ConfirmForm,
    DecisionForm,
    ExtendForm,
    IdentityForm,
    RectificationForm,
    RedactionForm,
    RefuseForm,
)
from ecm.rights.services import ICO_COMPLAINT, RightsError


def _posted(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


@rights_viewer_required
def home(request: HttpRequest) -> HttpResponse:
    """The data manager's task list: overdue, due within a week, extended, other open, completed."""
    context = {
        "tasks": selectors.task_list(actor=request.user),
        "today": clock.today(),
        "can_act": is_data_manager(request.user),
        "rectifications": selectors.rectifications_pending(),
    }
    return render(request, "rights/home.html", context)


@data_manager_required
@require_http_methods(["GET", "POST"])
def request_new(request: HttpRequest) -> HttpResponse:
    # From the child's record (``?child=``): the index number filled in, never copied by hand.
    chosen = child_for(actor=request.user, child_id=request.GET["child"]) if request.GET.get("child") else None
    initial = {"index_number": chosen.formatted_index_number} if chosen else None
    form = AccessRequestForm(_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        child = selectors.child_by_index_number(data.pop("index_number"))
        if child is None:
            form.add_error("index_number", "No child on the index has that number: check the 12 digits")
        else:
            try:
                sar = services.access_request_log(actor=request.user, child=child, **data)
            except RightsError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, f"Request {sar.reference} is logged. It is due by {sar.due_on:%-d %B %Y}.")
                return redirect("rights:request", request_id=sar.pk)
    title = f"Log a subject access request for {chosen.display_name}" if chosen else "Log a subject access request"
    return render(request, "rights/form.html", {"form": form, "title": title})


@rights_viewer_required
def request_detail(request: HttpRequest, request_id: str) -> HttpResponse:
    sar = access_request_for(actor=request.user, request_id=request_id)
    package = selectors.package_of(sar)
    context = {
        "sar": sar,
        "package": package,
        "redactions": selectors.redactions_of(sar),
        "can_act": is_data_manager(request.user) and sar.is_open,
        "is_data_manager": is_data_manager(request.user),
        "can_extend": sar.extended_due_on is None and extension_allowed_on(sar.received_on, clock.today()),
        "today": clock.today(),
        "ico": ICO_COMPLAINT,
    }
    return render(request, "rights/request.html", context)


def _open_request(request: HttpRequest, request_id: str) -> Any:
    sar = access_request_for(actor=request.user, request_id=request_id)
    if not sar.is_open:
        raise Http404("Closed")
    return sar


@data_manager_required
@require_http_methods(["GET", "POST"])
def identity(request: HttpRequest, request_id: str) -> HttpResponse:
    sar = _open_request(request, request_id)
    form = IdentityForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        services.access_request_identity_confirm(
            actor=request.user, request=sar, evidence=form.cleaned_data["evidence"]
        )
        messages.success(request, "The identity check is recorded.")
        return redirect("rights:request", request_id=sar.pk)
    return render(request, "rights/form.html", {"form": form, "sar": sar, "title": "Record the identity check"})


@data_manager_required
@require_http_methods(["GET", "POST"])
def extend(request: HttpRequest, request_id: str) -> HttpResponse:
    sar = _open_request(request, request_id)
    form = ExtendForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.access_request_extend(actor=request.user, request=sar, **form.cleaned_data)
        except RightsError as exc:
            form.add_error("notified_on" if "told" in str(exc) else None, str(exc))
        else:
            messages.success(request, f"The deadline is now {sar.extended_due_on:%-d %B %Y}.")
            return redirect("rights:request", request_id=sar.pk)
    return render(request, "rights/form.html", {"form": form, "sar": sar, "title": "Extend the deadline"})


@data_manager_required
@require_POST
def compile_package(request: HttpRequest, request_id: str) -> HttpResponse:
    sar = _open_request(request, request_id)
    services.access_package_compile(actor=request.user, request=sar)
    messages.success(request, "The package is compiled. Check it and redact anything the requester may not see.")
    return redirect("rights:package", request_id=sar.pk)


@data_manager_required
def package(request: HttpRequest, request_id: str) -> HttpResponse:
    """Every item and value of the package, with what is redacted, for the data manager (audited)."""
    sar = access_request_for(actor=request.user, request_id=request_id)
    data = selectors.access_package_review(actor=request.user, request=sar)
    if data is None:
        raise Http404("Not compiled")
    redactions = {r.path: r for r in selectors.redactions_of(sar)}
    context = {"sar": sar, "data": data, "redactions": redactions, "leaks": selectors.redaction_leaks(sar)}
    return render(request, "rights/package.html", context)


@data_manager_required
@require_http_methods(["GET", "POST"])
def redact(request: HttpRequest, request_id: str) -> HttpResponse:
    sar = _open_request(request, request_id)
    path = request.POST.get("path") or request.GET.get("path", "")
    described = selectors.describe_path(sar, path)
    if described is None:
        raise Http404("No such part of the package")
    form = RedactionForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.redaction_add(actor=request.user, request=sar, path=path, **form.cleaned_data)
        except RightsError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Redacted: {described}.")
            return redirect("rights:package", request_id=sar.pk)
    context = {"sar": sar, "form": form, "path": path, "described": described, "value": selectors.path_value(sar, path)}
    return render(request, "rights/redact.html", context)


@data_manager_required
@require_POST
def redaction_remove(request: HttpRequest, request_id: str, redaction_id: str) -> HttpResponse:
    sar = _open_request(request, request_id)
    redaction = selectors.redaction_of(sar, redaction_id)
    if redaction is None:
        raise Http404("No such redaction")
    services.redaction_remove(actor=request.user, redaction=redaction)
    messages.success(request, "The redaction is removed.")
    return redirect("rights:package", request_id=sar.pk)


@data_manager_required
def download(request: HttpRequest, request_id: str, fmt: str) -> HttpResponse:
    """The package as the requester receives it (every redaction applied), as PDF or JSON. Audited."""
    sar = access_request_for(actor=request.user, request_id=request_id)
    if fmt not in ("pdf", "json") or selectors.package_of(sar) is None:
        raise Http404("No package")
    body = selectors.access_package_download(actor=request.user, request=sar, fmt=fmt)
    content_type = "application/pdf" if fmt == "pdf" else "application/json"
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{sar.reference}.{fmt}"'
    response["Cache-Control"] = "no-store"
    return response


@data_manager_required
@require_http_methods(["GET", "POST"])
def release(request: HttpRequest, request_id: str) -> HttpResponse:
    sar = _open_request(request, request_id)
    form = ConfirmForm(_posted(request), submit="Release the package")
    if request.method == "POST" and form.is_valid():
        try:
            services.access_request_release(actor=request.user, request=sar)
        except RightsError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, f"Request {sar.reference} is released. Send the PDF (and JSON if asked) securely."
            )
            return redirect("rights:request", request_id=sar.pk)
    context = {
        "sar": sar,
        "form": form,
        "redactions": selectors.redactions_of(sar),
        "package": selectors.package_of(sar),
    }
    return render(request, "rights/release.html", context)


@data_manager_required
@require_http_methods(["GET", "POST"])
def refuse(request: HttpRequest, request_id: str) -> HttpResponse:
    sar = _open_request(request, request_id)
    form = RefuseForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        services.access_request_refuse(actor=request.user, request=sar, **form.cleaned_data)
        messages.success(request, f"Request {sar.reference} is refused. Tell the requester why. {ICO_COMPLAINT}")
        return redirect("rights:request", request_id=sar.pk)
    return render(
        request, "rights/form.html", {"form": form, "sar": sar, "title": "Refuse the request", "ico": ICO_COMPLAINT}
    )


# Rectification ------------------------------------------------------------------------------


@rights_viewer_required
def rectifications(request: HttpRequest) -> HttpResponse:
    context = {
        "pending": selectors.rectifications_pending(),
        "decided": selectors.rectifications_decided(),
        "can_act": is_data_manager(request.user),
    }
    return render(request, "rights/rectifications.html", context)


@data_manager_required
@require_http_methods(["GET", "POST"])
def rectification_new(request: HttpRequest) -> HttpResponse:
    form = RectificationForm(_posted(request), caf_fields=selectors.caf_field_choices())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        child = selectors.child_by_index_number(data["index_number"])
        assessment = None
        if child is None:
            form.add_error("index_number", "No child on the index has that number: check the 12 digits")
        elif data["kind"] == RectificationKind.OPINION:
            assessment = selectors.assessment_by_reference(child, data["caf_reference"])
            if assessment is None:
                form.add_error("caf_reference", "This child has no CAF with that reference")
        if child is not None and not form.errors:
            try:
                item = services.rectification_log(
                    actor=request.user,
                    child=child,
                    kind=data["kind"],
                    index_field=data["index_field"],
                    assessment=assessment,
                    field_key=data["field_key"],
                    proposed_value=data["proposed_value"],
                    requester_name=data["requester_name"],
                    relationship=data["relationship"],
                    evidence=data["evidence"],
                    received_on=data["received_on"],
                )
            except RightsError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, "The rectification request is logged.")
                return redirect("rights:rectification", rectification_id=item.pk)
    return render(request, "rights/form.html", {"form": form, "title": "Log a request to correct data"})


@rights_viewer_required
@require_http_methods(["GET", "POST"])
def rectification_detail(request: HttpRequest, rectification_id: str) -> HttpResponse:
    item = rectification_for(actor=request.user, rectification_id=rectification_id)
    can_act = is_data_manager(request.user) and item.status == "pending"
    is_opinion = item.kind == RectificationKind.OPINION
    approve_label = "Add the annotation" if is_opinion else "Approve and correct the record"
    approve = DecisionForm(
        request.POST if "approve-reason" in request.POST else None, prefix="approve", submit=approve_label
    )
    reject = DecisionForm(
        request.POST if "reject-reason" in request.POST else None, prefix="reject", submit="Refuse", required=True
    )
    if request.method == "POST":
        if not can_act:
            raise Http404("Already decided")
        form = approve if approve.is_bound else reject
        if form.is_valid():
            try:
                if form is approve:
                    services.rectification_approve(
                        actor=request.user, rectification=item, reason=form.cleaned_data["reason"]
                    )
                else:
                    services.rectification_reject(
                        actor=request.user, rectification=item, reason=form.cleaned_data["reason"]
                    )
            except RightsError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, f"The request is {item.get_status_display().lower()}.")
                return redirect("rights:rectification", rectification_id=item.pk)
    context = {
        "item": item,
        "approve": approve,
        "reject": reject,
        "can_act": can_act,
        "is_opinion": is_opinion,
        "ico": ICO_COMPLAINT,
        "released": RequestStatus.RELEASED,
    }
    return render(request, "rights/rectification.html", context)
