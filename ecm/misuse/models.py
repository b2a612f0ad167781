"""Misuse alerts, and the staff details the rules compare child records against."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from ecm.core.models import BaseModel
from ecm.misuse.choices import AlertStatus, InvestigationOutcome, Rule, Severity


class Alert(BaseModel):
    """A suspicion about one user's use of the index, raised by a rule, worked by a privacy officer.

    ``evidence`` lists the audit event sequences that raised it (the trail itself is
    the evidence; nothing is copied). ``dedupe_key`` makes raising idempotent: the
    daily review can be run again for the same day and an access rule adds later
    accesses of the same day to the alert already open. ``child_id`` names the child
    record concerned when there is one (the index's UUID, as in the audit trail).
    """

    rule = models.CharField(max_length=3, choices=Rule.choices, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="misuse_alerts")
    severity = models.CharField(max_length=10, choices=Severity.choices)
    status = models.CharField(max_length=10, choices=AlertStatus.choices, default=AlertStatus.OPEN, db_index=True)
    summary = models.TextField()
    evidence = models.JSONField(default=list, blank=True, help_text="Audit event sequences")
    child_id = models.CharField(max_length=64, blank=True)
    review_date = models.DateField(help_text="The day (local time) whose use raised the alert")
    dedupe_key = models.CharField(max_length=200, unique=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    handled_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(blank=True)
    escalated_to = models.JSONField(
        default=list, blank=True, help_text="Who was told of the escalation: [{'user': pk, 'as': 'manager'|...}]"
    )
    findings = models.TextField(blank=True, help_text="What the investigation after escalation found")
    outcome = models.CharField(max_length=20, choices=InvestigationOutcome.choices, blank=True)
    investigated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    investigated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "rule"]), models.Index(fields=["user", "status"])]

    def __str__(self) -> str:
        return f"{self.rule} {self.user} {self.review_date:%Y-%m-%d}"

    @property
    def is_open(self) -> bool:
        return self.status == AlertStatus.OPEN


class StaffPersonalDetails(BaseModel):
    """A member of staff's own home and family names, kept by privacy officers for rules R1-R3.

    Only the misuse rules and privacy officers read it. ``family_names`` holds other
    family names the person uses or is known by (maiden name, partner's name), one a
    line. ``works_out_of_hours`` exempts people on an out-of-hours rota from R10.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="misuse_personal_details"
    )
    home_postcode = models.CharField(max_length=10, blank=True)
    home_address = models.TextField(blank=True)
    family_names = models.TextField(blank=True, help_text="Other family names, one a line")
    works_out_of_hours = models.BooleanField(default=False)

    class Meta:
        verbose_name_plural = "staff personal details"

    def __str__(self) -> str:
        return f"personal details of {self.user}"

    @property
    def family_name_list(self) -> list[str]:
        return [line.strip() for line in self.family_names.splitlines() if line.strip()]
