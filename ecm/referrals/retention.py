"""What referrals hold about a child, for the retention purge (``ecm.index.retention``)."""

from __future__ import annotations

from typing import Any

from ecm.core.actors import Actor
from ecm.index.models import Child
from ecm.index.retention import locked, register_holder, same_child_ids, scrub_rows
from ecm.referrals.models import Referral


def purge(*, actor: Actor, child: Child, identifiers: list[str]) -> int:
    ids = same_child_ids(child)
    return scrub_rows(Referral.objects.filter(child__in=ids), identifiers, blank=("reason",))


def archive(*, actor: Actor, child: Child, ids: list[Any]) -> int:
    """The rows stay as they are: the visibility rule (``ecm.index.visibility``) hides and locks them."""
    return locked(
        actor=actor,
        child=child,
        ids=ids,
        querysets=[
            Referral.objects.filter(child__in=ids),
        ],
    )


register_holder(
    app="referrals",
    holds="referrals to directory services, with the need described",
    purge=purge,
    archive=archive,
    unarchive=archive,
    archived=("referrals are read-only and leave the senders' and providers' lists and pages but the data managers'"),
    order=20,
)
