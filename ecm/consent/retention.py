"""What the consent register holds about a child, for the retention purge (``ecm.index.retention``)."""

from __future__ import annotations

from typing import Any

from ecm.consent.models import ConsentRecord
from ecm.core.actors import Actor
from ecm.index.models import Child
from ecm.index.retention import locked, register_holder, same_child_ids, scrub_rows


def purge(*, actor: Actor, child: Child, identifiers: list[str]) -> int:
    ids = same_child_ids(child)
    return scrub_rows(ConsentRecord.objects.filter(child__in=ids), identifiers, blank=("parent_name", "given_by"))


def archive(*, actor: Actor, child: Child, ids: list[Any]) -> int:
    """The rows stay as they are: the visibility rule (``ecm.index.visibility``) hides and locks them."""
    return locked(
        actor=actor,
        child=child,
        ids=ids,
        querysets=[
            ConsentRecord.objects.filter(child__in=ids),
        ],
    )


register_holder(
    app="consent",
    holds="consent records: who gave them, a parent's name",
    purge=purge,
    archive=archive,
    unarchive=archive,
    archived=("consent records are read-only and leave every list and page but the data managers'"),
    order=60,
)
