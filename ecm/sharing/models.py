"""Information sharing decisions (the guided questions, advice, countersignature) and the disclosure log.

A :class:`SharingDecision` is immutable once written: a correction is a new record that
``supersedes`` the old one, and the database rejects UPDATE on the final records
(``ecm.sharing.triggers``). Work in progress lives in :class:`DecisionDraft`, which may change.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from ecm.accounts.models import LocalAuthority, Organisation
from ecm.consent.models import ConsentRecord
from ecm.core.models import BaseModel
from ecm.index.models import Child
from ecm.sharing.choices import (
    ConsentStatus,
    Countersign,
    DisclosureMode,
    DraftStatus,
    Ground,
    Information,
    Method,
    Outcome,
)


class SharingAdviser(BaseModel):
    """A named information-sharing adviser for an organisation or a whole local authority area.

    Practitioners who answer "not sure" may ask one of these, or their own manager.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    local_authority = models.ForeignKey(
        LocalAuthority, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"Adviser {self.user_id} for {self.organisation_id or self.local_authority_id}"

    @property
    def covers_label(self) -> str:
        if self.organisation is not None:
            return str(self.organisation.name)
        return f"All of {self.local_authority.name}" if self.local_authority is not None else ""


class SharingDecision(BaseModel):
    """A recorded decision whether to share a child's information with an organisation. Immutable.

    Holds the answers to the key questions, the reasons (always, whether to share or not) and,
    when sharing: what, with whom, purpose, method, consent status and, without consent, the
    ground. Sharing confidential information without consent waits for a manager's
    :class:`Countersignature` before it is in force. A correction is a new record pointing at
    this one through ``supersedes``.
    """

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="sharing_decisions")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    ground = models.CharField(max_length=20, choices=Ground.choices, blank=True)
    duty_or_order = models.CharField(max_length=300, blank=True)
    reason = models.TextField()
    information = models.CharField(max_length=10, choices=Information.choices, default=Information.OTHER)
    source_label = models.CharField(max_length=100, blank=True, help_text="What prompted it, e.g. a CAF reference")
    what_shared = models.TextField(blank=True)
    recipient_person = models.CharField(max_length=200, blank=True)
    purpose = models.TextField(blank=True)
    method = models.CharField(max_length=20, choices=Method.choices, blank=True)
    consent_status = models.CharField(max_length=12, choices=ConsentStatus.choices, blank=True)
    consent_reason = models.TextField(blank=True, help_text="Why consent was not sought")
    consent = models.ForeignKey(ConsentRecord, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    confidential = models.BooleanField(default=True)
    family_told = models.BooleanField(default=False)
    not_told_reason = models.TextField(blank=True)
    answers = models.JSONField(default=dict, blank=True)
    needs_countersignature = models.BooleanField(default=False)
    urgent = models.BooleanField(
        default=False,
        help_text="A child is at risk of significant harm: shared at once, the manager reviews it afterwards",
    )
    review_due_on = models.DateField(null=True, blank=True, help_text="An urgent decision's review is due by")
    supersedes = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="corrected_by"
    )
    correction_reason = models.TextField(blank=True)
    decided_on = models.DateField()

    class Meta:
        ordering = ["-decided_on", "-created_at"]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} with {self.organisation_id} ({self.decided_on})"

    @property
    def countersign_status(self) -> str:
        if not self.needs_countersignature:
            return Countersign.NOT_NEEDED
        signature = getattr(self, "countersignature", None)
        if signature is None:
            return Countersign.PENDING
        return Countersign.AGREED if signature.agreed else Countersign.DECLINED

    @property
    def countersign_label(self) -> str:
        if self.urgent:
            labels: dict[str, str] = {
                Countersign.PENDING: "Shared at once: waiting for a manager's review",
                Countersign.AGREED: "Reviewed by a manager: agreed",
                Countersign.DECLINED: "Reviewed by a manager: not agreed",
            }
            return labels.get(self.countersign_status, str(Countersign(self.countersign_status).label))
        return str(Countersign(self.countersign_status).label)

    @property
    def review_overdue(self) -> bool:
        """An urgent decision whose manager's review is past its due date."""
        from ecm.core import clock

        return (
            self.urgent
            and self.review_due_on is not None
            and self.countersign_status == Countersign.PENDING
            and clock.today() > self.review_due_on
        )

    @property
    def is_corrected(self) -> bool:
        return hasattr(self, "corrected_by")

    @property
    def in_force(self) -> bool:
        """Not corrected, and countersigned where that is needed.

        An urgent decision (a child at risk of significant harm) is in force at once, while it waits for
        the manager's review; a review that does not agree stops further sharing under it.
        """
        if self.is_corrected:
            return False
        status = self.countersign_status
        return status in (Countersign.NOT_NEEDED, Countersign.AGREED) or (self.urgent and status == Countersign.PENDING)

    @property
    def status_label(self) -> str:
        if self.is_corrected:
            return "Corrected by a later record"
        if self.needs_countersignature:
            return self.countersign_label
        return "Recorded"


