"""What multi-agency panels hold about a child, for the retention purge (``ecm.index.retention``)."""

from __future__ import annotations

from ecm.core.actors import Actor
from ecm.index.models import Child
from ecm.index.retention import register_holder, same_child_ids, scrub_rows
from ecm.multiagency.models import AgendaItem, PanelAction, PanelReferral


def purge(*, actor: Actor, child: Child, identifiers: list[str]) -> int:
    ids = same_child_ids(child)
    referrals = PanelReferral.objects.filter(child__in=ids)
    rows = scrub_rows(AgendaItem.objects.filter(referral__in=referrals), identifiers, blank=("discussion",))
    rows += scrub_rows(PanelAction.objects.filter(referral__in=referrals), identifiers)
    rows += scrub_rows(referrals, identifiers, blank=("reason", "closure_note"))
    return rows


register_holder(app="multiagency", holds="panel referrals, agenda items and actions", purge=purge, order=20)
