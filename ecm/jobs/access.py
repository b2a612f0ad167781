"""Only system administrators see background jobs; anyone else gets 404."""

from __future__ import annotations

from django.http import Http404

from ecm.core.access import role_required
from ecm.jobs.models import Job
from ecm.jobs.selectors import job_for_admin

# The jobs app sits below accounts (accounts enqueues e-mail jobs), so it names the system
# administrator's role by its value; test_jobs_name_the_system_administrator_role checks it.
SYSTEM_ADMIN_ROLE = "system_admin"
admin_required = role_required(SYSTEM_ADMIN_ROLE)

__all__ = ["SYSTEM_ADMIN_ROLE", "admin_required", "job_or_404"]


def job_or_404(job_id: object) -> Job:
    job = job_for_admin(job_id)
    if job is None:
        raise Http404
    return job
