from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from ecm.jobs.access import admin_required, job_or_404
from ecm.jobs.registry import label_for
from ecm.jobs.selectors import failed_jobs, retrying_jobs, scheduled_runs, stuck_jobs
from ecm.jobs.services import JobError, job_retry


@admin_required
def job_list(request: HttpRequest) -> HttpResponse:
    failed = [(job, label_for(job.name)) for job in failed_jobs()]
    retrying = [(job, label_for(job.name)) for job in retrying_jobs()]
    stuck = [(job, label_for(job.name)) for job in stuck_jobs()]
    return render(
        request,
        "jobs/list.html",
        {"scheduled": scheduled_runs(), "failed": failed, "retrying": retrying, "stuck": stuck},
    )


@admin_required
@require_POST
def job_retry_view(request: HttpRequest, job_id: str) -> HttpResponse:
    job = job_or_404(job_id)
    try:
        job_retry(actor=request.user, job=job)
    except JobError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"{label_for(job.name)} will be tried again.")
    return redirect("jobs:list")
