"""The closed lists of record linkage."""

from __future__ import annotations

from django.db import models


class DeliveryStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", "Importing"
    COMPLETE = "complete", "Imported"


class LinkMethod(models.TextChoices):
    """How a staged record came to be linked to its child."""

    IDENTIFIER = "identifier", "Shared NHS number or UPN"
    SAME_SOURCE_RECORD = "same_source_record", "Same record from the same source"
    MODEL = "model", "Matched by the model"
    NEW_CHILD = "new_child", "New child"
    CLERICAL = "clerical", "Clerical review"


class ReviewStatus(models.TextChoices):
    PENDING = "pending", "Waiting for review"
    LINKED = "linked", "Linked"
    NOT_A_MATCH = "not_a_match", "Not a match"
    DEFERRED = "deferred", "Deferred"


class ReviewDecision(models.TextChoices):
    LINK = "link", "Link: the same child"
    NOT_A_MATCH = "not_a_match", "Not a match: different children"
    DEFER = "defer", "Defer: decide later"
