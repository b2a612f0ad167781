"""Only system administrators see background jobs; anyone else gets 404."""

from __future__ import annotations

from django.http import Http404

from ecm.accounts.access import admin_required
from ecm.jobs.models import Job
from ecm.jobs.selectors import job_for_admin

__all__ = ["admin_required", "job_or_404"]


def job_or_404(job_id: object) -> Job:
    job = job_for_admin(job_id)
    if job is None:
        raise Http404
    return job
