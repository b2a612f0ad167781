"""Queue, run and retry background jobs.

``job_enqueue`` records a :class:`~ecm.jobs.models.Job` in the caller's transaction and hands
its id to the task queue (django-tasks) only once that transaction commits, so nothing runs
for work that was rolled back, and nothing slow or fallible (e-mail) runs inside a request.
``job_execute`` is what the worker (``manage.py db_worker``) runs: one attempt, then success,
a retry after a growing delay (``settings.ECM_JOB_RETRY_DELAYS``), or, when the attempts are
spent, ``failed`` — logged, audited and listed for system administrators; never silent.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import traceback
from functools import partial
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction

from ecm.audit.services import audit_record
from ecm.core import clock
from ecm.core.actors import SYSTEM_JOB_RUNNER, Actor, SystemActor
from ecm.jobs.choices import JobStatus
from ecm.jobs.models import Job
from ecm.jobs.registry import job_spec

logger = logging.getLogger("ecm.jobs")


class JobError(ValueError):
    """A job cannot be queued as asked."""


def retry_delays() -> list[int]:
    return [int(d) for d in settings.ECM_JOB_RETRY_DELAYS]


def retry_delay(attempt: int) -> dt.timedelta:
    """How long to wait after failed attempt number ``attempt`` (1-based)."""
    delays = retry_delays() or [60]
    return dt.timedelta(seconds=delays[min(attempt, len(delays)) - 1])


def error_summary(exc: BaseException) -> str:
    """The exception's type and where it was raised. Never its message, which may hold personal data."""
    cls = type(exc)
    name = cls.__qualname__ if cls.__module__ == "builtins" else f"{cls.__module__}.{cls.__qualname__}"
    if isinstance(exc, SystemExit):
        name = f"SystemExit (exit code {exc.code if isinstance(exc.code, int) else 1})"
    frames = traceback.extract_tb(exc.__traceback__)
    where = f" in {frames[-1].name} ({os.path.basename(frames[-1].filename)}:{frames[-1].lineno})" if frames else ""
    return (name + where)[:300]


def job_enqueue(
    *,
    actor: Actor,
    name: str,
    arguments: dict[str, Any] | None = None,
    key: str | None = None,
    max_attempts: int | None = None,
    audit: bool = False,
) -> Job | None:
    """Record a job and queue it after commit. A ``key`` already used makes this a no-op (``None``).

    ``arguments`` must be ids and plain values, never personal data: they are stored in the queue.
    """
    if job_spec(name) is None:
        raise JobError(f"No job called {name!r} is registered.")
    with transaction.atomic():
        if key and Job.objects.filter(key=key).exists():
            return None
        job = Job(
            name=name,
            key=key or None,
            arguments=arguments or {},
            max_attempts=max_attempts or len(retry_delays()) + 1,
            next_run_at=clock.now(),
        )
        job.stamp(actor, creating=True)
        try:
            with transaction.atomic():  # a concurrent enqueue with the same key wins; this one is a no-op
                job.save()
        except IntegrityError:
            if key:
                return None
            raise
        if audit:
            audit_record(actor=actor, action="jobs.job_queued", target=job, data={"name": name, "key": key or ""})
        transaction.on_commit(partial(_hand_to_queue, str(job.pk), None))
    return job


def _hand_to_queue(job_id: str, run_after: dt.datetime | None) -> None:
    """Give the job to the task backend (after commit). A deferred retry uses the backend's ``run_after``."""
    from ecm.jobs.tasks import job_run

    task = job_run
    if run_after is not None and task.get_backend().supports_defer:
        task = task.using(run_after=run_after)
    result = task.enqueue(job_id)
    Job.objects.filter(pk=job_id, task_result_id="").update(task_result_id=str(result.id)[:64])


