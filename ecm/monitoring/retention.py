"""What monitoring holds about a child, for the retention purge (``ecm.index.retention``): quality
reviews of the child's CAFs (the aggregates hold no child)."""

from __future__ import annotations

from ecm.core.actors import Actor
from ecm.index.models import Child
from ecm.index.retention import register_holder, same_child_ids, scrub_rows
from ecm.monitoring.models import QualityReview


def purge(*, actor: Actor, child: Child, identifiers: list[str]) -> int:
    ids = same_child_ids(child)
    return scrub_rows(QualityReview.objects.filter(assessment__child__in=ids), identifiers)


register_holder(app="monitoring", holds="quality reviews of the child's CAFs", purge=purge, order=30)
