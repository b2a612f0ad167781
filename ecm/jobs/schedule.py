"""The daily jobs and when they run (Europe/London). ``manage.py run_scheduler`` keeps this schedule.

Each run is a :class:`~ecm.jobs.models.Job` keyed by command and day, so a second enqueue on the
same day is a no-op, and a scheduler that was down catches up when it starts again.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
from dataclasses import dataclass

from django.core.management import call_command, get_commands
from django.utils import timezone

from ecm.core.actors import SystemActor
from ecm.jobs.models import Job
from ecm.jobs.registry import register_job

logger = logging.getLogger("ecm.jobs.schedule")


@dataclass(frozen=True)
class ScheduledJob:
    command: str
    at: dt.time
    actor_name: str
    description: str

    @property
    def job_name(self) -> str:
        return f"scheduled.{self.command}"

    @property
    def actor(self) -> SystemActor:
        return SystemActor(self.actor_name)


SCHEDULE: tuple[ScheduledJob, ...] = (
    ScheduledJob("disable_leavers", dt.time(0, 15), "scheduler", "Disables accounts whose leaver date has come"),
    ScheduledJob(
        "run_retention",
        dt.time(1, 0),
        "retention-job",
        "Archives and purges child index records (DOMAIN.md, Retention)",
    ),
    ScheduledJob(
        "run_misuse_review", dt.time(1, 30), "misuse-review-job", "The daily misuse alert rules over yesterday's events"
    ),
    ScheduledJob("monitoring_refresh", dt.time(2, 0), "monitoring-refresh", "Recounts the CAF monitoring aggregates"),
    ScheduledJob("verify_audit", dt.time(3, 0), "audit-verify", "Checks the audit hash chain"),
    ScheduledJob(
        "export_audit_heads",
        dt.time(3, 30),
        "audit-head-export",
        "Exports each audit chain's head hash to a place the application cannot rewrite",
    ),
    ScheduledJob(
        "directory_freshness",
        dt.time(6, 0),
        "directory-freshness",
        "Reminders for directory entries not reviewed for 12 months",
    ),
    ScheduledJob("caf_reminders", dt.time(6, 30), "ecaf-reminders", "CAF reviews due and overdue"),
    ScheduledJob(
        "prune_jobs", dt.time(4, 0), "job-runner", "Forgets succeeded background jobs after 90 days (housekeeping)"
    ),
)


def scheduled(command: str) -> ScheduledJob:
    return next(s for s in SCHEDULE if s.command == command)


def run_command(*, command: str) -> str:
    """Run one management command; its last line of output is the outcome. A missing command is logged."""
    if command not in get_commands():
        logger.error("scheduled job %s skipped: manage.py %s is not installed in this version", command, command)
        return f"Skipped: manage.py {command} is not installed"
    out = io.StringIO()
    call_command(command, stdout=out, stderr=out)
    lines = [line.strip() for line in out.getvalue().splitlines() if line.strip()]
    return lines[-1] if lines else "Done"


def register_scheduled_jobs() -> None:
    for item in SCHEDULE:
        register_job(item.job_name, run_command, label=f"manage.py {item.command}", actor_name=item.actor_name)


def day_key(item: ScheduledJob, day: dt.date) -> str:
    return f"scheduled:{item.command}:{day.isoformat()}"


def scheduled_job_enqueue(*, item: ScheduledJob, day: dt.date) -> Job | None:
    """Queue the day's run of ``item``; None when that day's run is already queued or done."""
    from ecm.jobs.services import job_enqueue

    job = job_enqueue(
        actor=item.actor,
        name=item.job_name,
        arguments={"command": item.command},
        key=day_key(item, day),
        audit=True,
    )
    if job is not None:
        logger.info("scheduled job %s queued for %s", item.command, day.isoformat())
    return job


def schedule_due(now: dt.datetime) -> list[Job]:
    """Queue every job whose time today has passed and that has not been queued today (catch-up)."""
    local = timezone.localtime(now)
    queued = []
    for item in SCHEDULE:
        if local.time() >= item.at:
            job = scheduled_job_enqueue(item=item, day=local.date())
            if job is not None:
                queued.append(job)
    return queued
