"""Choices of the referrals app: where a referral has got to, and what allowed it."""

from django.db import models


class ReferralStatus(models.TextChoices):
    SENT = "sent", "Waiting for the service"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    WITHDRAWN = "withdrawn", "Withdrawn"


class ReferralBasis(models.TextChoices):
    """Why the child's information could go to the receiving organisation."""

    CONSENT = "consent", "Consent to share covers the organisation"
    DECISION = "decision", "A recorded decision to share without consent"


class Decision(models.TextChoices):
    ACCEPT = "accept", "Accept the referral"
    DECLINE = "decline", "Decline the referral"
