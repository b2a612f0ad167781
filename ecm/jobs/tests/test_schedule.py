"""The daily schedule: each job once per day, audited under its system actor, its last run shown."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from conftest import page_text
from ecm.accounts.choices import Role
from ecm.accounts.tests.factories import UserFactory
from ecm.audit.models import AuditEvent
from ecm.core import clock
from ecm.core.actors import SystemActor
from ecm.jobs.choices import JobStatus
from ecm.jobs.models import Job
from ecm.jobs.schedule import SCHEDULE, schedule_due, scheduled, scheduled_job_enqueue

pytestmark = pytest.mark.django_db

README_JOBS = {
    "disable_leavers",
    "run_retention",
    "run_misuse_review",
    "directory_freshness",
    "caf_reminders",
    "monitoring_refresh",
    "verify_audit",
    "export_audit_heads",
}
HOUSEKEEPING = {"prune_jobs"}


def local(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def test_every_daily_job_is_scheduled() -> None:
    assert {item.command for item in SCHEDULE} == README_JOBS | HOUSEKEEPING


def test_a_second_enqueue_on_the_same_day_is_a_no_op() -> None:
    item = scheduled("disable_leavers")
    today = clock.today()
    assert scheduled_job_enqueue(item=item, day=today) is not None
    assert scheduled_job_enqueue(item=item, day=today) is None
    assert scheduled_job_enqueue(item=item, day=today + dt.timedelta(days=1)) is not None
    assert Job.objects.filter(name="scheduled.disable_leavers").count() == 2


def test_catch_up_queues_what_is_due_and_runs_it_under_each_jobs_actor(django_capture_on_commit_callbacks: Any):
    now = local(clock.today(), 4)
    clock.freeze(now)
    due = {item.command for item in SCHEDULE if item.at <= now.astimezone(timezone.get_current_timezone()).time()}
    assert due and due != README_JOBS | HOUSEKEEPING
    with django_capture_on_commit_callbacks(execute=True):
        queued = schedule_due(now)
    assert {job.arguments["command"] for job in queued} == due
    for job in Job.objects.filter(name__startswith="scheduled."):
        item = scheduled(job.arguments["command"])
        assert job.status == JobStatus.SUCCEEDED, (job.name, job.error_summary)
        assert job.key == f"scheduled:{item.command}:{now.date().isoformat()}"
        event = AuditEvent.objects.get(action="jobs.job_succeeded", object_id=str(job.pk))
        assert event.actor_label == item.actor_name and event.actor_type == "system"
    assert schedule_due(now) == []  # the same day again: nothing new


def test_run_scheduler_once_queues_the_days_jobs() -> None:
    clock.freeze(local(clock.today(), 23, 59))
    call_command("run_scheduler", "--once", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert Job.objects.filter(name__startswith="scheduled.").count() == len(SCHEDULE)
    call_command("run_scheduler", "--once", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert Job.objects.filter(name__startswith="scheduled.").count() == len(SCHEDULE)


def test_last_runs_are_shown_to_system_administrators(django_capture_on_commit_callbacks: Any, user_client: Any):
    with django_capture_on_commit_callbacks(execute=True):
        scheduled_job_enqueue(item=scheduled("verify_audit"), day=clock.today())
    job = Job.objects.get(name="scheduled.verify_audit")
    text = page_text(user_client(UserFactory(roles=[Role.SYSTEM_ADMIN])).get(reverse("jobs:list")))
    assert "manage.py verify_audit" in text and "Succeeded" in text and job.outcome in text
    assert "Not run yet" in text  # the jobs that have not run


def test_the_schedulers_trigger_queues_todays_run_once() -> None:
    from ecm.jobs.management.commands.run_scheduler import fire

    fire("caf_reminders")
    fire("caf_reminders")
    [job] = Job.objects.filter(name="scheduled.caf_reminders")
    assert job.key == f"scheduled:caf_reminders:{clock.today().isoformat()}"
    assert AuditEvent.objects.filter(
        action="jobs.job_queued", object_id=str(job.pk), actor_label="ecaf-reminders"
    ).exists()


def test_pruning_forgets_old_succeeded_jobs_only() -> None:
    from ecm.jobs.services import jobs_prune

    old = clock.now() - dt.timedelta(days=91)
    kept_failed = Job.objects.create(name="notifications.email", status=JobStatus.FAILED, finished_at=old)
    recent = Job.objects.create(name="notifications.email", status=JobStatus.SUCCEEDED, finished_at=clock.now())
    Job.objects.create(name="notifications.email", status=JobStatus.SUCCEEDED, finished_at=old)
    assert jobs_prune(actor=SystemActor("test"), older_than_days=90) == 1
    assert set(Job.objects.values_list("pk", flat=True)) == {kept_failed.pk, recent.pk}
