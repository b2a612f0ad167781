"""Subject access requests with their package and redactions; rectification requests and annotations.

A package is compiled once and stored (``AccessPackage.data``), so that the data manager
reviews, redacts and releases exactly the same content; the released PDF and JSON are
rendered from it with the redactions applied, every time, in the same way.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models

from ecm.caf.models import Assessment
from ecm.core.models import BaseModel
from ecm.index.models import Child
from ecm.rights.choices import (
    IndexField,
    ReceivedBy,
    RectificationKind,
    RectificationStatus,
    RedactionReason,
    RefusalGround,
    Relationship,
    RequestStatus,
)

USER = settings.AUTH_USER_MODEL


class AccessRequest(BaseModel):
    """A request to see what ECM holds about a child: who asked, how, identity, the deadline and the outcome.

    ``due_on`` is one calendar month from receipt; ``extended_due_on`` is set once, within the
    first month, with a reason and the date the requester was told.
    """

    reference = models.CharField(max_length=12, unique=True)
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="access_requests")
    requester_name = models.CharField(max_length=100)
    relationship = models.CharField(max_length=20, choices=Relationship.choices)
    relationship_detail = models.CharField(max_length=200, blank=True)
    requester_contact = models.TextField(blank=True, help_text="Where to send the reply")
    received_on = models.DateField()
    received_by = models.CharField(max_length=10, choices=ReceivedBy.choices)
    request_text = models.TextField(blank=True)
    identity_checked = models.BooleanField(default=False)
    identity_evidence = models.TextField(blank=True)
    due_on = models.DateField()
    extended_due_on = models.DateField(null=True, blank=True)
    extension_reason = models.TextField(blank=True)
    extension_decided_on = models.DateField(null=True, blank=True)
    requester_notified_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=RequestStatus.choices, default=RequestStatus.OPEN)
    closed_on = models.DateField(null=True, blank=True)
    refusal_ground = models.CharField(max_length=20, choices=RefusalGround.choices, blank=True)
    refusal_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["due_on", "received_on"]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_open(self) -> bool:
        return self.status == RequestStatus.OPEN

    @property
    def effective_due_on(self) -> dt.date:
        return self.extended_due_on or self.due_on


class AccessPackage(BaseModel):
    """Everything held about the child when it was compiled, as one structure (see ``ecm.rights.package``)."""

    request = models.OneToOneField(AccessRequest, on_delete=models.PROTECT, related_name="package")
    data = models.JSONField(default=dict)
    compiled_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Package for {self.request_id}"


class Redaction(BaseModel):
    """One item or field of a package withheld from the requester, with the reason.

    ``path`` points into the package (``caf/<id>/versions/2`` for a whole item,
    ``caf/<id>/versions/2/home_situation`` for one field). The withheld value is never copied here.
    """

    request = models.ForeignKey(AccessRequest, on_delete=models.PROTECT, related_name="redactions")
    path = models.CharField(max_length=300)
    reason = models.CharField(max_length=20, choices=RedactionReason.choices)
    note = models.TextField()

    class Meta:
        ordering = ["path"]
        constraints = [models.UniqueConstraint(fields=["request", "path"], name="rights_redaction_unique_path")]

    def __str__(self) -> str:
        return f"{self.path} ({self.reason})"


class RectificationRequest(BaseModel):
    """A request to correct data about a child: a fact on the index, or an opinion in a CAF (annotated).

    On approval the fact is changed through ``ecm.index.services`` (which keeps names and addresses
    as history); ``previous_value`` keeps what it was. An opinion is never changed: an
    :class:`Annotation` is attached to it instead.
    """

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="rectification_requests")
    kind = models.CharField(max_length=10, choices=RectificationKind.choices)
    index_field = models.CharField(max_length=30, choices=IndexField.choices, blank=True)
    assessment = models.ForeignKey(Assessment, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    field_key = models.CharField(max_length=80, blank=True, help_text="The CAF form field the opinion is in")
    current_value = models.TextField(blank=True)
    proposed_value = models.TextField()
    requester_name = models.CharField(max_length=100)
    relationship = models.CharField(max_length=20, choices=Relationship.choices)
    evidence = models.TextField(blank=True)
    received_on = models.DateField()
    status = models.CharField(max_length=10, choices=RectificationStatus.choices, default=RectificationStatus.PENDING)
    decided_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_on = models.DateField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)
    previous_value = models.TextField(blank=True)

    class Meta:
        ordering = ["-received_on", "-created_at"]

    def __str__(self) -> str:
        return f"Rectification {self.get_kind_display()} {self.received_on}"

    @property
    def field_label(self) -> str:
        if self.kind == RectificationKind.FACT:
            return self.get_index_field_display()
        from ecm.caf.framework import FIELD_LABELS

        return FIELD_LABELS.get(self.field_key, self.field_key)


class Annotation(BaseModel):
    """A note attached to an opinion in a CAF, recording that the child or family disputes it.

    Shown with the field wherever the package shows it; the opinion itself stays as written.
    """

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="+")
    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="+")
    field_key = models.CharField(max_length=80)
    text = models.TextField()
    rectification = models.OneToOneField(
        RectificationRequest, null=True, blank=True, on_delete=models.PROTECT, related_name="annotation"
    )

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"Annotation on {self.assessment_id}:{self.field_key}"
