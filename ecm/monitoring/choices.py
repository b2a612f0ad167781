"""The closed lists of area monitoring: quality ratings and the published CAF quality standard."""

from __future__ import annotations

from django.db import models


class QualityRating(models.TextChoices):
    """The overall judgement of a CAF's quality against the standard."""

    GOOD = "good", "Good"
    REQUIRES_IMPROVEMENT = "requires_improvement", "Requires improvement"
    INADEQUATE = "inadequate", "Inadequate"


class CriterionAnswer(models.TextChoices):
    MET = "met", "Met"
    PARTLY = "partly", "Partly met"
    NOT_MET = "not_met", "Not met"


# The short published standard a quality review rates a CAF against (docs/monitoring.md).
QUALITY_STANDARD: tuple[tuple[str, str], ...] = (
    ("reason", "The reason for the assessment is clear and was agreed with the family"),
    ("voice", "The child's and the family's own views are recorded in their words"),
    ("balance", "Strengths are recorded as well as needs, across all three domains"),
    ("analysis", "The conclusions follow from what is recorded and say what should happen next"),
    ("plan", "The actions are specific, name who is responsible and by when, and serve the outcomes"),
)
QUALITY_CRITERIA = dict(QUALITY_STANDARD)
