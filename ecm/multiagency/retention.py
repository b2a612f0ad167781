"""What multi-agency panels hold about a child, for the retention purge (``ecm.index.retention``)."""

from __future__ import annotations

from typing import Any

from ecm.core.actors import Actor
from ecm.index.models import Child
from ecm.index.retention import locked, register_holder, same_child_ids, scrub_rows
from ecm.multiagency.models import AgendaItem, PanelAction, PanelReferral


def purge(*, actor: Actor, child: Child, identifiers: list[str]) -> int:
    ids = same_child_ids(child)
    referrals = PanelReferral.objects.filter(child__in=ids)
    rows = scrub_rows(AgendaItem.objects.filter(referral__in=referrals), identifiers, blank=("discussion",))
    rows += scrub_rows(PanelAction.objects.filter(referral__in=referrals), identifiers)
    rows += scrub_rows(referrals, identifiers, blank=("reason", "closure_note"))
    return rows


def archive(*, actor: Actor, child: Child, ids: list[Any]) -> int:
    """The rows stay as they are: the visibility rule (``ecm.index.visibility``) hides and locks them."""
    return locked(
        actor=actor,
        child=child,
        ids=ids,
        querysets=[
            PanelReferral.objects.filter(child__in=ids),
        ],
    )


register_holder(
    app="multiagency",
    holds="panel referrals, agenda items and actions",
    purge=purge,
    archive=archive,
    unarchive=archive,
    archived=(
        "panel referrals, agenda items and actions are read-only and leave every panel list, agenda "
        "and page but the data managers'"
    ),
    order=20,
)
