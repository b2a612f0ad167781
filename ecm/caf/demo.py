"""A demo CAF for the demo area (called by ``seed_demo`` after the child index). Idempotent; synthetic data.

A CAF is always written by a practitioner, so the demo CAF is written in the name of the demo
learning mentor ("teacher"), with consent allowing the health visitors (RY6) and excluding the
police (WYP); the seed itself is audited as ``actor``.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from ecm.accounts.models import Organisation, User
from ecm.audit.services import audit_record
from ecm.caf import services
from ecm.caf.choices import MemberKind, Outcome
from ecm.caf.models import Assessment
from ecm.consent.choices import ConsentForm, GivenBy, ParentRelationship
from ecm.consent.services import consent_record
from ecm.core import clock
from ecm.core.actors import Actor
from ecm.index.choices import ChildStatus
from ecm.index.models import Child

DEMO_SECTIONS = {
    "reason": "Attendance in Reception has fallen to 82% this term and {name} seems withdrawn in class.",
    "present": "{name}, her mother and her learning mentor",
    "general_health__needs": "Frequent headaches; has not seen the GP about them",
    "emotional_social__strengths": "Kind to younger children; close friendship group",
    "emotional_social__needs": "Low mood since her grandmother died in the spring",
    "emotional_warmth__strengths": "Warm, loving relationship with her mother",
    "housing_employment_finance__needs": "Mother's working hours changed; mornings are rushed",
    "conclusions": "A health check, support with mornings and a place at the lunchtime club.",
    "child_comments": "I want to play with my friends at lunchtime.",
    "parent_comments": "We need help with mornings.",
}


@transaction.atomic
def seed_caf_demo(*, actor: Actor) -> str:
    """Load one completed demo CAF with a team, a meeting, a lead professional and an action."""
    author = User.objects.filter(username="teacher").first()
    health_visitor = User.objects.filter(username="practitioner").first()
    if author is None or health_visitor is None:
        return "skipped (no demo practitioners)"
    if Assessment.objects.filter(author=author).exists():
        return "already loaded"
    taken = Assessment.objects.values_list("child_id", flat=True)
    # A girl in Reception at the learning mentor's school, still seen by the health visitor (under five).
    today = clock.today()
    base = (
        Child.objects.filter(status=ChildStatus.ACTIVE, is_shielded=False, date_of_birth__isnull=False)
        .exclude(pk__in=taken)
        .exclude(involvements__has_undertaken_caf=True)
        .order_by("index_number")
    )
    candidates = (
        Child.objects.filter(status=ChildStatus.ACTIVE, is_shielded=False, gender="female")
        .filter(
            date_of_birth__lte=today - dt.timedelta(days=4 * 366), date_of_birth__gt=today - dt.timedelta(days=5 * 365)
        )
        .exclude(pk__in=taken)
        .exclude(involvements__has_undertaken_caf=True)
        .order_by("index_number")
    )
    child = candidates.filter(school=author.organisation).first() or candidates.first() or base.first()
    if child is None:
        return "skipped (no demo children)"
    mother = child.carers.filter(relationship="mother").first()
    mother_name = str(mother) if mother else "Her mother"
    sections = {key: value.format(name=child.given_name) for key, value in DEMO_SECTIONS.items()}
    consent = consent_record(
        actor=author,
        child=child,
        given_by=GivenBy.PARENT,
        parent_name=mother_name,
        parent_relationship=ParentRelationship.MOTHER,
        form=ConsentForm.WRITTEN,
        undertake=True,
        record=True,
        share=True,
        share_purpose="Planning support with health visiting while the CAF is open",
        family_informed=True,
        allowed_organisations=list(Organisation.objects.filter(code="RY6")),
        excluded_organisations=list(Organisation.objects.filter(code="WYP")),
    )
    assessment = services.assessment_start(actor=author, child=child, consent=consent, existing_acknowledged=True)
    services.assessment_save_section(actor=author, assessment=assessment, values=sections)
    services.assessment_complete(actor=author, assessment=assessment, consent_confirmed=True)
    member = services.team_member_add(
        actor=author, assessment=assessment, kind=MemberKind.PRACTITIONER, user=health_visitor
    )
    services.team_member_add(actor=author, assessment=assessment, kind=MemberKind.PARENT, name=mother_name)
    meeting = services.meeting_record(
        actor=author,
        assessment=assessment,
        held_on=clock.today(),
        invitees=assessment.members.all(),
        attendees=assessment.members.all(),
        notes="First TAC meeting. Agreed a health check and support with mornings.",
    )
    services.lead_professional_appoint(
        actor=author, assessment=assessment, member=member, meeting=meeting, reason="Health needs predominate"
    )
    services.action_add(
        actor=author,
        assessment=assessment,
        what="Health check for headaches",
        responsible=member,
        due_on=clock.today() + dt.timedelta(days=14),
        outcome_wanted="Headaches understood and treated",
        outcome=Outcome.BE_HEALTHY,
    )
    audit_record(actor=actor, action="caf.demo_seeded", target=assessment, data={"reference": assessment.reference})
    return f"CAF {assessment.reference} for {child.display_name} (by teacher; lead: practitioner)"
