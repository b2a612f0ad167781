"""What the consent register holds about a child, for the retention purge (``ecm.index.retention``)."""

from __future__ import annotations

from ecm.consent.models import ConsentRecord
from ecm.core.actors import Actor
from ecm.index.models import Child
from ecm.index.retention import register_holder, same_child_ids, scrub_rows


def purge(*, actor: Actor, child: Child, identifiers: list[str]) -> int:
    ids = same_child_ids(child)
    return scrub_rows(ConsentRecord.objects.filter(child__in=ids), identifiers, blank=("parent_name", "given_by"))


register_holder(app="consent", holds="consent records: who gave them, a parent's name", purge=purge, order=60)
