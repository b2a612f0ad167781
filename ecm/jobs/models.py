"""A tracked background job: what to run, how often it has been tried, and how it ended.

The task queue (django-tasks with its database backend) only carries a job's id; the job row
is the record of attempts, the next retry and the outcome. ``arguments`` hold ids, never
personal data, and ``error_summary`` names the exception and where it was raised, never its
message (a message can carry what the job was working on).
"""

from __future__ import annotations

from django.db import models

from ecm.core.models import BaseModel
from ecm.jobs.choices import JobStatus


class Job(BaseModel):
    name = models.CharField(max_length=80, help_text="The registered job, e.g. notifications.email")
    key = models.CharField(
        max_length=200, unique=True, null=True, blank=True, help_text="Idempotency key: one job per key, ever"
    )
    arguments = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=20, choices=JobStatus.choices, default=JobStatus.QUEUED, db_index=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    max_attempts = models.PositiveSmallIntegerField(default=5)
    next_run_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    error_summary = models.CharField(max_length=300, blank=True)
    outcome = models.CharField(max_length=300, blank=True, help_text="What a successful run reported")
    task_result_id = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["name", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_status_display()})"