class Countersignature(BaseModel):
    """A manager's countersignature of a decision to share confidential information without consent.

    ``agreed`` False records a refusal: the decision never comes into force. Immutable.
    """

    decision = models.OneToOneField(SharingDecision, on_delete=models.PROTECT, related_name="countersignature")
    manager = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    agreed = models.BooleanField()
    comment = models.TextField(blank=True)
    signed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{'Countersigned' if self.agreed else 'Refused'} {self.decision_id}"


class DecisionDraft(BaseModel):
    """A decision in progress: the answers so far, the details, and whether it waits for advice."""

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="+")
    practitioner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    information = models.CharField(max_length=10, choices=Information.choices)
    source_label = models.CharField(max_length=100, blank=True)
    return_url = models.CharField(max_length=300, blank=True)
    answers = models.JSONField(default=dict, blank=True)
    details = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=20, choices=DraftStatus.choices, default=DraftStatus.IN_PROGRESS)
    decision = models.OneToOneField(
        SharingDecision, null=True, blank=True, on_delete=models.PROTECT, related_name="draft"
    )

    class Meta:
        ordering = ["-modified_at"]

    def __str__(self) -> str:
        return f"Draft decision for {self.child_id} ({self.status})"

    def answer(self, number: int) -> Any:
        return self.answers.get(str(number))


class AdviceRequest(BaseModel):
    """A "not sure" sent to an adviser (the manager or a named adviser), and the advice given."""

    draft = models.ForeignKey(DecisionDraft, on_delete=models.PROTECT, related_name="advice")
    question = models.PositiveSmallIntegerField()
    adviser = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    query = models.TextField()
    advice = models.TextField(blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"Advice on question {self.question} for {self.draft_id}"


class Disclosure(BaseModel):
    """One disclosure of a child's information: what, to whom, how, when, and on what basis. Immutable.

    The basis is a decision (``decision``) or the family's consent (``consent``). ``mode`` says
    whether a practitioner shared it or ECM made it available (a CAF transfer, eCAF access).
    """

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="disclosures")
    information = models.CharField(max_length=10, choices=Information.choices)
    description = models.TextField(blank=True)
    reference = models.CharField(max_length=100, blank=True, help_text="e.g. the CAF reference")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    recipient_person = models.CharField(max_length=200, blank=True)
    method = models.CharField(max_length=20, choices=Method.choices)
    mode = models.CharField(max_length=10, choices=DisclosureMode.choices)
    decision = models.ForeignKey(SharingDecision, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    consent = models.ForeignKey(ConsentRecord, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    disclosed_at = models.DateTimeField(help_text="When the information was shared (not when this row was written)")
    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Who shared it (or on whose decision ECM made it available)",
    )

    class Meta:
        ordering = ["-disclosed_at"]

    def __str__(self) -> str:
        return f"{self.get_information_display()} to {self.organisation_id} at {self.disclosed_at}"
