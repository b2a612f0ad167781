"""Reads for the system administrators' jobs page. Jobs hold no child data."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from ecm.core import clock
from ecm.jobs.choices import JobStatus
from ecm.jobs.models import Job
from ecm.jobs.schedule import SCHEDULE, ScheduledJob


@dataclass(frozen=True)
class ScheduledRow:
    item: ScheduledJob
    last: Job | None


def scheduled_runs() -> list[ScheduledRow]:
    """Each daily job with its latest run."""
    latest = {}
    for item in SCHEDULE:
        latest[item.command] = Job.objects.filter(name=item.job_name).order_by("-created_at").first()
    return [ScheduledRow(item=item, last=latest[item.command]) for item in SCHEDULE]


def failed_jobs(limit: int = 100) -> QuerySet[Job]:
    return Job.objects.filter(status=JobStatus.FAILED).order_by("-finished_at")[:limit]


STUCK_AFTER = dt.timedelta(hours=1)


def stuck_jobs(limit: int = 100) -> QuerySet[Job]:
    """Jobs still marked running an hour after they started: their worker stopped mid-way (crash, kill)."""
    return Job.objects.filter(status=JobStatus.RUNNING, started_at__lt=clock.now() - STUCK_AFTER).order_by(
        "started_at"
    )[:limit]


def retrying_jobs(limit: int = 100) -> QuerySet[Job]:
    return Job.objects.filter(status=JobStatus.RETRYING).order_by("next_run_at")[:limit]


def job_for_admin(job_id: Any) -> Job | None:
    try:
        return Job.objects.filter(pk=job_id).first()
    except (ValueError, TypeError):
        return None
