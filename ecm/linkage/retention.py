"""What linkage holds about a child, for the retention purge (``ecm.index.retention``): the staged
records linked to the child (as delivered by each source), review items comparing them, merge
snapshots, and quarantined rows that carry the child's identifiers."""

from __future__ import annotations

from functools import reduce
from operator import or_
from typing import Any

from django.db.models import Q, TextField
from django.db.models.functions import Cast

from ecm.core.actors import Actor
from ecm.index.models import Child
from ecm.index.retention import locked, register_holder, same_child_ids, scrub_rows
from ecm.linkage.models import MergeRecord, QuarantinedRow, ReviewItem, StagedRecord

STAGED_IDENTIFIERS = (
    "given_name",
    "middle_names",
    "family_name",
    "previous_family_name",
    "address_line_1",
    "address_line_2",
    "town",
    "postcode",
    "nhs_number",
    "upn",
    "parent_1_name",
    "parent_2_name",
    "involvement",
)


def purge(*, actor: Actor, child: Child, identifiers: list[str]) -> int:
    ids = same_child_ids(child)
    staged = StagedRecord.objects.filter(child__in=ids)
    rows = scrub_rows(
        ReviewItem.objects.filter(Q(record__in=staged) | Q(candidate__in=staged)), identifiers, blank=("comparison",)
    )
    rows += scrub_rows(staged, identifiers, blank=STAGED_IDENTIFIERS)
    staged.update(date_of_birth=None)
    rows += scrub_rows(
        MergeRecord.objects.filter(Q(survivor__in=ids) | Q(duplicate__in=ids)), identifiers, blank=("snapshot",)
    )
    strong = [t for t in identifiers if len(t) >= 4]
    if strong:
        text = Cast("raw", TextField())
        quarantined = QuarantinedRow.objects.annotate(raw_text=text).filter(
            reduce(or_, (Q(raw_text__icontains=t) for t in strong))
        )
        rows += scrub_rows(QuarantinedRow.objects.filter(pk__in=quarantined.values("pk")), identifiers)
    return rows


def archive(*, actor: Actor, child: Child, ids: list[Any]) -> int:
    """The rows stay as they are: the visibility rule (``ecm.index.visibility``) hides and locks them."""
    return locked(
        actor=actor,
        child=child,
        ids=ids,
        querysets=[
            StagedRecord.objects.filter(child__in=ids),
        ],
    )


register_holder(
    app="linkage",
    holds="staged records from feeds, review items, merge snapshots, quarantined rows",
    purge=purge,
    archive=archive,
    unarchive=archive,
    archived=(
        "staged records linked to the child stay linked, read-only, and leave the review queue and "
        "pages but the data managers'"
    ),
)
