"""Decisions to share (or not) without consent, with their ground and reasons."""

from __future__ import annotations

from django.db import models

from ecm.accounts.models import Organisation
from ecm.core.models import BaseModel
from ecm.index.models import Child
from ecm.sharing.choices import Ground, Outcome


class SharingDecision(BaseModel):
    """A recorded decision whether to share a child's information with an organisation without consent.

    The reasons are always recorded, whether the decision is to share or not; a statutory
    duty or court order is named; whether the family was told, and if not why not.
    """

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="sharing_decisions")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    ground = models.CharField(max_length=20, choices=Ground.choices, blank=True)
    duty_or_order = models.CharField(max_length=300, blank=True)
    reason = models.TextField()
    what_shared = models.TextField(blank=True)
    purpose = models.TextField(blank=True)
    family_told = models.BooleanField(default=False)
    not_told_reason = models.TextField(blank=True)
    decided_on = models.DateField()

    class Meta:
        ordering = ["-decided_on", "-created_at"]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} with {self.organisation_id} ({self.decided_on})"
