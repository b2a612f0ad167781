"""The closed lists of the consent register."""

from __future__ import annotations

from django.db import models


class Scope(models.TextChoices):
    """What consent is for (DOMAIN section 3, "Consent")."""

    UNDERTAKE = "undertake", "Undertake the assessment"
    RECORD = "record", "Record it"
    SHARE = "share", "Share it"


class GivenBy(models.TextChoices):
    CHILD = "child", "The child or young person"
    PARENT = "parent", "A person with parental responsibility"


class ParentRelationship(models.TextChoices):
    """Who may consent as a person with parental responsibility (one is enough)."""

    MOTHER = "mother", "Mother"
    FATHER = "father", "Father with parental responsibility"
    STEP_PARENT = "step_parent", "Step-parent with parental responsibility"
    GUARDIAN = "guardian", "Special guardian or guardian"
    LOCAL_AUTHORITY = "local_authority", "Local authority under a care order (the social worker)"
    OTHER = "other", "Other person with parental responsibility"


class ConsentForm(models.TextChoices):
    WRITTEN = "written", "Written (preferred)"
    VERBAL = "verbal", "Verbal"
