"""The one task the queue carries: run a tracked job by id (see ``ecm.jobs.services``)."""

from __future__ import annotations

from django_tasks import task


@task()
def job_run(job_id: str) -> str:
    from ecm.jobs.services import job_execute

    return job_execute(job_id=job_id)
