"""What monitoring holds about a child, for the retention purge (``ecm.index.retention``): quality
reviews of the child's CAFs (the aggregates hold no child)."""

from __future__ import annotations

from typing import Any

from ecm.core.actors import Actor
from ecm.index.models import Child
from ecm.index.retention import locked, register_holder, same_child_ids, scrub_rows
from ecm.monitoring.models import QualityReview


def purge(*, actor: Actor, child: Child, identifiers: list[str]) -> int:
    ids = same_child_ids(child)
    return scrub_rows(QualityReview.objects.filter(assessment__child__in=ids), identifiers)


def archive(*, actor: Actor, child: Child, ids: list[Any]) -> int:
    """The rows stay as they are: the visibility rule (``ecm.index.visibility``) hides and locks them."""
    return locked(
        actor=actor,
        child=child,
        ids=ids,
        querysets=[
            QualityReview.objects.filter(assessment__child__in=ids),
        ],
    )


register_holder(
    app="monitoring",
    holds="quality reviews of the child's CAFs",
    purge=purge,
    archive=archive,
    unarchive=archive,
    archived=(
        "quality reviews of the child's CAFs leave every list and page but the data managers'; "
        "aggregates keep counting them"
    ),
    order=30,
)
