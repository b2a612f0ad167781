"""The closed lists of multi-agency working."""

from __future__ import annotations

from django.db import models


class ReferralStatus(models.TextChoices):
    """A child referred to a panel: new until first discussed, then supported, then closed."""

    REFERRED = "referred", "New referral"
    SUPPORTED = "supported", "Supported by the panel"
    CLOSED = "closed", "Closed"


class AgendaSection(models.TextChoices):
    """Where a child sits on a meeting's agenda."""

    NEW = "new", "New referrals"
    REVIEW = "review", "Due for review"
    SUPPORTED = "supported", "Already supported"


class PanelOutcome(models.TextChoices):
    """What the panel decided for one child at one meeting (actions may go with any but closure)."""

    CONTINUE = "continue", "Continue the support agreed and review again"
    CAF = "caf", "Ask a practitioner to undertake a CAF"
    LEAD = "lead", "Allocate a lead professional"
    KEY_WORKER = "key_worker", "Allocate a key worker"
    CLOSED = "closed", "Close the referral"


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    FINALISED = "finalised", "Finalised (minutes sent)"


class Weekday(models.IntegerChoices):
    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"


class CaseKind(models.TextChoices):
    """The kinds of case a caseload counts."""

    CAF_AUTHORED = "caf_authored", "Open CAFs written"
    LEAD = "lead", "Lead professional"
    TAC = "tac", "Team Around the Child member"
    PANEL = "panel", "Panel case"
