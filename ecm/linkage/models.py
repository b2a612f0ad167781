"""Record linkage: feeds, deliveries, staged records, quarantine, the model, review and merges.

A staged record is one row of one delivery from one source, kept as delivered (after
validation) and linked to the index child it describes. The index itself is written only
through ``ecm.index`` services (see ``ecm.linkage.index_bridge``).
"""

from __future__ import annotations

from django.db import models

from ecm.index.models import Child
from ecm.linkage.choices import DeliveryStatus, LinkMethod, ReviewStatus

# The columns of a feed row, in the documented order (docs/feeds.md).
FEED_COLUMNS = (
    "source_record_id",
    "given_name",
    "middle_names",
    "family_name",
    "previous_family_name",
    "date_of_birth",
    "sex",
    "address_line_1",
    "address_line_2",
    "town",
    "postcode",
    "nhs_number",
    "upn",
    "parent_1_name",
    "parent_2_name",
    "school_urn",
    "gp_practice_code",
)
INVOLVEMENT_COLUMNS = (
    "involvement_service",
    "involvement_category",
    "involvement_organisation",
    "involvement_started_on",
    "involvement_practitioner",
    "involvement_sensitive_basis",
)


class FeedSource(models.Model):
    """A configured source of records (school census, GP registrations...) and how far it is trusted.

    ``trust_rank`` 1 is the most trusted: survivorship takes a child's current name and
    address from the most recent record of the most trusted source.
    """

    name = models.SlugField(max_length=40, unique=True)
    label = models.CharField(max_length=100)
    trust_rank = models.PositiveSmallIntegerField()
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["trust_rank", "name"]

    def __str__(self) -> str:
        return self.label


class FeedDelivery(models.Model):
    """One file delivered by a source: who imported it, when, its SHA-256 and the counts.

    A file is identified by its hash: importing the same file again finds this row and
    changes nothing; an import that stopped part-way resumes after its last batch or is
    abandoned. Its records are matched only once it is complete: a delivery applies whole
    or not at all (``DeliveryStatus``).
    """

    source = models.ForeignKey(FeedSource, on_delete=models.PROTECT, related_name="deliveries")
    file_name = models.CharField(max_length=255)
    file_sha256 = models.CharField(max_length=64)
    file_format = models.CharField(max_length=10)
    imported_by = models.CharField(max_length=150)
    started_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=12, choices=DeliveryStatus.choices, default=DeliveryStatus.IN_PROGRESS)
    file_path = models.CharField(max_length=1000, blank=True, help_text="Where the file was read from, to resume")
    worker = models.CharField(max_length=200, blank=True, help_text="host:pid of the process importing it")
    heartbeat_at = models.DateTimeField(null=True, blank=True, help_text="Last sign of life of that process")
    stopped_reason = models.TextField(blank=True)
    rows_read = models.PositiveIntegerField(default=0)
    rows_staged = models.PositiveIntegerField(default=0)
    rows_quarantined = models.PositiveIntegerField(default=0)
    values_set_aside = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-started_at"]
        constraints = [models.UniqueConstraint(fields=["source", "file_sha256"], name="linkage_delivery_unique_file")]

    def __str__(self) -> str:
        return f"{self.source.name}: {self.file_name}"


class ImportBatch(models.Model):
    """A committed range of lines of a delivery: the import's progress, written with the rows."""

    delivery = models.ForeignKey(FeedDelivery, on_delete=models.CASCADE, related_name="batches")
    first_line = models.PositiveIntegerField()
    last_line = models.PositiveIntegerField()
    rows_staged = models.PositiveIntegerField(default=0)
    rows_quarantined = models.PositiveIntegerField(default=0)
    values_set_aside = models.PositiveIntegerField(default=0)
    committed_at = models.DateTimeField()

    class Meta:
        ordering = ["first_line"]
        constraints = [models.UniqueConstraint(fields=["delivery", "first_line"], name="linkage_batch_unique_range")]

    def __str__(self) -> str:
        return f"lines {self.first_line}-{self.last_line}"


