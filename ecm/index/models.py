"""The child index: children, their names and addresses over time, carers and involvements.

A directory, never a case file: nothing here holds case notes, assessments or
observations. Search keys (normalised and phonetic names, normalised postcodes) are
stored beside the values they come from and kept up to date by the services.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models

from ecm.accounts.models import LocalAuthority, Organisation
from ecm.core.models import BaseModel
from ecm.index.choices import (
    SENSITIVE_CATEGORIES,
    BrokerAsk,
    BrokerStatus,
    CafStatus,
    CarerRelationship,
    ChildStatus,
    ContactReason,
    Gender,
    SensitiveBasis,
    ServiceCategory,
)
from ecm.index.search.keys import format_postcode, postcode_district


class Child(BaseModel):
    """One child or young person on the index (or an unborn baby, by expected date of delivery).

    The current name and address also live in :class:`ChildName` and :class:`ChildAddress`
    (``is_current``), which hold the history and the search keys. A record merged into
    another (``merged_into``) answers with the survivor and never appears in searches.
    A purged record keeps only this row's identifiers and dates: the tombstone.
    """

    index_number = models.CharField(max_length=12, unique=True, help_text="12 digits, the last a Luhn check digit")
    nhs_number = models.CharField(max_length=10, blank=True, db_index=True)
    unique_pupil_number = models.CharField(max_length=13, blank=True, db_index=True)
    given_name = models.CharField(max_length=35, blank=True)
    middle_names = models.CharField(max_length=100, blank=True)
    family_name = models.CharField(max_length=35, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    expected_delivery_date = models.DateField(null=True, blank=True)
    gender = models.CharField(max_length=10, choices=Gender.choices, default=Gender.UNKNOWN)
    # Indexed by Meta's named indexes (school, GP, status with date of birth), not once more by the field:
    # each index is one more B-tree every new child is written into.
    school = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="pupils_on_index", db_index=False
    )
    gp_practice = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="patients_on_index", db_index=False
    )
    local_authority = models.ForeignKey(
        LocalAuthority, null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    status = models.CharField(max_length=10, choices=ChildStatus.choices, default=ChildStatus.ACTIVE)
    date_of_death = models.DateField(null=True, blank=True)
    archived_on = models.DateField(null=True, blank=True)
    purged_on = models.DateField(null=True, blank=True)
    retention_consent_until = models.DateField(
        null=True, blank=True, help_text="Kept active past 18 (to 25 at most) with the young person's consent"
    )
    retention_consent_note = models.TextField(blank=True)
    is_shielded = models.BooleanField(default=False)
    shielded_at = models.DateTimeField(null=True, blank=True)
    high_profile = models.BooleanField(default=False, help_text="Flagged for misuse review (rule R4)")
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_records"
    )

    class Meta:
        verbose_name_plural = "children"
        indexes = [
            models.Index(fields=["status", "date_of_birth"], name="index_child_status_dob_idx"),
            models.Index(fields=["school"], name="index_child_school_idx"),
            models.Index(fields=["gp_practice"], name="index_child_gp_idx"),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def is_unborn(self) -> bool:
        return self.date_of_birth is None and self.expected_delivery_date is not None

    @property
    def display_name(self) -> str:
        if self.status == ChildStatus.PURGED:
            return f"Purged record {self.formatted_index_number}"
        name = " ".join(p for p in (self.given_name, self.middle_names, self.family_name) if p)
        return name or "Unborn baby"

    @property
    def formatted_index_number(self) -> str:
        n = self.index_number
        return f"{n[:4]} {n[4:8]} {n[8:]}"

    @property
    def search_date(self) -> dt.date | None:
        return self.date_of_birth or self.expected_delivery_date

    @property
    def current_address(self) -> ChildAddress | None:
        for address in self.addresses.all():
            if address.is_current:
                return address
        return None

    @property
    def previous_names(self) -> list[ChildName]:
        return [n for n in self.names.all() if not n.is_current]


class ChildName(models.Model):
    """A name the child has (``is_current``) or had, with the keys searches use.

    ``birth_date`` copies the child's date of birth (or expected date of delivery) so that
    name-and-date searches are one index range scan.
    """

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="names")
    given_name = models.CharField(max_length=35, blank=True)
    middle_names = models.CharField(max_length=100, blank=True)
    family_name = models.CharField(max_length=35, blank=True)
    given_norm = models.CharField(max_length=35, blank=True)
    family_norm = models.CharField(max_length=35, blank=True)
    given_phonetic = models.CharField(max_length=8, blank=True)
    family_phonetic = models.CharField(max_length=8, blank=True)
    birth_date = models.DateField(null=True, blank=True)
    is_current = models.BooleanField(default=True)
    used_from = models.DateField(null=True, blank=True)
    used_until = models.DateField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["birth_date", "family_norm"], name="index_name_dob_family_idx"),
            models.Index(fields=["birth_date", "given_norm"], name="index_name_dob_given_idx"),
            models.Index(fields=["birth_date", "family_phonetic"], name="index_name_dob_fphon_idx"),
            models.Index(fields=["birth_date", "given_phonetic"], name="index_name_dob_gphon_idx"),
            models.Index(fields=["family_norm", "birth_date"], name="index_name_family_dob_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.given_name} {self.family_name}".strip()


class ChildAddress(models.Model):
    """An address the child lives at (``is_current``) or lived at, with its normalised postcode."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="addresses")
    address_line_1 = models.CharField(max_length=100)
    address_line_2 = models.CharField(max_length=100, blank=True)
    town = models.CharField(max_length=60, blank=True)
    postcode = models.CharField(max_length=8)
    postcode_norm = models.CharField(max_length=8)
    birth_date = models.DateField(null=True, blank=True)
    is_current = models.BooleanField(default=True)
    lived_from = models.DateField(null=True, blank=True)
    lived_until = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "child addresses"
        indexes = [models.Index(fields=["postcode_norm", "birth_date"], name="index_addr_postcode_dob_idx")]

    def __str__(self) -> str:
        return ", ".join(p for p in (self.address_line_1, self.address_line_2, self.town, self.display_postcode) if p)

    @property
    def display_postcode(self) -> str:
        return format_postcode(self.postcode)

    @property
    def district(self) -> str:
        return postcode_district(self.postcode)


