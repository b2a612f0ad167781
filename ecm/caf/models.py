"""The electronic CAF: checklist, assessment and its immutable versions, the Team Around the Child,
the lead professional's history, meetings, the delivery plan, reviews, escalations and transfers.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from ecm.accounts.models import LocalAuthority, Organisation
from ecm.caf.choices import (
    Answer,
    CafStatus,
    ChecklistDecision,
    ClosureReason,
    FamilyRating,
    LeadOfferStatus,
    MemberKind,
    Outcome,
    OutcomeRating,
    Progress,
    RequestedBy,
    RequestStatus,
    SpecialistKind,
)
from ecm.consent.models import ConsentRecord
from ecm.core.models import BaseModel
from ecm.index.models import Child

USER = settings.AUTH_USER_MODEL


class Checklist(BaseModel):
    """A pre-assessment checklist over the five outcomes, ending in a decision.

    It may be saved before the child is identified on the index (``child`` empty,
    ``working_name`` a note for the practitioner only).
    """

    practitioner = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="caf_checklists")
    child = models.ForeignKey(Child, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    working_name = models.CharField(max_length=100, blank=True)
    answers = models.JSONField(default=dict)
    decision = models.CharField(max_length=20, choices=ChecklistDecision.choices)
    notes = models.TextField(blank=True)
    requested_by = models.CharField(max_length=20, choices=RequestedBy.choices, default=RequestedBy.PRACTITIONER)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Checklist {self.get_decision_display()}"

    def answer_label(self, code: str) -> str:
        return Answer(self.answers[code]).label if self.answers.get(code) in Answer.values else ""


class Assessment(BaseModel):
    """One CAF for one child: its header, status, review schedule, closure and the family's copy."""

    reference = models.CharField(max_length=12, unique=True)
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="caf_assessments")
    author = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="caf_authored")
    author_organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    consent = models.ForeignKey(ConsentRecord, on_delete=models.PROTECT, related_name="assessments")
    checklist = models.ForeignKey(Checklist, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    requested_by = models.CharField(max_length=20, choices=RequestedBy.choices, default=RequestedBy.PRACTITIONER)
    status = models.CharField(max_length=10, choices=CafStatus.choices, default=CafStatus.DRAFT)
    started_on = models.DateField()
    completed_on = models.DateField(null=True, blank=True)
    version = models.PositiveIntegerField(default=0)
    review_interval_weeks = models.PositiveSmallIntegerField(default=6)
    next_review_on = models.DateField(null=True, blank=True)
    review_due_notified_for = models.DateField(null=True, blank=True)
    review_overdue_notified_for = models.DateField(null=True, blank=True)
    closed_on = models.DateField(null=True, blank=True)
    closure_reason = models.CharField(max_length=20, choices=ClosureReason.choices, blank=True)
    closure_notes = models.TextField(blank=True)
    step_up_referred_on = models.DateField(null=True, blank=True)
    step_up_accepted_on = models.DateField(null=True, blank=True)
    step_up_notes = models.TextField(blank=True)
    family_copy_withheld = models.BooleanField(default=False)
    family_copy_withheld_reason = models.TextField(blank=True)
    stepped_down_from = models.CharField(
        max_length=20, choices=SpecialistKind.choices, blank=True, help_text="The specialist service that stepped down"
    )
    family_feedback_rating = models.CharField(max_length=20, choices=FamilyRating.choices, blank=True)
    family_feedback = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_on", "-created_at"]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_open(self) -> bool:
        return self.status != CafStatus.CLOSED


class AssessmentVersion(BaseModel):
    """One saved version of the form. Never changed after it is written: the next save is a new version."""

    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    data = models.JSONField(default=dict)
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["assessment", "number"], name="caf_version_unique_number")]

    def __str__(self) -> str:
        return f"{self.assessment_id} v{self.number}"


class TeamMember(BaseModel):
    """A member of the Team Around the Child: a practitioner, the child, or a parent or carer."""

    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="members")
    kind = models.CharField(max_length=20, choices=MemberKind.choices)
    user = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="caf_memberships")
    organisation = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=100)
    added_on = models.DateField()
    removed_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["added_on", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def label(self) -> str:
        agency = f", {self.organisation.name}" if self.organisation_id and self.organisation else ""
        return f"{self.name} ({self.get_kind_display()}{agency})"


class Meeting(BaseModel):
    """A TAC meeting: planned ahead (date, time, place, who is invited) or recorded after; who came,
    and notes (which go to every member)."""

    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="meetings")
    held_on = models.DateField()
    starts_at = models.TimeField(null=True, blank=True)
    place = models.CharField(max_length=200, blank=True)
    is_planned = models.BooleanField(default=False, help_text="Scheduled and not yet minuted")
    invitees = models.ManyToManyField(TeamMember, related_name="+")
    attendees = models.ManyToManyField(TeamMember, related_name="+")
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["-held_on"]

    def __str__(self) -> str:
        return f"TAC meeting {self.held_on}"


