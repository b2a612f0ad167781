"""Background jobs: retries with back-off, failure shown to system administrators, the real database queue."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from conftest import page_text
from ecm.accounts.choices import Role
from ecm.accounts.tests.factories import UserFactory
from ecm.audit.models import AuditEvent
from ecm.core.actors import SystemActor
from ecm.jobs.choices import JobStatus
from ecm.jobs.models import Job
from ecm.jobs.registry import register_job
from ecm.jobs.services import job_enqueue, retry_delay
from ecm.notifications.services import notification_send

ACTOR = SystemActor("test-suite")
SECRET = "Lily Ashworth of 1 Test Street"  # what a careless exception message might carry


def always_fails(*, label: str) -> None:
    raise RuntimeError(f"could not reach the service for {SECRET}")


CALLS: list[str] = []


def succeeds_second_time(*, label: str) -> str:
    CALLS.append(label)
    if len(CALLS) < 2:
        raise ConnectionError("temporary")
    return "done on attempt 2"


register_job("tests.always_fails", always_fails, label="Test job that always fails")
register_job("tests.flaky", succeeds_second_time, label="Test job that fails once")


def worker_pass() -> None:
    """One pass of the library's worker: run every task that is due, then stop."""
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


def test_backoff_grows_with_each_attempt(settings: Any) -> None:
    settings.ECM_JOB_RETRY_DELAYS = [60, 300, 1800]
    assert [retry_delay(n).total_seconds() for n in (1, 2, 3, 4)] == [60, 300, 1800, 1800]


@pytest.mark.django_db
def test_a_job_that_raises_is_retried_then_failed_and_shown(
    settings: Any, django_capture_on_commit_callbacks: Any, user_client: Any
) -> None:
    settings.ECM_JOB_RETRY_DELAYS = [0, 0]
    with django_capture_on_commit_callbacks(execute=True):
        job = job_enqueue(actor=ACTOR, name="tests.always_fails", arguments={"label": "x"})
    assert job is not None
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.attempts == job.max_attempts == 3
    assert "RuntimeError" in job.error_summary and "always_fails" in job.error_summary
    assert "Ashworth" not in job.error_summary
    event = AuditEvent.objects.get(action="jobs.job_failed", object_id=str(job.pk))
    assert event.data["attempts"] == 3 and "Ashworth" not in str(event.data)

    admin = UserFactory(roles=[Role.SYSTEM_ADMIN])
    response = user_client(admin).get(reverse("jobs:list"))
    text = page_text(response)
    assert response.status_code == 200
    assert "Failed jobs (1)" in text and "Test job that always fails" in text and job.error_summary in text
    assert "Ashworth" not in text

    practitioner = UserFactory(roles=[Role.PRACTITIONER, Role.MANAGER])
    assert user_client(practitioner).get(reverse("jobs:list")).status_code == 404


@pytest.mark.django_db
def test_a_failed_job_can_be_tried_again(settings: Any, django_capture_on_commit_callbacks: Any, user_client: Any):
    settings.ECM_JOB_RETRY_DELAYS = [0]
    CALLS.clear()
    CALLS.append("pretend an earlier run")  # the next call succeeds
    with django_capture_on_commit_callbacks(execute=True):
        job = Job.objects.create(
            name="tests.flaky", arguments={"label": "x"}, status=JobStatus.FAILED, attempts=2, max_attempts=2
        )
        response = user_client(UserFactory(roles=[Role.SYSTEM_ADMIN])).post(reverse("jobs:retry", args=[job.pk]))
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED and job.attempts == 3 and job.outcome == "done on attempt 2"


