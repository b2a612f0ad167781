"""The one consent register, and the refusal notes kept in a practitioner's own records.

A refusal of consent to record stores nothing about the child: a :class:`RefusalNote`
belongs to the practitioner, names no child and is never shown to anyone else.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from ecm.accounts.models import Organisation
from ecm.consent.choices import ConsentForm, GivenBy, ParentRelationship
from ecm.core.models import BaseModel
from ecm.index.models import Child


class ConsentRecord(BaseModel):
    """Consent for a child: who gave it, to what (scopes), for which agencies, and its review and withdrawal.

    ``withheld_elements`` lists only the codes of assessment elements the family does not want
    recorded, never what they said about them; forms built on this consent leave them out.
    """

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="consents")
    practitioner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    given_by = models.CharField(max_length=10, choices=GivenBy.choices)
    competence_judgement = models.TextField(blank=True)
    parent_name = models.CharField(max_length=100, blank=True)
    parent_relationship = models.CharField(max_length=20, choices=ParentRelationship.choices, blank=True)
    undertake = models.BooleanField(default=False)
    record = models.BooleanField(default=False)
    share = models.BooleanField(default=False)
    share_purpose = models.TextField(blank=True, help_text="What sharing is for and in what circumstances")
    allowed_organisations = models.ManyToManyField(Organisation, blank=True, related_name="+")
    excluded_organisations = models.ManyToManyField(Organisation, blank=True, related_name="+")
    withheld_elements = models.JSONField(default=list, blank=True)
    family_informed = models.BooleanField(default=False)
    form = models.CharField(max_length=10, choices=ConsentForm.choices)
    given_on = models.DateField()
    review_on = models.DateField()
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-given_on", "-created_at"]

    def __str__(self) -> str:
        return f"Consent for {self.child_id} given {self.given_on}"

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None

    @property
    def giver_label(self) -> str:
        if self.given_by == GivenBy.CHILD:
            return "The child or young person (judged competent)"
        return f"{self.parent_name} ({self.get_parent_relationship_display()})"


class RefusalNote(BaseModel):
    """A refusal noted in the practitioner's own records: no child, nothing from the assessment."""

    practitioner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    scopes_refused = models.JSONField(default=list)
    note = models.TextField()
    noted_on = models.DateField()

    class Meta:
        ordering = ["-noted_on"]

    def __str__(self) -> str:
        return f"Refusal noted {self.noted_on}"
