"""The closed lists of the child index."""

from __future__ import annotations

from django.db import models


class ChildStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    DECEASED = "deceased", "Deceased"
    ARCHIVED = "archived", "Archived"
    PURGED = "purged", "Purged"


class Gender(models.TextChoices):
    """FHIR AdministrativeGender, as PDS uses it."""

    MALE = "male", "Male"
    FEMALE = "female", "Female"
    OTHER = "other", "Other"
    UNKNOWN = "unknown", "Not known"


class ServiceCategory(models.TextChoices):
    EDUCATION = "education", "Education"
    HEALTH = "health", "Health"
    EARLY_YEARS = "early_years", "Early years"
    SOCIAL_CARE = "social_care", "Social care"
    YOUTH = "youth", "Youth service"
    YOUTH_JUSTICE = "youth_justice", "Youth justice"
    POLICE = "police", "Police"
    HOUSING = "housing", "Housing"
    VOLUNTARY = "voluntary", "Voluntary sector"
    SEXUAL_HEALTH = "sexual_health", "Sexual health"
    MENTAL_HEALTH = "mental_health", "Mental health"
    SUBSTANCE_MISUSE = "substance_misuse", "Substance misuse"
    OTHER = "other", "Other"


SENSITIVE_CATEGORIES = frozenset(
    {ServiceCategory.SEXUAL_HEALTH, ServiceCategory.MENTAL_HEALTH, ServiceCategory.SUBSTANCE_MISUSE}
)


class SensitiveBasis(models.TextChoices):
    """Why a sensitive-service involvement may be recorded (SI 2007/2182 reg 11)."""

    CONSENT_YOUNG_PERSON = "consent_young_person", "Consent of the young person"
    CONSENT_PARENT = "consent_parent", "Consent of a parent"
    SIGNIFICANT_HARM = "significant_harm", "Suspected significant harm"


class ContactReason(models.TextChoices):
    """Why a practitioner wishes to be contacted about the child."""

    INFORMATION_TO_SHARE = "information_to_share", "Has information to share"
    TAKING_ACTION = "taking_action", "Is taking action"
    DONE_ASSESSMENT = "done_assessment", "Has done an assessment"


class CafStatus(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class AccessReason(models.TextChoices):
    """Why a record is being opened (the short list; "other" needs words)."""

    CHECK_IDENTITY = "check_identity", "To confirm the child's identity"
    FIND_PRACTITIONERS = "find_practitioners", "To find other practitioners working with the child"
    CHECK_UNIVERSAL_SERVICES = "check_universal", "To check the child has a school and a GP"
    SAFEGUARDING = "safeguarding", "A safeguarding concern"
    RECORD_INVOLVEMENT = "record_involvement", "To record or update my involvement"
    OTHER = "other", "Other reason"


class CarerRelationship(models.TextChoices):
    MOTHER = "mother", "Mother"
    PARENT = "parent", "Parent"  # a source feed names a parent without saying which
    FATHER = "father", "Father"
    STEP_PARENT = "step_parent", "Step-parent"
    GRANDPARENT = "grandparent", "Grandparent"
    FOSTER_CARER = "foster_carer", "Foster carer"
    GUARDIAN = "guardian", "Guardian"
    OTHER = "other", "Other carer"


class MatchStrength(models.TextChoices):
    """What a person sees instead of a score (PDS conformance: no numbers on pages)."""

    EXACT = "exact", "Exact match"
    CLOSE = "close", "Close match"
    POSSIBLE = "possible", "Possible match"


class SearchOutcome(models.TextChoices):
    OK = "ok", "Matches returned"
    TOO_MANY = "too_many", "Too many matches"
    NONE = "none", "No matches"


class BrokerAsk(models.TextChoices):
    """What a user asks an index administrator (the broker) for."""

    DETAILS = "details", "The details, so that I can make contact myself"
    MESSAGE = "message", "Pass a message on for me"


class BrokerStatus(models.TextChoices):
    OPEN = "open", "Waiting for an index administrator"
    REVEALED = "revealed", "Details revealed to you"
    PASSED = "passed", "Message passed on"
    REFUSED = "refused", "Refused"
