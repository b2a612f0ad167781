"""What referrals hold about a child, for the retention purge (``ecm.index.retention``)."""

from __future__ import annotations

from ecm.core.actors import Actor
from ecm.index.models import Child
from ecm.index.retention import register_holder, same_child_ids, scrub_rows
from ecm.referrals.models import Referral


def purge(*, actor: Actor, child: Child, identifiers: list[str]) -> int:
    ids = same_child_ids(child)
    return scrub_rows(Referral.objects.filter(child__in=ids), identifiers, blank=("reason",))


register_holder(
    app="referrals", holds="referrals to directory services, with the need described", purge=purge, order=20
)
