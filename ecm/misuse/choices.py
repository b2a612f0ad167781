"""Codes for misuse alerts: the twelve rules, severities and the states of an alert."""

from django.db import models


class Rule(models.TextChoices):
    """The alert rules of DOMAIN section 9, one code each."""

    R1 = "R1", "Opened a record linked to themselves"
    R2 = "R2", "Same family name and address as the user"
    R3 = "R3", "Child or parent is a member of staff"
    R4 = "R4", "Flagged record (for example high profile)"
    R5 = "R5", "Shield overridden"
    R6 = "R6", "Access with no recorded involvement"
    R7 = "R7", "Sensitive service details viewed"
    R8 = "R8", "Unusual volume of access"
    R9 = "R9", "Trawling searches"
    R10 = "R10", "Out-of-hours use"
    R11 = "R11", "Empty, boilerplate or test reason"
    R12 = "R12", "Use after leaving, or by a dormant account"


class Severity(models.TextChoices):
    """How urgently a privacy officer should look."""

    HIGH = "high", "High"
    MEDIUM = "medium", "Medium"
    LOW = "low", "Low"


class AlertStatus(models.TextChoices):
    """Where an alert is in the privacy officer's queue."""

    OPEN = "open", "Open"
    DISMISSED = "dismissed", "Dismissed"
    ESCALATED = "escalated", "Escalated"


class InvestigationOutcome(models.TextChoices):
    """How the investigation after an escalation ended."""

    NO_MISUSE = "no_misuse", "No misuse: the access was justified (the account may be reinstated)"
    ADVICE = "advice", "Misuse, dealt with by advice or retraining"
    DISCIPLINARY = "disciplinary", "Misuse, referred for disciplinary action"
    EXTERNAL = "external", "Misuse, reported to the Information Commissioner or the police"


RULE_SEVERITY: dict[str, str] = {
    Rule.R1: Severity.HIGH,
    Rule.R2: Severity.HIGH,
    Rule.R3: Severity.MEDIUM,
    Rule.R4: Severity.MEDIUM,
    Rule.R5: Severity.HIGH,
    Rule.R6: Severity.LOW,
    Rule.R7: Severity.MEDIUM,
    Rule.R8: Severity.MEDIUM,
    Rule.R9: Severity.MEDIUM,
    Rule.R10: Severity.LOW,
    Rule.R11: Severity.LOW,
    Rule.R12: Severity.HIGH,
}