class LeadProfessional(BaseModel):
    """One period as lead professional, appointed at a TAC meeting, with the reason and a handover note."""

    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="leads")
    member = models.ForeignKey(TeamMember, on_delete=models.PROTECT, related_name="+")
    supporting_member = models.ForeignKey(
        TeamMember,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The practitioner who supports a young person, parent or carer who leads",
    )
    meeting = models.ForeignKey(Meeting, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    handover_note = models.TextField(blank=True)
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-started_on", "-created_at"]

    def __str__(self) -> str:
        return f"Lead {self.member_id} from {self.started_on}"

    @property
    def family_leads(self) -> bool:
        return self.member.kind != MemberKind.PRACTITIONER

    @property
    def contact_member(self) -> TeamMember:
        """Who practitioners contact: the lead, or the practitioner supporting a family lead."""
        return self.supporting_member if self.family_leads and self.supporting_member else self.member


class LeadOffer(BaseModel):
    """A handover of the lead professional role, offered and waiting for the new lead to accept.

    The current lead stays until the offer is accepted (DOMAIN section 4). For a young person, parent
    or carer who leads, the supporting practitioner accepts on the day the family agreed.
    """

    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="lead_offers")
    member = models.ForeignKey(TeamMember, on_delete=models.PROTECT, related_name="+")
    supporting_member = models.ForeignKey(TeamMember, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    meeting = models.ForeignKey(Meeting, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    handover_note = models.TextField(blank=True)
    source = models.CharField(max_length=200, blank=True, help_text="Who proposed it, e.g. a panel")
    status = models.CharField(max_length=10, choices=LeadOfferStatus.choices, default=LeadOfferStatus.OFFERED)
    answered_on = models.DateField(null=True, blank=True)
    answer_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Lead offer to {self.member_id} ({self.status})"

    @property
    def acceptor_member(self) -> TeamMember:
        family = self.member.kind != MemberKind.PRACTITIONER
        return self.supporting_member if family and self.supporting_member else self.member


class PlanAction(BaseModel):
    """An action of the delivery plan: what, who, by when, the outcome wanted and progress."""

    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="actions")
    what = models.TextField()
    responsible = models.ForeignKey(TeamMember, on_delete=models.PROTECT, related_name="actions")
    due_on = models.DateField()
    outcome_wanted = models.TextField()
    outcome = models.CharField(max_length=30, choices=Outcome.choices)
    progress = models.CharField(max_length=20, choices=Progress.choices, default=Progress.NOT_STARTED)
    comments = models.TextField(blank=True)

    class Meta:
        ordering = ["due_on", "created_at"]

    def __str__(self) -> str:
        return self.what[:50]


class Review(BaseModel):
    """A review of the plan: who was present, progress, new needs, comments and the next review date."""

    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="reviews")
    held_on = models.DateField()
    present = models.TextField()
    progress_notes = models.TextField()
    new_needs = models.TextField(blank=True)
    child_comments = models.TextField(blank=True)
    parent_comments = models.TextField(blank=True)
    next_review_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-held_on"]

    def __str__(self) -> str:
        return f"Review {self.held_on}"


class ActionReview(BaseModel):
    """What a review recorded about one action of the plan."""

    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="action_progress")
    action = models.ForeignKey(PlanAction, on_delete=models.PROTECT, related_name="reviews")
    progress = models.CharField(max_length=20, choices=Progress.choices)
    note = models.TextField()

    class Meta:
        ordering = ["action__due_on", "created_at"]

    def __str__(self) -> str:
        return f"{self.action_id} at {self.review_id}"


class OutcomeProgress(BaseModel):
    """Progress on one of the five outcomes the plan addresses, recorded at a review or at closure.

    ``review`` is empty for the closure record. Monitoring compares the first review with closure.
    """

    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="outcome_progress")
    review = models.ForeignKey(Review, null=True, blank=True, on_delete=models.PROTECT, related_name="outcome_progress")
    at_closure = models.BooleanField(default=False)
    outcome = models.CharField(max_length=30, choices=Outcome.choices)
    rating = models.CharField(max_length=20, choices=OutcomeRating.choices)
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["outcome"]
        constraints = [
            models.UniqueConstraint(fields=["review", "outcome"], name="caf_progress_one_per_review_outcome"),
            models.UniqueConstraint(
                fields=["assessment", "outcome"],
                condition=models.Q(at_closure=True),
                name="caf_progress_one_per_closure_outcome",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()}: {self.get_rating_display()}"


class SafeguardingEscalation(BaseModel):
    """A practitioner followed "Worried a child is at risk of significant harm?" from a CAF page."""

    practitioner = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    assessment = models.ForeignKey(Assessment, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    from_page = models.CharField(max_length=300, blank=True)

    def __str__(self) -> str:
        return f"Escalation {self.created_at:%Y-%m-%d}"


class Transfer(BaseModel):
    """A CAF moving, with consent, to a named co-ordinator or lead professional in another area."""

    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="transfers")
    to_area = models.ForeignKey(LocalAuthority, on_delete=models.PROTECT, related_name="+")
    to_user = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    consent_confirmed = models.BooleanField(default=False)
    accepted_on = models.DateField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Transfer of {self.assessment_id}"


class CafRequest(BaseModel):
    """A request to someone better placed (a colleague, another service, the CAF co-ordinator) to undertake
    a CAF, routed from a checklist and accepted or declined. It carries the requester's note, not the checklist."""

    checklist = models.ForeignKey(Checklist, on_delete=models.PROTECT, related_name="requests")
    requester = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    recipient = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="caf_requests")
    note = models.TextField()
    status = models.CharField(max_length=10, choices=RequestStatus.choices, default=RequestStatus.ROUTED)
    decided_on = models.DateField(null=True, blank=True)
    answer = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"CAF request to {self.recipient_id} ({self.status})"


class SpecialistReferral(BaseModel):
    """A referral to, or link with, a specialist assessment: which, with which agency, when, and the outcome.

    The CAF and the lead professional carry on alongside it.
    """

    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="specialist_referrals")
    kind = models.CharField(max_length=20, choices=SpecialistKind.choices)
    agency = models.CharField(max_length=200)
    referred_on = models.DateField()
    outcome = models.TextField(blank=True)
    outcome_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-referred_on"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.referred_on})"
