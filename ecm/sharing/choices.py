"""The closed lists of sharing decisions."""

from __future__ import annotations

from django.db import models


class Ground(models.TextChoices):
    """Why information may be shared without consent (DOMAIN section 3, "Sharing without consent")."""

    STATUTORY_DUTY = "statutory_duty", "A statutory duty or court order"
    SIGNIFICANT_HARM = "significant_harm", "A child is suffering or at risk of significant harm"
    PREVENT_HARM = (
        "prevent_harm",
        ("To prevent significant harm to a child or serious harm to an adult, or serious crime"),
    )
    NON_CONFIDENTIAL = "non_confidential", "Non-confidential information needed for a legitimate purpose"


class Outcome(models.TextChoices):
    SHARE = "share", "Share"
    NOT_SHARE = "not_share", "Do not share"
