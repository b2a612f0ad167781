"""The directory team's pages: moderation with a field-by-field diff, problem reports, freshness, analytics."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from ecm.core import clock
from ecm.directory import access
from ecm.directory.forms import ReviewDecisionForm
from ecm.directory.selectors import analytics, records
from ecm.directory.services import (
    EDITABLE_FIELDS,
    ModerationError,
    problem_report_resolve,
    service_change_approve,
    service_change_return,
)

FIELD_LABELS = {
    "name": "Service name",
    "description": "Description",
    "easy_read_summary": "Easy-read summary",
    "url": "Website",
    "email": "Email address",
    "status": "Status",
    "eligibility_description": "Who can use it",
    "application_process": "How to refer or apply",
    "fees_description": "Cost",
    "wait_time": "Waiting time",
    "interpretation_services": "Interpreting",
    "minimum_age_months": "Youngest age (months)",
    "maximum_age_months": "Oldest age (months)",
    "alert": "Alert",
}


@access.directory_team_required
def team_home(request: HttpRequest) -> HttpResponse:
    today = clock.today()
    due = records.services_due_for_review(today)
    return render(
        request,
        "directory/team/home.html",
        {
            "changes": records.pending_changes(),
            "reports": records.open_problem_reports(),
            "due": list(due.order_by("last_reviewed_on")[:50]),
            "due_count": due.count(),
        },
    )


def diff_rows(change: Any) -> list[dict[str, Any]]:
    rows = []
    for name in EDITABLE_FIELDS:
        if name not in change.proposed:
            continue
        current = getattr(change.service, name)
        rows.append(
            {
                "label": FIELD_LABELS.get(name, name),
                "before": change.original.get(name),
                "current": current,
                "after": change.proposed[name],
                "moved_on": str(current if current is not None else "")
                != str(change.original.get(name) if change.original.get(name) is not None else ""),
            }
        )
    return rows


@access.directory_team_required
def change_review(request: HttpRequest, change_id: str) -> HttpResponse:
    change = access.change_for_team(actor=request.user, change_id=change_id)
    form = ReviewDecisionForm(request.POST or None)
    if request.method == "POST" and change.status == "pending" and form.is_valid():
        try:
            if form.cleaned_data["decision"] == "approve":
                service_change_approve(actor=request.user, change=change, note=form.cleaned_data["note"])
                messages.success(request, f"The change to {change.service.name} is published.")
            else:
                service_change_return(actor=request.user, change=change, note=form.cleaned_data["note"])
                messages.success(request, f"The change to {change.service.name} was returned to the provider.")
        except ModerationError as exc:
            form.add_error(None, str(exc))
        else:
            return redirect(reverse("directory:team"))
    return render(request, "directory/team/change.html", {"change": change, "rows": diff_rows(change), "form": form})


@access.directory_team_required
@require_POST
def report_resolve(request: HttpRequest, report_id: str) -> HttpResponse:
    report = access.report_for_team(actor=request.user, report_id=report_id)
    problem_report_resolve(actor=request.user, report=report, note=request.POST.get("note", "").strip()[:2000])
    messages.success(request, "The problem report is closed.")
    return redirect(reverse("directory:team"))


@access.directory_team_required
def analytics_page(request: HttpRequest) -> HttpResponse:
    return render(request, "directory/team/analytics.html", {"weeks": analytics.weekly_summary()})