@pytest.mark.django_db
def test_a_job_that_fails_once_succeeds_on_its_retry(settings: Any, django_capture_on_commit_callbacks: Any) -> None:
    settings.ECM_JOB_RETRY_DELAYS = [0, 0, 0]
    CALLS.clear()
    with django_capture_on_commit_callbacks(execute=True):
        job = job_enqueue(actor=ACTOR, name="tests.flaky", arguments={"label": "x"})
    assert job is not None
    job.refresh_from_db()
    assert (job.status, job.attempts, job.outcome) == (JobStatus.SUCCEEDED, 2, "done on attempt 2")


@pytest.mark.django_db
def test_an_unknown_job_is_refused() -> None:
    with pytest.raises(ValueError, match="No job called"):
        job_enqueue(actor=ACTOR, name="tests.nothing")


@pytest.mark.database_tasks
@pytest.mark.django_db(transaction=True)
def test_email_waits_in_the_database_queue_until_the_worker_runs() -> None:
    sender, recipient = UserFactory(), UserFactory()
    note = notification_send(actor=sender, recipient=recipient, subject="A new action for you", link="/caf/")
    job = Job.objects.get(name="notifications.email")
    assert job.arguments == {"notification_id": str(note.pk)}
    task = DBTaskResult.objects.get(id=job.task_result_id)
    assert task.status == "READY" and mail.outbox == []

    worker_pass()

    job.refresh_from_db()
    task.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED and job.attempts == 1
    assert task.status == "SUCCESSFUL"
    assert [m.to for m in mail.outbox] == [[recipient.email]]


@pytest.mark.database_tasks
@pytest.mark.django_db(transaction=True)
def test_the_worker_retries_with_back_off_and_records_the_failure(settings: Any) -> None:
    settings.ECM_JOB_RETRY_DELAYS = [3600]
    job = job_enqueue(actor=ACTOR, name="tests.always_fails", arguments={"label": "x"})
    assert job is not None
    worker_pass()
    job.refresh_from_db()
    # One attempt; the retry waits an hour in the queue (run_after), so this pass does not run it.
    assert job.status == JobStatus.RETRYING and job.attempts == 1
    assert dt.timedelta(minutes=59) < job.next_run_at - job.started_at <= dt.timedelta(hours=1, minutes=1)
    waiting = DBTaskResult.objects.filter(status="READY").get()
    assert waiting.run_after == job.next_run_at

    # An hour later (the queue's own clock), the worker tries again; that was the last attempt.
    DBTaskResult.objects.filter(pk=waiting.pk).update(run_after=waiting.run_after - dt.timedelta(hours=1))
    worker_pass()
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.attempts == 2
    assert AuditEvent.objects.filter(action="jobs.job_failed", object_id=str(job.pk)).count() == 1


@pytest.mark.django_db
def test_a_job_stuck_as_running_is_shown_and_can_be_tried_again(
    django_capture_on_commit_callbacks: Any, user_client: Any
) -> None:
    from ecm.core import clock

    CALLS.clear()
    CALLS.append("earlier")
    job = Job.objects.create(
        name="tests.flaky",
        arguments={"label": "x"},
        status=JobStatus.RUNNING,
        attempts=1,
        started_at=clock.now() - dt.timedelta(hours=2),
    )
    recent = Job.objects.create(name="tests.flaky", status=JobStatus.RUNNING, attempts=1, started_at=clock.now())
    client = user_client(UserFactory(roles=[Role.SYSTEM_ADMIN]))
    text = page_text(client.get(reverse("jobs:list")))
    assert "Stuck as running (1)" in text
    client.post(reverse("jobs:retry", args=[recent.pk]))
    assert Job.objects.get(pk=recent.pk).status == JobStatus.RUNNING  # still running: not touched
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("jobs:retry", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED and job.attempts == 2


def test_jobs_name_the_system_administrator_role():
    """The jobs app sits below accounts and names the role by value; the value must stay Role's."""
    from ecm.accounts.choices import Role
    from ecm.jobs.access import SYSTEM_ADMIN_ROLE

    assert Role.SYSTEM_ADMIN.value == SYSTEM_ADMIN_ROLE
