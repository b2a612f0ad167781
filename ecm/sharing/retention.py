"""What sharing holds about a child, for the retention purge (``ecm.index.retention``).

Decisions, countersignatures and disclosures are immutable: their triggers accept this blanking
only inside the purge's transaction (``ecm.sharing.triggers``, the purge permit)."""

from __future__ import annotations

from typing import Any

from ecm.core.actors import Actor
from ecm.index.models import Child
from ecm.index.retention import locked, register_holder, same_child_ids, scrub_rows
from ecm.sharing.models import AdviceRequest, Countersignature, DecisionDraft, Disclosure, SharingDecision


def purge(*, actor: Actor, child: Child, identifiers: list[str]) -> int:
    ids = same_child_ids(child)
    decisions = SharingDecision.objects.filter(child__in=ids)
    drafts = DecisionDraft.objects.filter(child__in=ids)
    rows = scrub_rows(AdviceRequest.objects.filter(draft__in=drafts), identifiers)
    rows += scrub_rows(drafts, identifiers, blank=("details", "answers"))
    rows += scrub_rows(Countersignature.objects.filter(decision__in=decisions), identifiers)
    rows += scrub_rows(Disclosure.objects.filter(child__in=ids), identifiers)
    rows += scrub_rows(decisions, identifiers)
    return rows


def archive(*, actor: Actor, child: Child, ids: list[Any]) -> int:
    """The rows stay as they are: the visibility rule (``ecm.index.visibility``) hides and locks them."""
    return locked(
        actor=actor,
        child=child,
        ids=ids,
        querysets=[
            SharingDecision.objects.filter(child__in=ids),
            DecisionDraft.objects.filter(child__in=ids),
            Disclosure.objects.filter(child__in=ids),
        ],
    )


register_holder(
    app="sharing",
    holds="sharing decisions and drafts, countersignatures, disclosures",
    purge=purge,
    archive=archive,
    unarchive=archive,
    archived=(
        "sharing decisions, drafts and disclosures are read-only and leave every list, register and "
        "page but the data managers'"
    ),
    order=50,
)