class StagedRecord(models.Model):
    """One valid row of a delivery, as delivered (normalised), and the child it was linked to.

    ``warnings`` lists optional values that were malformed and set aside. Every link keeps
    the model's match weight and probability and the model version that made it.
    """

    # Source, delivery and child lead Meta's indexes and unique constraint, which serve their lookups:
    # no index of their own (each is one more B-tree every record is written into).
    source = models.ForeignKey(FeedSource, on_delete=models.PROTECT, related_name="records", db_index=False)
    delivery = models.ForeignKey(FeedDelivery, on_delete=models.PROTECT, related_name="records", db_index=False)
    line_number = models.PositiveIntegerField()
    source_record_id = models.CharField(max_length=64)
    given_name = models.CharField(max_length=35, blank=True)
    middle_names = models.CharField(max_length=100, blank=True)
    family_name = models.CharField(max_length=35, blank=True)
    previous_family_name = models.CharField(max_length=35, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    sex = models.CharField(max_length=10, blank=True)
    address_line_1 = models.CharField(max_length=100, blank=True)
    address_line_2 = models.CharField(max_length=100, blank=True)
    town = models.CharField(max_length=60, blank=True)
    postcode = models.CharField(max_length=8, blank=True)
    nhs_number = models.CharField(max_length=10, blank=True, db_index=True)
    upn = models.CharField(max_length=13, blank=True, db_index=True)
    parent_1_name = models.CharField(max_length=70, blank=True)
    parent_2_name = models.CharField(max_length=70, blank=True)
    school_urn = models.CharField(max_length=10, blank=True)
    gp_practice_code = models.CharField(max_length=10, blank=True)
    involvement = models.JSONField(default=dict, blank=True)
    warnings = models.JSONField(default=list, blank=True)
    child = models.ForeignKey(
        Child, null=True, blank=True, on_delete=models.PROTECT, related_name="source_records", db_index=False
    )
    link_method = models.CharField(max_length=20, choices=LinkMethod.choices, blank=True)
    match_weight = models.FloatField(null=True, blank=True)
    match_probability = models.FloatField(null=True, blank=True)
    model_version = models.CharField(max_length=80, blank=True)
    linked_at = models.DateTimeField(null=True, blank=True)
    in_review = models.BooleanField(default=False)

    class Meta:
        ordering = ["delivery_id", "line_number"]
        constraints = [models.UniqueConstraint(fields=["delivery", "line_number"], name="linkage_staged_unique_line")]
        indexes = [
            models.Index(fields=["source", "source_record_id"], name="linkage_staged_src_id_idx"),
            models.Index(fields=["child", "in_review"], name="linkage_staged_unlinked_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.source_id}:{self.source_record_id}"

    @property
    def display_name(self) -> str:
        return " ".join(p for p in (self.given_name, self.middle_names, self.family_name) if p)


class QuarantinedRow(models.Model):
    """A row that could not be staged (missing what it needs, impossible date of birth), with its reason."""

    delivery = models.ForeignKey(FeedDelivery, on_delete=models.CASCADE, related_name="quarantined")
    line_number = models.PositiveIntegerField()
    reason = models.TextField()
    raw = models.JSONField(default=dict)

    class Meta:
        ordering = ["delivery_id", "line_number"]
        constraints = [
            models.UniqueConstraint(fields=["delivery", "line_number"], name="linkage_quarantine_unique_line")
        ]

    def __str__(self) -> str:
        return f"line {self.line_number}: {self.reason}"


class MatchModel(models.Model):
    """A trained Splink model, saved as Splink's JSON, with the thresholds used with it."""

    version = models.CharField(max_length=80, unique=True)
    settings = models.JSONField()
    upper_threshold = models.FloatField(help_text="At or above: linked automatically")
    lower_threshold = models.FloatField(help_text="At or above (and below the upper): clerical review")
    trained_on_records = models.PositiveIntegerField(default=0)
    trained_at = models.DateTimeField()

    class Meta:
        ordering = ["-trained_at"]

    def __str__(self) -> str:
        return self.version


class ReviewItem(models.Model):
    """A candidate pair for clerical review: a staged record and the record it may be the same child as.

    The decision is a label: ``ecm.linkage.selectors.model_check`` compares decisions with the model.
    """

    record = models.ForeignKey(StagedRecord, on_delete=models.CASCADE, related_name="review_items")
    candidate = models.ForeignKey(StagedRecord, on_delete=models.CASCADE, related_name="candidate_in_reviews")
    match_weight = models.FloatField()
    match_probability = models.FloatField()
    model_version = models.CharField(max_length=80)
    comparison = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=12, choices=ReviewStatus.choices, default=ReviewStatus.PENDING)
    note = models.TextField(blank=True)
    decided_by = models.CharField(max_length=150, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-match_probability", "created_at"]
        constraints = [models.UniqueConstraint(fields=["record", "candidate"], name="linkage_review_unique_pair")]

    def __str__(self) -> str:
        return f"{self.record} ~ {self.candidate}"


class MergeRecord(models.Model):
    """A merge of two index children, with the snapshot that lets unmerge restore both exactly."""

    survivor = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="linkage_merges_kept")
    duplicate = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="linkage_merges_absorbed")
    reason = models.TextField()
    merged_by = models.CharField(max_length=150)
    merged_at = models.DateTimeField()
    snapshot = models.JSONField(default=dict)
    unmerged_by = models.CharField(max_length=150, blank=True)
    unmerged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-merged_at"]

    def __str__(self) -> str:
        return f"{self.duplicate_id} into {self.survivor_id}"


class MatchRun(models.Model):
    """One ``match`` run's decisions, saved before any is applied, and how far applying them got.

    A run that stops part-way (killed, crashed) is finished from its saved plan by the next
    ``match``, never decided again: a record's decision cannot change because some of the
    children decided with it already exist.
    """

    model_version = models.CharField(max_length=80)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    plan = models.BinaryField(help_text="zlib-compressed JSON: links, new children, review pairs, scores")
    records = models.PositiveIntegerField(default=0)
    links_done = models.PositiveIntegerField(default=0, help_text="Children linked to so far (plan order)")
    new_children_done = models.PositiveIntegerField(default=0, help_text="New children created so far (plan order)")
    review_done = models.BooleanField(default=False)
    lower_threshold = models.FloatField(
        null=True,
        blank=True,
        help_text="The lower threshold the run decided with (the review budget may raise the model's)",
    )

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"match run {self.pk} ({self.model_version})"
