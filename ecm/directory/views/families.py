"""The families' easy-read search, service pages and "report a problem with this page" (no sign-in)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from ecm.directory import access
from ecm.directory.choices import SearchChannel
from ecm.directory.forms import FamilySearchForm, ProblemReportForm
from ecm.directory.selectors import records
from ecm.directory.selectors.search import sal_search
from ecm.directory.services import problem_report_create, search_event_record
from ecm.directory.views.search import decorate, page_number

PER_PAGE = 10


def families_search(request: HttpRequest) -> HttpResponse:
    searched = "search" in request.GET or any(k in request.GET for k in FamilySearchForm.base_fields)
    form = FamilySearchForm(request.GET if searched else None)
    result = None
    if searched and form.is_valid():
        page = page_number(request)
        result = sal_search(form.filters(), page=page, per_page=PER_PAGE)
        if page == 1:
            search_event_record(
                actor=request.user,
                channel=SearchChannel.FAMILIES,
                result_count=result.total,
                postcode=form.cleaned_data.get("postcode", ""),
                age_months=int(form.cleaned_data["age"]) if form.cleaned_data.get("age") else None,
                term_ids=form.cleaned_data.get("needs") or [],
            )
    return render(
        request,
        "directory/families/search.html",
        {"form": form, "result": result, "rows": decorate(result) if result else [], "query": request.GET.copy()},
    )


def families_service(request: HttpRequest, service_id: str) -> HttpResponse:
    service = access.published_service(service_id)
    return render(request, "directory/families/service.html", {"service": records.service_by_id(service.id)})


def report_problem(request: HttpRequest, service_id: str) -> HttpResponse:
    service = access.published_service(service_id)
    form = ProblemReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        problem_report_create(
            actor=request.user,
            service=service,
            description=form.cleaned_data["description"],
            reporter_email=form.cleaned_data["email"],
        )
        return redirect(reverse("directory:report_sent", args=[service.id]))
    return render(request, "directory/families/report.html", {"form": form, "service": service})


def report_sent(request: HttpRequest, service_id: str) -> HttpResponse:
    service = access.published_service(service_id)
    return render(request, "directory/families/report_sent.html", {"service": service})
