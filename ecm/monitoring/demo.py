"""A year of plausible CAF activity in the demo area, so every monitoring page and chart shows something.

Written through the CAF services exactly as practitioners would write it, with the clock frozen at
each step's date (``ecm.core.clock``) to backdate it. Deterministic (a seeded random generator),
idempotent (skipped once its audit marker exists) and quick: about 150 CAFs.
"""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction

from ecm.accounts.choices import OrganisationType, Role
from ecm.accounts.models import Organisation, User
from ecm.audit.models import AuditEvent
from ecm.audit.services import audit_record
from ecm.caf import services as caf
from ecm.caf.choices import (
    Answer,
    ChecklistDecision,
    ClosureReason,
    FamilyRating,
    MemberKind,
    Outcome,
    OutcomeRating,
    SpecialistKind,
)
from ecm.caf.framework import CHECKLIST_QUESTIONS
from ecm.caf.models import Assessment
from ecm.consent.choices import ConsentForm, GivenBy, ParentRelationship
from ecm.consent.services import consent_record
from ecm.core import clock
from ecm.core.actors import Actor
from ecm.index.choices import ChildStatus
from ecm.index.demo import _fits
from ecm.index.models import Child
from ecm.monitoring.services import SYSTEM_MONITORING, aggregates_refresh, training_target_set

MARKER = "monitoring.demo_seeded"
AUTHORS = ("practitioner", "teacher", "socialworker", "nurse", "youthworker", "manager")
CAFS = 150
SPARE_CHILDREN = 40  # left for the other apps' demos
# As the CAF form records them (ecm.caf.identity: England 2021 census categories).
ETHNICITIES = ["White: English, Welsh, Scottish, Northern Irish or British"] * 3 + [
    "White: Other White", "Asian, Asian British or Asian Welsh: Pakistani",
    "Asian, Asian British or Asian Welsh: Indian",
    "Black, Black British, Black Welsh, Caribbean or African: African",
    "Black, Black British, Black Welsh, Caribbean or African: Caribbean",
    "Mixed or Multiple ethnic groups: White and Asian", "Asian, Asian British or Asian Welsh: Chinese", "",
]  # fmt: skip
RELIGIONS = ["No religion", "No religion", "Christian", "Christian", "Muslim", "Hindu", "Sikh", "Jewish", ""]
DISABILITIES = ["No", "No", "No", "No", "Yes: Autism spectrum condition", "Yes: Hearing impairment", ""]
NEEDS = [
    (
        "general_health__needs",
        "Frequent headaches; not seen the GP",
        Outcome.BE_HEALTHY,
        "GP appointment for headaches",
    ),
    ("emotional_social__needs", "Low mood and anxiety", Outcome.BE_HEALTHY, "Referral to the school counsellor"),
    (
        "participation_learning__needs",
        "Attendance has fallen below 85%",
        Outcome.ENJOY_ACHIEVE,
        "Morning routine support",
    ),
    ("basic_care__needs", "Home conditions are poor", Outcome.STAY_SAFE, "Family support worker visits"),
    ("behavioural__needs", "Exclusions for fighting", Outcome.POSITIVE_CONTRIBUTION, "Place at the youth club"),
    (
        "housing_employment_finance__needs",
        "Family in rent arrears",
        Outcome.ECONOMIC_WELLBEING,
        "Welfare benefits advice",
    ),
]
TARGETS = [
    (OrganisationType.NHS_TRUST, 4),
    (OrganisationType.SCHOOL, 3),
    (OrganisationType.LOCAL_AUTHORITY_SERVICE, 6),
    (OrganisationType.YOUTH_OFFENDING_TEAM, 2),
]
RATINGS = [OutcomeRating.WORSE, OutcomeRating.NO_CHANGE, OutcomeRating.SOME_PROGRESS, OutcomeRating.ACHIEVED]


def _at(day: dt.date) -> None:
    clock.freeze(dt.datetime.combine(day, dt.time(10, 30), tzinfo=dt.UTC))


