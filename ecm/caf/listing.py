"""A practitioner's list of CAFs: the ones they wrote, lead or are in the team of, filtered and paged.

The child's name is shown as the index's visibility rule allows (a shielded child's name is one
of the details always shown; a purged record shows only its index number). The read is audited
with the references on the page and which filters were used, never the name typed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.db import transaction
from django.db.models import Q, QuerySet

from ecm.accounts.access import actor_person
from ecm.audit.services import audit_record
from ecm.caf.choices import CafStatus
from ecm.caf.models import Assessment, LeadProfessional
from ecm.core.actors import Actor
from ecm.index.visibility import children_visible

PAGE_SIZE = 20
DEFAULTS = (("status", "open"), ("part", "any"))


@dataclass(frozen=True)
class CafRow:
    pk: Any
    reference: str
    child_name: str
    status: str
    started_on: dt.date
    next_review_on: dt.date | None
    lead: str
    part: str


def _mine(user: Any) -> Q:
    return Q(author=user) | Q(members__user=user, members__removed_on__isnull=True)


def caf_list_queryset(*, user: Any, filters: dict[str, Any]) -> QuerySet[Assessment]:
    # An archived child's CAFs leave everyday lists (the visibility rule); a purged one shows no name.
    qs = Assessment.objects.filter(_mine(user)).filter(children_visible(user, "child__"))
    status = filters.get("status", "open")
    if status == "open":
        qs = qs.exclude(status=CafStatus.CLOSED)
    elif status in CafStatus.values:
        qs = qs.filter(status=status)
    part = filters.get("part", "any")
    if part == "lead":
        qs = qs.filter(leads__member__user=user, leads__ended_on__isnull=True)
    elif part == "author":
        qs = qs.filter(author=user)
    elif part == "team":
        qs = qs.filter(members__user=user, members__removed_on__isnull=True).exclude(author=user)
    for word in (filters.get("name") or "").split():
        qs = qs.filter(
            Q(reference__icontains=word)
            | (
                ~Q(child__status="purged")
                & (
                    Q(child__given_name__icontains=word)
                    | Q(child__middle_names__icontains=word)
                    | Q(child__family_name__icontains=word)
                )
            )
        )
    if filters.get("started_from"):
        qs = qs.filter(started_on__gte=filters["started_from"])
    if filters.get("started_to"):
        qs = qs.filter(started_on__lte=filters["started_to"])
    ids = qs.values("pk")
    return Assessment.objects.filter(pk__in=ids).order_by("-started_on", "reference")


@transaction.atomic
def caf_list_page(*, actor: Actor, filters: dict[str, Any], page: Any) -> tuple[Page[Any], list[CafRow]]:
    """One page of the actor's CAFs with the filters applied, audited."""
    actor = actor_person(actor)
    qs = caf_list_queryset(user=actor, filters=filters).select_related("child")
    current = Paginator(qs, PAGE_SIZE).get_page(page)
    cafs = list(current.object_list)
    ids = [c.pk for c in cafs]
    leads = {
        lead.assessment_id: lead.member
        for lead in LeadProfessional.objects.filter(assessment_id__in=ids, ended_on__isnull=True).select_related(
            "member"
        )
    }
    in_team = set(
        Assessment.objects.filter(pk__in=ids, members__user=actor, members__removed_on__isnull=True).values_list(
            "pk", flat=True
        )
    )
    rows = []
    for c in cafs:
        lead = leads.get(c.pk)
        if lead is not None and lead.user_id == actor.pk:
            part = "Lead professional"
        elif c.author_id == actor.pk:
            part = "You wrote it"
        else:
            part = "Team member" if c.pk in in_team else ""
        rows.append(
            CafRow(
                pk=c.pk,
                reference=c.reference,
                child_name=c.child.display_name,
                status=c.get_status_display(),
                started_on=c.started_on,
                next_review_on=c.next_review_on,
                lead=lead.name if lead is not None else "",
                part=part,
            )
        )
    audit_record(
        actor=actor,
        action="caf.list_viewed",
        object_type="caf.list",
        object_id=str(actor.pk),
        data={
            "page": current.number,
            "references": [c.reference for c in cafs],
            "filters": sorted(k for k, v in filters.items() if v and (k, v) not in DEFAULTS),
        },
    )
    return current, rows
