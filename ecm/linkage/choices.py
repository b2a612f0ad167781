"""The closed lists of record linkage."""

from __future__ import annotations

from django.db import models


class DeliveryStatus(models.TextChoices):
    """A delivery's state: its records reach ``match`` only once it is complete (applied whole).

    importing -> complete; importing -> stopped (the process ended part-way) -> importing
    (resumed) or abandoned (its rows removed; the same file may be imported again).
    """

    IN_PROGRESS = "in_progress", "Importing"
    STOPPED = "stopped", "Stopped part-way"
    COMPLETE = "complete", "Imported"
    ABANDONED = "abandoned", "Abandoned"


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