def seed_monitoring_demo(*, actor: Actor) -> str:
    """Load a year of CAF activity in the demo area and calculate the monitoring aggregates."""
    if AuditEvent.objects.filter(action=MARKER).exists():
        return "already loaded"
    # Ordered, like the children below, by what the seed made deterministically (never by random
    # keys or index numbers), so the same demo area comes out of every run.
    authors = list(
        User.objects.filter(username__in=AUTHORS, role_assignments__role=Role.PRACTITIONER).order_by("username")
    )
    if len(authors) < 3:
        return "skipped (no demo practitioners)"
    area = authors[0].organisation.local_authority if authors[0].organisation else None
    if area is None:
        return "skipped (no demo area)"
    taken = Assessment.objects.values_list("child_id", flat=True)
    today = clock.today()
    children = list(
        Child.objects.filter(status=ChildStatus.ACTIVE, is_shielded=False, date_of_birth__isnull=False)
        .exclude(pk__in=taken)
        .exclude(involvements__has_undertaken_caf=True)
        .order_by("-date_of_birth", "family_name", "given_name", "index_number")
    )
    children = [c for c in children if any(_fits(a, c, today) for a in authors)]
    children = children[: max(0, min(CAFS, len(children) - SPARE_CHILDREN))]
    if not children:
        return "skipped (no demo children)"
    rng = random.Random(2026)  # noqa: S311 - synthetic demo data
    allowed = list(Organisation.objects.filter(local_authority=area).exclude(organisation_type=OrganisationType.POLICE))
    made = 0
    try:
        for child in children:
            made += _one_caf(rng, child, authors, allowed, today)
        for _ in range(60):
            _at(today - dt.timedelta(days=rng.randint(1, 360)))
            author = rng.choice(authors)
            caf.checklist_save(
                actor=author,
                answers={
                    code: rng.choice([Answer.YES, Answer.YES, Answer.NOT_SURE]) for _, code, _ in CHECKLIST_QUESTIONS
                },
                decision=rng.choice([ChecklistDecision.NO_FURTHER_ACTION, ChecklistDecision.OWN_SERVICE]),
                working_name="Demo",
            )
    finally:
        clock.reset()
    with transaction.atomic():
        for agency, target in TARGETS:
            training_target_set(actor=actor, area=area, agency=agency, target=target)
        audit_record(actor=actor, action=MARKER, target=area, data={"cafs": made})
    aggregates_refresh(actor=SYSTEM_MONITORING, area=area)
    return f"{made} CAFs over the last year in {area.name}; aggregates calculated"


