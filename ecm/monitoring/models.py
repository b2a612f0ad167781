"""Quality reviews of CAFs, the monthly aggregates the dashboard reads, training targets and cohort extracts.

No model here holds child-level data for the dashboard: ``MonthlyCount`` holds counts only.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from ecm.accounts.models import LocalAuthority
from ecm.caf.models import Assessment
from ecm.core.models import BaseModel
from ecm.monitoring.choices import QualityRating

USER = settings.AUTH_USER_MODEL


class QualityReview(BaseModel):
    """A manager's or CAF co-ordinator's review of one CAF against the published standard.

    ``criteria`` maps each criterion code of ``QUALITY_STANDARD`` to met / partly / not met;
    the feedback goes to the assessor.
    """

    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="quality_reviews")
    reviewer = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    reviewed_on = models.DateField()
    criteria = models.JSONField(default=dict)
    rating = models.CharField(max_length=30, choices=QualityRating.choices)
    feedback = models.TextField()

    class Meta:
        ordering = ["-reviewed_on", "-created_at"]

    def __str__(self) -> str:
        return f"Quality review {self.reviewed_on}: {self.get_rating_display()}"


class MonthlyCount(models.Model):
    """One count for an area, month, locality and agency ("" meaning all), measure and category.

    Written only by ``aggregates_refresh``; every total the dashboard needs is stored, so a page
    reads rows and never sums children or CAFs.
    """

    area = models.ForeignKey(LocalAuthority, on_delete=models.CASCADE, related_name="+")
    month = models.DateField(help_text="The first day of the month")
    locality = models.CharField(max_length=20, blank=True)
    agency = models.CharField(max_length=30, blank=True)
    measure = models.CharField(max_length=40)
    category = models.CharField(max_length=60, blank=True)
    value = models.PositiveIntegerField()

    class Meta:
        indexes = [
            models.Index(fields=["area", "locality", "agency", "month"], name="monitoring_count_lookup_idx"),
            models.Index(fields=["area", "measure", "locality", "month"], name="monitoring_count_measure_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.measure}/{self.category}: {self.value}"


class AggregateRefresh(BaseModel):
    """When an area's aggregates were last rebuilt, so pages can say how fresh the figures are."""

    area = models.OneToOneField(LocalAuthority, on_delete=models.CASCADE, related_name="+")
    refreshed_at = models.DateTimeField()
    rows = models.PositiveIntegerField(default=0)
    cafs = models.PositiveIntegerField(default=0)
    localities = models.JSONField(default=list, help_text="The localities the counts hold, for the filters")
    agencies = models.JSONField(default=list, help_text="The agencies the counts hold, for the filters")

    def __str__(self) -> str:
        return f"{self.area} at {self.refreshed_at:%Y-%m-%d %H:%M}"


class TrainingTarget(BaseModel):
    """How many practitioners of one agency (organisation type) in an area the area aims to have trained."""

    area = models.ForeignKey(LocalAuthority, on_delete=models.PROTECT, related_name="+")
    agency = models.CharField(max_length=30)
    target = models.PositiveIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["area", "agency"], name="monitoring_one_target_per_agency")]

    def __str__(self) -> str:
        return f"{self.agency}: {self.target}"


class CohortExtract(BaseModel):
    """A pseudonymised cohort extract a data manager took, with the purpose they recorded."""

    requested_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    area = models.ForeignKey(LocalAuthority, on_delete=models.PROTECT, related_name="+")
    purpose = models.TextField()
    started_from = models.DateField()
    started_to = models.DateField()
    rows = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Cohort extract {self.created_at:%Y-%m-%d} ({self.rows} rows)"
