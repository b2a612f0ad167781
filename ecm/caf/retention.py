"""What the CAF holds about a child, for the retention purge and the shield (``ecm.index.retention``,
``ecm.index.visibility``): checklists, assessments with every version, team, meetings, leads,
plan, reviews, outcomes, requests and specialist referrals."""

from __future__ import annotations

from typing import Any

from ecm.caf.models import (
    Assessment,
    AssessmentVersion,
    CafRequest,
    Checklist,
    LeadProfessional,
    Meeting,
    OutcomeProgress,
    PlanAction,
    Review,
    SafeguardingEscalation,
    SpecialistReferral,
    TeamMember,
    Transfer,
)
from ecm.core.actors import Actor
from ecm.index.models import Child
from ecm.index.retention import locked, register_holder, same_child_ids, scrub_rows
from ecm.index.visibility import redact_rows, register_shield_hook

RELATED = (
    TeamMember,
    Meeting,
    LeadProfessional,
    PlanAction,
    Review,
    OutcomeProgress,
    SafeguardingEscalation,
    SpecialistReferral,
    Transfer,
)


def _same_child(child: Child) -> list[Any]:
    return same_child_ids(child)


def purge(*, actor: Actor, child: Child, identifiers: list[str]) -> int:
    """The case file goes (every version's answers, checklist answers, notes); what remains (dates,
    statuses, references) carries no identifier."""
    ids = _same_child(child)
    assessments = Assessment.objects.filter(child__in=ids)
    checklists = Checklist.objects.filter(child__in=ids)
    rows = scrub_rows(AssessmentVersion.objects.filter(assessment__in=assessments), identifiers, blank=("data",))
    rows += scrub_rows(checklists, identifiers, blank=("answers", "working_name", "notes"))
    rows += scrub_rows(assessments, identifiers, blank=("closure_notes", "step_up_notes", "family_feedback"))
    for model in RELATED:
        rows += scrub_rows(model.objects.filter(assessment__in=assessments), identifiers)
    rows += scrub_rows(CafRequest.objects.filter(checklist__in=checklists), identifiers)
    return rows


def shield(*, actor: Actor, child: Child, terms: list[str]) -> int:
    """A shield set after a CAF started: the whereabouts copied into its versions are withheld."""
    assessments = Assessment.objects.filter(child=child)
    rows = redact_rows(AssessmentVersion.objects.filter(assessment__in=assessments), terms)
    rows += redact_rows(Checklist.objects.filter(child=child), terms)
    return rows


def archive(*, actor: Actor, child: Child, ids: list[Any]) -> int:
    """The rows stay as they are: the visibility rule (``ecm.index.visibility``) hides and locks them."""
    return locked(
        actor=actor,
        child=child,
        ids=ids,
        querysets=[
            Assessment.objects.filter(child__in=ids),
            Checklist.objects.filter(child__in=ids),
        ],
    )


register_holder(
    app="caf",
    holds="checklists, assessments and their versions, the TAC's work",
    purge=purge,
    archive=archive,
    unarchive=archive,
    archived=(
        "checklists, CAFs and the TAC's work are read-only and leave every list, register, "
        "dashboard, reminder and page but the data managers'"
    ),
    order=40,
)
register_shield_hook("caf", shield)
