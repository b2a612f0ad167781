"""The closed lists of subject access and rectification."""

from __future__ import annotations

from django.db import models


class Relationship(models.TextChoices):
    """Who is asking, in relation to the child (a competent child may ask for themselves)."""

    CHILD = "child", "The child or young person themselves"
    PARENT = "parent", "A parent with parental responsibility"
    CARER = "carer", "Another person with parental responsibility"
    REPRESENTATIVE = "representative", "Someone acting for the child or parent (e.g. a solicitor or advocate)"
    OTHER = "other", "Someone else"


class ReceivedBy(models.TextChoices):
    """How the request arrived: any form counts, spoken included, with no need to cite the law."""

    WRITTEN = "written", "Letter or form"
    EMAIL = "email", "Email"
    SPOKEN = "spoken", "In person or by telephone"
    FOI = "foi", "Sent as a Freedom of Information request (handled as subject access)"
    OTHER = "other", "Another way"


class RequestStatus(models.TextChoices):
    OPEN = "open", "Open"
    RELEASED = "released", "Released"
    REFUSED = "refused", "Refused"


class RefusalGround(models.TextChoices):
    """Why a request, or part of one, is not granted."""

    CHILD_AT_RISK = "child_at_risk", "Releasing it would put the child or someone else at risk of serious harm"
    PARENT_PURPOSE = "parent_purpose", "Doubt about the parent's reason for asking (e.g. domestic abuse)"
    IDENTITY = "identity", "The requester's identity could not be confirmed"
    NO_STANDING = "no_standing", "The requester is not entitled to the child's data"
    UNFOUNDED = "unfounded", "Manifestly unfounded or excessive"
    OTHER = "other", "Another reason"


class RedactionReason(models.TextChoices):
    """Why something is taken out of a package before release."""

    THIRD_PARTY = "third_party", "Information about another person"
    SERIOUS_HARM = "serious_harm", "Would be likely to cause serious harm"
    CHILD_WISHES = "child_wishes", "The child's confidence (a competent child asked it not be shared)"
    LEGAL = "legal", "Legal professional privilege or another exemption"
    OTHER = "other", "Another exemption"


class RectificationStatus(models.TextChoices):
    PENDING = "pending", "Waiting for a decision"
    APPLIED = "applied", "Corrected"
    ANNOTATED = "annotated", "Annotated (an opinion is not changed)"
    REJECTED = "rejected", "Refused"


class RectificationKind(models.TextChoices):
    """A fact on the index can be corrected; an opinion in an assessment is annotated, never changed."""

    FACT = "fact", "A fact on the child index"
    OPINION = "opinion", "An opinion in an assessment"


class IndexField(models.TextChoices):
    """The child index facts a rectification can correct (through ``ecm.index.services.child_update``)."""

    GIVEN_NAME = "given_name", "Given name"
    MIDDLE_NAMES = "middle_names", "Middle names"
    FAMILY_NAME = "family_name", "Family name"
    DATE_OF_BIRTH = "date_of_birth", "Date of birth"
    GENDER = "gender", "Gender"
    NHS_NUMBER = "nhs_number", "NHS number"
    UNIQUE_PUPIL_NUMBER = "unique_pupil_number", "Unique pupil number"
    ADDRESS = "address", "Current address"
