"""Moderation, freshness, problem reports and search analytics around the HSDS entities."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from ecm.core import clock
from ecm.core.models import BaseModel
from ecm.directory.choices import ChangeStatus, ReportStatus, SearchChannel


class ServiceChange(BaseModel):
    """A provider's proposed change to one service, waiting for the directory team.

    ``original`` keeps each changed field's value when the change was proposed and
    ``proposed`` its new value, so the team sees a field-by-field diff (and a clash
    if the service moved on meanwhile).
    """

    service = models.ForeignKey("directory.Service", on_delete=models.CASCADE, related_name="changes")
    status = models.CharField(max_length=10, choices=ChangeStatus.choices, default=ChangeStatus.PENDING)
    original = models.JSONField(default=dict)
    proposed = models.JSONField(default=dict)
    provider_note = models.TextField(blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="directory_changes_submitted"
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="directory_changes_reviewed",
    )
    review_note = models.TextField(blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"Change to {self.service} ({self.status})"


class ProblemReport(BaseModel):
    """A public "report a problem with this page" message about a service, for the directory team."""

    service = models.ForeignKey("directory.Service", on_delete=models.CASCADE, related_name="problem_reports")
    description = models.TextField()
    reporter_email = models.EmailField(blank=True)
    status = models.CharField(max_length=10, choices=ReportStatus.choices, default=ReportStatus.OPEN)
    resolution_note = models.TextField(blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Problem with {self.service}"


class FreshnessReminder(BaseModel):
    """One reminder sent because a service had not been reviewed for 12 months.

    ``review_due_on`` identifies the review cycle and ``number`` the reminder within
    it, so the daily job never sends the same reminder twice.
    """

    service = models.ForeignKey("directory.Service", on_delete=models.CASCADE, related_name="freshness_reminders")
    review_due_on = models.DateField()
    number = models.PositiveSmallIntegerField()
    recipients = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["service", "review_due_on", "number"], name="directory_unique_reminder")
        ]

    def __str__(self) -> str:
        return f"Reminder {self.number} for {self.service}"


class SearchEvent(models.Model):
    """One search, for the directory team's analytics. Holds no personal data.

    Only the outward part of a postcode is kept (``LS9``, never ``LS9 8AB``) and
    keywords are not stored, only whether one was given.
    """

    id = models.BigAutoField(primary_key=True)
    occurred_at = models.DateTimeField(default=clock.now)
    week_start = models.DateField(db_index=True, help_text="Monday of the week of the search")
    channel = models.CharField(max_length=20, choices=SearchChannel.choices)
    outward_code = models.CharField(max_length=4, blank=True)
    had_keyword = models.BooleanField(default=False)
    age_months = models.PositiveSmallIntegerField(null=True, blank=True)
    result_count = models.PositiveIntegerField()
    needs = models.ManyToManyField("directory.TaxonomyTerm", blank=True, related_name="search_events")

    class Meta:
        ordering = ["-occurred_at"]

    def __str__(self) -> str:
        return f"{self.channel} search {self.occurred_at:%Y-%m-%d} ({self.result_count})"
