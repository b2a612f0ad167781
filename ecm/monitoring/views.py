"""Area monitoring pages: the dashboard and its exports, the CAF register with its quality lists, quality
reviews, training targets and the pseudonymised cohort extract. Thin: access, one selector or service, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from ecm.accounts.access import child_data_required, role_required
from ecm.accounts.stepup import step_up_required
from ecm.monitoring import selectors, services
from ecm.monitoring.access import COORDINATOR_ROLES, DASHBOARD_ROLES, EXTRACT_ROLES, area_cafs, area_of
from ecm.monitoring.access import caf_in_area_or_404 as caf_or_404
from ecm.monitoring.aggregation import AGENCY_LABELS
from ecm.monitoring.forms import CohortExtractForm, DashboardFilterForm, QualityReviewForm, TrainingTargetForm
from ecm.monitoring.tables import Filters


def _filters(request: HttpRequest) -> tuple[Filters, DashboardFilterForm]:
    area = area_of(request.user)
    localities, agencies = selectors.filter_options(area)
    form = DashboardFilterForm(request.GET or None, localities=localities, agencies=agencies)
    start, end = selectors.default_period()
    filters = Filters(area=area, start=start, end=end)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters.start = data["start"] or (data["end"] and min(start, data["end"])) or start
        filters.end = data["end"] or max(end, filters.start)
        filters.locality = data["locality"] or ""
        filters.agency = data["agency"] or ""
    return filters, form


@role_required(*DASHBOARD_ROLES)
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    filters, form = _filters(request)
    tables = selectors.dashboard_tables(filters)
    query = request.GET.urlencode()
    context = {
        "form": form,
        "filters": filters,
        "agency_label": AGENCY_LABELS.get(filters.agency, ""),
        "tables": tables,
        "refresh": selectors.last_refresh(filters.area),
        "export_query": f"?{query}&" if query else "?",
        "can_register": request.user.has_any_role(*COORDINATOR_ROLES),  # type: ignore[union-attr]
        "can_extract": request.user.has_any_role(*EXTRACT_ROLES),  # type: ignore[union-attr]
    }
    return render(request, "monitoring/dashboard.html", context)


@role_required(*DASHBOARD_ROLES)
@require_GET
def dashboard_export(request: HttpRequest, file_format: str) -> HttpResponse:
    filters, _form = _filters(request)
    tables = selectors.dashboard_tables(filters)
    services.dashboard_export_record(
        actor=request.user, area=filters.area, filters=filters.as_dict(), file_format=file_format
    )
    name = f"caf-monitoring-{filters.area.code}-{filters.start:%Y-%m}-to-{filters.end:%Y-%m}"
    if file_format == "ods":
        response = HttpResponse(
            selectors.tables_ods(tables), content_type="application/vnd.oasis.opendocument.spreadsheet"
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.ods"'
        return response
    response = HttpResponse(selectors.tables_csv(tables, filters), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


@role_required(*COORDINATOR_ROLES)
@child_data_required
@require_GET
def register(request: HttpRequest) -> HttpResponse:
    list_kind = request.GET.get("list", "all")
    if list_kind not in selectors.REGISTER_LISTS:
        list_kind = "all"
    try:
        page_number = int(request.GET.get("page", "1"))
    except ValueError:
        page_number = 1
    cafs = area_cafs(request.user)
    counts = selectors.register_counts(cafs)
    page, rows = selectors.register_page(actor=request.user, area_cafs=cafs, list_kind=list_kind, page=page_number)
    context = {
        "area": area_of(request.user),
        "list_kind": list_kind,
        "lists": [(code, label, counts[code]) for code, label in selectors.REGISTER_LISTS.items()],
        "list_label": selectors.REGISTER_LISTS[list_kind],
        "page": page,
        "rows": rows,
    }
    return render(request, "monitoring/register.html", context)


@role_required(*COORDINATOR_ROLES)
@child_data_required
@require_http_methods(["GET", "POST"])
def quality_review(request: HttpRequest, assessment_id: str) -> HttpResponse:
    assessment = caf_or_404(request.user, assessment_id)
    form = QualityReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.quality_review_record(
                actor=request.user,
                assessment=assessment,
                criteria=form.criteria(),
                rating=form.cleaned_data["rating"],
                feedback=form.cleaned_data["feedback"],
            )
        except services.MonitoringError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"The quality review of CAF {assessment.reference} is recorded.")
            return redirect("monitoring:quality_review", assessment_id=assessment.pk)
    context = {
        "assessment": assessment,
        "form": form,
        "reviews": selectors.quality_reviews_of(assessment),
        "content": selectors.quality_content_open(actor=request.user, assessment=assessment),
    }
    return render(request, "monitoring/quality_review.html", context)


@role_required(*COORDINATOR_ROLES)
@require_http_methods(["GET", "POST"])
def training_targets(request: HttpRequest) -> HttpResponse:
    area = area_of(request.user)
    form = TrainingTargetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.training_target_set(
                actor=request.user, area=area, agency=form.cleaned_data["agency"], target=form.cleaned_data["target"]
            )
        except services.MonitoringError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "The training target is set.")
            return redirect("monitoring:training_targets")
    return render(request, "monitoring/training_targets.html", {"form": form, "area": area})


@role_required(*EXTRACT_ROLES)
@child_data_required
@step_up_required
@require_http_methods(["GET", "POST"])
def cohort_extract(request: HttpRequest) -> HttpResponse:
    area = area_of(request.user)
    form = CohortExtractForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data: dict[str, Any] = form.cleaned_data
        rows = selectors.cohort_rows(area=area, started_from=data["started_from"], started_to=data["started_to"])
        try:
            services.cohort_extract_record(
                actor=request.user,
                area=area,
                purpose=data["purpose"],
                started_from=data["started_from"],
                started_to=data["started_to"],
                rows=len(rows),
            )
        except services.MonitoringError as exc:
            form.add_error(None, str(exc))
        else:
            response = HttpResponse(selectors.cohort_csv(rows), content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = f'attachment; filename="caf-cohort-{area.code}.csv"'
            return response
    return render(request, "monitoring/cohort_extract.html", {"form": form, "area": area})