def job_execute(*, job_id: str) -> str:
    """Run one attempt of the job (the worker calls this through ``ecm.jobs.tasks.job_run``)."""
    with transaction.atomic():
        job = Job.objects.select_for_update().filter(pk=job_id).first()
        if job is None:
            logger.error("job %s: no such job", job_id)
            return "no such job"
        if job.status not in (JobStatus.QUEUED, JobStatus.RETRYING):
            return f"not run: already {job.status}"
        job.status = JobStatus.RUNNING
        job.attempts += 1
        job.started_at = clock.now()
        job.stamp(SYSTEM_JOB_RUNNER)
        job.save()
    spec = job_spec(job.name)
    try:
        if spec is None:
            raise LookupError("job not registered")
        outcome = spec.handler(**job.arguments)
    except (Exception, SystemExit) as exc:
        return _attempt_failed(job, exc)
    with transaction.atomic():
        job.status = JobStatus.SUCCEEDED
        job.finished_at = clock.now()
        job.next_run_at = None
        job.outcome = str(outcome or "")[:300]
        job.stamp(SYSTEM_JOB_RUNNER)
        job.save()
        if job.key:
            audit_record(
                actor=_actor_for(job),
                action="jobs.job_succeeded",
                target=job,
                data={"name": job.name, "key": job.key, "attempts": job.attempts, "outcome": job.outcome},
            )
    logger.info("job %s %s succeeded on attempt %d", job.name, job.pk, job.attempts)
    return "succeeded"


def _actor_for(job: Job) -> SystemActor:
    spec = job_spec(job.name)
    return SystemActor(spec.actor_name) if spec else SYSTEM_JOB_RUNNER


def _attempt_failed(job: Job, exc: BaseException) -> str:
    summary = error_summary(exc)
    with transaction.atomic():
        job.error_summary = summary
        job.stamp(SYSTEM_JOB_RUNNER)
        if job.attempts < job.max_attempts:
            delay = retry_delay(job.attempts)
            job.status = JobStatus.RETRYING
            job.next_run_at = clock.now() + delay
            job.save()
            run_after = job.next_run_at
            transaction.on_commit(partial(_hand_to_queue, str(job.pk), run_after))
            logger.warning(
                "job %s %s attempt %d of %d failed (%s); retrying in %d s",
                job.name,
                job.pk,
                job.attempts,
                job.max_attempts,
                summary,
                int(delay.total_seconds()),
            )
            return f"attempt {job.attempts} failed; retrying"
        job.status = JobStatus.FAILED
        job.finished_at = clock.now()
        job.next_run_at = None
        job.save()
        audit_record(
            actor=_actor_for(job),
            action="jobs.job_failed",
            target=job,
            data={"name": job.name, "key": job.key or "", "attempts": job.attempts, "error": summary},
        )
    logger.error("job %s %s failed after %d attempts (%s)", job.name, job.pk, job.attempts, summary)
    return "failed"


@transaction.atomic
def job_retry(*, actor: Actor, job: Job) -> Job:
    """A system administrator asks for a failed (or stuck) job to be tried again, with a fresh set of attempts."""
    from ecm.jobs.selectors import STUCK_AFTER

    stuck = (
        job.status == JobStatus.RUNNING and job.started_at is not None and job.started_at < clock.now() - STUCK_AFTER
    )
    if job.status != JobStatus.FAILED and not stuck:
        raise JobError("Only a failed job, or one stuck as running for over an hour, can be tried again.")
    job.status = JobStatus.RETRYING
    job.max_attempts = job.attempts + len(retry_delays()) + 1
    job.next_run_at = clock.now()
    job.finished_at = None
    job.stamp(actor)
    job.save()
    audit_record(actor=actor, action="jobs.job_retried", target=job, data={"name": job.name})
    transaction.on_commit(partial(_hand_to_queue, str(job.pk), None))
    return job


@transaction.atomic
def jobs_prune(*, actor: Actor, older_than_days: int = 90) -> int:
    """Delete succeeded jobs finished more than ``older_than_days`` ago (failed ones stay until tried again)."""
    before = clock.now() - dt.timedelta(days=older_than_days)
    deleted, _ = Job.objects.filter(status=JobStatus.SUCCEEDED, finished_at__lt=before).delete()
    audit_record(actor=actor, action="jobs.pruned", data={"deleted": deleted, "older_than_days": older_than_days})
    return deleted
