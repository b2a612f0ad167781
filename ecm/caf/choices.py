"""The closed lists of the CAF."""

from __future__ import annotations

from django.db import models


class Outcome(models.TextChoices):
    """The five outcomes (Children Act 2004)."""

    BE_HEALTHY = "be_healthy", "Be healthy"
    STAY_SAFE = "stay_safe", "Stay safe"
    ENJOY_ACHIEVE = "enjoy_achieve", "Enjoy and achieve"
    POSITIVE_CONTRIBUTION = "positive_contribution", "Make a positive contribution"
    ECONOMIC_WELLBEING = "economic_wellbeing", "Achieve economic well-being"


class Answer(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"
    NOT_SURE = "not_sure", "Not sure"


class ChecklistDecision(models.TextChoices):
    NO_FURTHER_ACTION = "no_further_action", "No further action"
    OWN_SERVICE = "own_service", "Meet the needs within my own service"
    FULL_CAF = "full_caf", "Undertake a full CAF"
    ASK_OTHER = "ask_other", "Ask someone better placed to undertake a CAF"
    SPECIALIST = "specialist", "Refer for a specialist assessment"
    SAFEGUARDING = "safeguarding", "Make a safeguarding referral"


class RequestedBy(models.TextChoices):
    PRACTITIONER = "practitioner", "A practitioner"
    CHILD = "child", "The child or young person"
    PARENT = "parent", "A parent or carer"


class CafStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    COMPLETED = "completed", "Completed"
    CLOSED = "closed", "Closed"


class ClosureReason(models.TextChoices):
    """DOMAIN section 3, "Closure reasons"."""

    NEEDS_MET = "needs_met", "Needs met (universal services continue)"
    WITHDREW = "withdrew", "The family withdrew consent or disengaged"
    MOVED = "moved", "Moved to another area (CAF transferred)"
    STEPPED_UP = "stepped_up", "Stepped up to children's social care"
    ADULT_SERVICES = "adult_services", "Moved on to adult services"
    OTHER = "other", "Other"


class MemberKind(models.TextChoices):
    PRACTITIONER = "practitioner", "Practitioner"
    CHILD = "child", "The child or young person"
    PARENT = "parent", "Parent or carer"


class LeadOfferStatus(models.TextChoices):
    OFFERED = "offered", "Waiting for them to accept"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    WITHDRAWN = "withdrawn", "Withdrawn"


class Progress(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    NO_PROGRESS = "no_progress", "No progress"
    SOME_PROGRESS = "some_progress", "Some progress"
    GOOD_PROGRESS = "good_progress", "Good progress"
    ACHIEVED = "achieved", "Achieved"


class RequestStatus(models.TextChoices):
    ROUTED = "routed", "Waiting for an answer"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"


class SpecialistKind(models.TextChoices):
    """Specialist assessments a CAF can refer to or link with (DOMAIN section 3)."""

    CSC_INITIAL = "csc_initial", "Children's social care initial assessment"
    SEN = "sen", "Statutory special educational needs assessment"
    ASSET = "asset", "Youth justice Asset"
    SUBSTANCE = "substance", "Substance misuse screening"
    EARLY_SUPPORT = "early_support", "Early Support"
    OTHER = "other", "Other specialist assessment"


class OutcomeRating(models.TextChoices):
    """Progress on one of the five outcomes, recorded at a review and at closure (worst to best)."""

    WORSE = "worse", "Worse"
    NO_CHANGE = "no_change", "No change"
    SOME_PROGRESS = "some_progress", "Some progress"
    ACHIEVED = "achieved", "Achieved"


OUTCOME_RATING_RANK = {code: rank for rank, code in enumerate(OutcomeRating.values)}


class FamilyRating(models.TextChoices):
    """The family's view of the CAF process, asked at closure."""

    NOT_HELPFUL = "not_helpful", "Not helpful"
    QUITE_HELPFUL = "quite_helpful", "Quite helpful"
    VERY_HELPFUL = "very_helpful", "Very helpful"