@transaction.atomic
def _one_caf(rng: random.Random, child: Child, authors: list[User], allowed: list[Organisation], today: dt.date) -> int:
    """One CAF's life: checklist (sometimes a request), assessment, team, TAC, plan, reviews, closure."""
    # Only a practitioner whose service would work with a child of this age and school writes their CAF.
    author = rng.choice([a for a in authors if _fits(a, child, today)] or authors)
    others = [a for a in authors if a.pk != author.pk and _fits(a, child, today)]
    start = today - dt.timedelta(days=rng.randint(20, 365))
    checklist = None
    if rng.random() < 0.5:
        asker = rng.choice(others) if others and rng.random() < 0.4 else author
        _at(start - dt.timedelta(days=rng.randint(1, 45)))
        checklist = caf.checklist_save(
            actor=asker,
            answers={code: rng.choice([Answer.NO, Answer.NOT_SURE]) for _, code, _ in CHECKLIST_QUESTIONS},
            decision=ChecklistDecision.FULL_CAF if asker is author else ChecklistDecision.ASK_OTHER,
            child=child,
        )
        if asker is not author:
            request = caf.caf_request_send(actor=asker, checklist=checklist, recipient=author, note="Please lead a CAF")
            caf.caf_request_answer(actor=author, request=request, accept=True)
    _at(start)
    consent = consent_record(
        actor=author,
        child=child,
        given_by=GivenBy.PARENT,
        parent_name="Parent (demo)",
        parent_relationship=ParentRelationship.MOTHER,
        form=ConsentForm.WRITTEN,
        undertake=True,
        record=True,
        share=True,
        share_purpose="Planning support with the agencies in the Team Around the Child",
        family_informed=True,
        allowed_organisations=allowed,
    )
    stepped_down = rng.choice([SpecialistKind.CSC_INITIAL, SpecialistKind.ASSET]) if rng.random() < 0.08 else ""
    assessment = caf.assessment_start(
        actor=author, child=child, consent=consent, checklist=checklist, stepped_down_from=stepped_down,
        existing_acknowledged=True,
    )  # fmt: skip
    needs = rng.sample(NEEDS, rng.randint(1, 3))
    values = {
        "reason": "Concerns raised by school and family (demo)",
        "present": "Child, parent and practitioner",
        "conclusions": "Agreed a plan of support",
        "ethnicity": rng.choice(ETHNICITIES),
        "religion": rng.choice(RELIGIONS),
        "disability": rng.choice(DISABILITIES),
        **{key: text for key, text, _, _ in needs},
    }
    caf.assessment_save_section(actor=author, assessment=assessment, values=values)
    if rng.random() < 0.1:
        return 1  # still a draft
    done_on = min(today, start + dt.timedelta(days=rng.randint(0, 21)))
    _at(done_on)
    caf.assessment_complete(actor=author, assessment=assessment, consent_confirmed=True)
    lead_member = assessment.members.get(user=author)
    if others and rng.random() < 0.75:
        partner = rng.choice(others)
        member = caf.team_member_add(actor=author, assessment=assessment, kind=MemberKind.PRACTITIONER, user=partner)
        caf.team_member_add(actor=author, assessment=assessment, kind=MemberKind.PARENT, name="Parent")
        tac_on = done_on + dt.timedelta(days=rng.randint(5, 50))
        if tac_on <= today and rng.random() < 0.85:
            _at(tac_on)
            everyone = list(assessment.members.filter(removed_on__isnull=True))
            meeting = caf.meeting_record(
                actor=author, assessment=assessment, held_on=tac_on, invitees=everyone, attendees=everyone,
                notes="First TAC meeting (demo).",
            )  # fmt: skip
            lead_member = member if rng.random() < 0.5 else lead_member
            try:
                caf.lead_professional_appoint(
                    actor=author, assessment=assessment, member=lead_member, meeting=meeting,
                    reason="Best placed (demo)",
                )  # fmt: skip
            except caf.CafError:
                pass  # the child already has a lead professional elsewhere (one per child)
    if rng.random() < 0.1:
        return 1  # completed with no plan: the co-ordinator's quality list shows it
    for _key, _text, outcome, what in needs:
        caf.action_add(
            actor=author, assessment=assessment, what=what, responsible=lead_member,
            due_on=clock.today() + dt.timedelta(days=rng.randint(14, 70)), outcome_wanted="Need met", outcome=outcome,
        )  # fmt: skip
    outcomes = caf.plan_outcomes(assessment)
    level = {o: rng.randint(0, 1) for o in outcomes}
    review_on = done_on
    reviews = 0
    close_after = rng.randint(1, 5)
    while True:
        review_on = review_on + dt.timedelta(weeks=6, days=rng.randint(-7, 12))
        if review_on > today:
            return 1
        if reviews >= close_after:
            break
        _at(review_on)
        for o in outcomes:
            level[o] = max(0, min(3, level[o] + rng.choice([-1, 0, 1, 1])))
        caf.review_record(
            actor=author, assessment=assessment, held_on=review_on, present="Family and TAC (demo)",
            progress_notes="Actions reviewed (demo).",
            outcome_progress={o: (RATINGS[level[o]], "") for o in outcomes},
        )  # fmt: skip
        reviews += 1
    if rng.random() < 0.35:
        return 1  # still open, perhaps with a review overdue
    _at(review_on)
    if rng.random() < 0.12:
        caf.assessment_step_up(
            actor=author, assessment=assessment, referred_on=review_on, accepted_on=review_on,
            notes="Referred to children's social care (demo)",
        )  # fmt: skip
        return 1
    for o in outcomes:
        level[o] = max(0, min(3, level[o] + rng.choice([0, 1, 1])))
    reason = rng.choice([ClosureReason.NEEDS_MET] * 5 + [ClosureReason.WITHDREW, ClosureReason.ADULT_SERVICES])
    caf.assessment_close(
        actor=author, assessment=assessment, reason=reason,
        outcome_progress={o: (RATINGS[level[o]], "") for o in outcomes},
        family_feedback_rating=rng.choice([*FamilyRating.values, FamilyRating.VERY_HELPFUL, ""]),
        family_feedback="",
    )  # fmt: skip
    return 1
