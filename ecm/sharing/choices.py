"""The closed lists of sharing decisions."""

from __future__ import annotations

from django.db import models


class Ground(models.TextChoices):
    """Why information may be shared without consent (DOMAIN section 3, "Sharing without consent").

    The three public-interest grounds follow the CAF managers' guide, paragraph 4.23.
    """

    STATUTORY_DUTY = "statutory_duty", "A statutory duty or court order"
    SIGNIFICANT_HARM = (
        "significant_harm",
        "Evidence that a child is suffering, or is at risk of suffering, significant harm",
    )
    REASONABLE_CAUSE = (
        "reasonable_cause",
        "Reasonable cause to believe a child may be suffering, or at risk of suffering, significant harm",
    )
    PREVENT_HARM = (
        "prevent_harm",
        "To prevent significant harm to a child or serious harm to an adult, including through the "
        "prevention, detection and prosecution of serious crime",
    )
    NON_CONFIDENTIAL = "non_confidential", "Non-confidential information needed for a legitimate purpose"
    NOT_IDENTIFYING = "not_identifying", "The information does not identify anyone"


PUBLIC_INTEREST_GROUNDS = (Ground.SIGNIFICANT_HARM, Ground.REASONABLE_CAUSE, Ground.PREVENT_HARM)


class Outcome(models.TextChoices):
    SHARE = "share", "Share"
    NOT_SHARE = "not_share", "Do not share"


class Answer(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"
    NOT_SURE = "not_sure", "Not sure"


class ConsentStatus(models.TextChoices):
    GIVEN = "given", "Consent given"
    REFUSED = "refused", "Consent refused"
    NOT_SOUGHT = "not_sought", "Consent not sought"


class Information(models.TextChoices):
    """Which information goes: a CAF, the child's index record, or something else."""

    CAF = "caf", "The CAF (common assessment)"
    INDEX = "index", "Child index information"
    OTHER = "other", "Other information"


class Method(models.TextChoices):
    """How the information goes: a secure route."""

    ECM = "ecm", "Through ECM (the agency's practitioners may see it here)"
    SECURE_EMAIL = "secure_email", "Secure email"
    PHONE = "phone", "By phone, after checking who is calling"
    MEETING = "meeting", "In person, at a meeting"
    SECURE_POST = "secure_post", "Recorded or special delivery post"


class DraftStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", "In progress"
    WAITING_FOR_ADVICE = "waiting_for_advice", "Waiting for advice"
    RECORDED = "recorded", "Recorded"
    ABANDONED = "abandoned", "Abandoned"


class Countersign(models.TextChoices):
    """Where a decision stands with the manager's countersignature."""

    NOT_NEEDED = "not_needed", "Not needed"
    PENDING = "pending", "Waiting for a manager's countersignature"
    AGREED = "agreed", "Countersigned"
    DECLINED = "declined", "Countersignature refused"


class DisclosureMode(models.TextChoices):
    MANUAL = "manual", "Manual (a practitioner shared it)"
    AUTOMATIC = "automatic", "Automatic (ECM made it available)"