class Carer(BaseModel):
    """A parent or carer of the child, with the contact details practitioners need."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="carers")
    given_name = models.CharField(max_length=35)
    family_name = models.CharField(max_length=35)
    relationship = models.CharField(max_length=20, choices=CarerRelationship.choices)
    has_parental_responsibility = models.BooleanField(default=True)
    phone = models.CharField(max_length=30, blank=True)
    email = models.EmailField(blank=True)
    address_line_1 = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(max_length=8, blank=True)

    class Meta:
        ordering = ["-has_parental_responsibility", "family_name", "given_name"]

    def __str__(self) -> str:
        return f"{self.given_name} {self.family_name}"

    @property
    def is_parent(self) -> bool:
        parents = (
            CarerRelationship.MOTHER,
            CarerRelationship.FATHER,
            CarerRelationship.PARENT,
            CarerRelationship.STEP_PARENT,
        )
        return self.relationship in parents or self.has_parental_responsibility


class Involvement(BaseModel):
    """A practitioner and service working with the child, from ``started_on`` until ``ended_on``.

    Sensitive services (sexual health, mental health, substance misuse) are recorded only
    with a ``sensitive_basis``; people outside the service see "an unspecified service".
    "Has undertaken a CAF" shows only the CAF's start date and whether it is open.
    """

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="involvements")
    practitioner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="index_involvements"
    )
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="index_involvements")
    service = models.CharField(max_length=200, help_text="The service's name, e.g. 'Health visiting'")
    service_category = models.CharField(max_length=20, choices=ServiceCategory.choices)
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    is_lead_professional = models.BooleanField(default=False)
    family_lead = models.CharField(
        max_length=200,
        blank=True,
        help_text="The young person, parent or carer who leads, supported by this practitioner",
    )
    has_undertaken_caf = models.BooleanField(default=False)
    caf_started_on = models.DateField(null=True, blank=True)
    caf_status = models.CharField(max_length=10, choices=CafStatus.choices, blank=True)
    wishes_to_be_contacted = models.BooleanField(default=False)
    contact_reason = models.CharField(max_length=30, choices=ContactReason.choices, blank=True)
    sensitive_basis = models.CharField(max_length=30, choices=SensitiveBasis.choices, blank=True)
    sensitive_basis_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-is_lead_professional", "started_on"]
        indexes = [models.Index(fields=["child", "ended_on"], name="index_inv_child_ended_idx")]

    def __str__(self) -> str:
        return f"{self.practitioner} ({self.service}) for {self.child_id}"

    @property
    def is_sensitive(self) -> bool:
        return self.service_category in SENSITIVE_CATEGORIES

    @property
    def is_open(self) -> bool:
        return self.ended_on is None


class BrokerRequest(BaseModel):
    """A user's request to an index administrator about a shielded record or an unspecified service.

    The user asks, with a reason, for the details or for a message to be passed on
    (``involvement`` set: an unspecified sensitive service; empty: the shielded record). The
    administrator reveals the details to that user, passes the message and tells the user,
    or refuses with a reason. Every step is audited (``ecm.index.broker``).
    """

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="broker_requests")
    involvement = models.ForeignKey(
        Involvement, null=True, blank=True, on_delete=models.CASCADE, related_name="broker_requests"
    )
    requester = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="broker_requests")
    ask = models.CharField(max_length=10, choices=BrokerAsk.choices)
    reason = models.TextField()
    message = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=BrokerStatus.choices, default=BrokerStatus.OPEN)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "created_at"], name="index_broker_status_idx")]

    def __str__(self) -> str:
        return f"Broker request {self.pk} ({self.status})"

    @property
    def about_service(self) -> bool:
        return self.involvement_id is not None


class ChildMerge(BaseModel):
    """Two records found to be the same child, merged; with the snapshot that lets unmerge restore both.

    ``snapshot`` holds, for both records as they were just before the merge, their details,
    shield, every name and address row (current flag and end date) and the ids of their
    involvements and carers, plus what the merge added. Who merged and when are the
    ``created_*`` stamps; an unmerge fills ``unmerged_at`` and keeps the row.
    """

    survivor = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="merges_kept")
    merged = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="merges_absorbed")
    reason = models.TextField()
    snapshot = models.JSONField(default=dict)
    unmerged_at = models.DateTimeField(null=True, blank=True)
    unmerged_by_label = models.CharField(max_length=150, blank=True)
    unmerge_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.merged_id} into {self.survivor_id}"


class PurgePermit(models.Model):
    """Present only inside the transaction that purges one child (``ecm.index.retention``).

    Tables kept immutable by database triggers (sharing decisions, countersignatures,
    disclosures) accept the purge's blanking of a child's identifiers while a permit row
    exists; it is deleted before the transaction commits, so no other transaction ever sees it.
    """

    child_id = models.UUIDField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Purge permit for {self.child_id}"
