"""May this child's information go to that organisation? Consent, or a recorded decision."""

from __future__ import annotations

from typing import Any

from ecm.consent.choices import Scope
from ecm.consent.selectors import consent_covers
from ecm.index.models import Child
from ecm.sharing.choices import Outcome
from ecm.sharing.models import SharingDecision


def decision_to_share_exists(child: Child, organisation: Any) -> bool:
    """Is there a recorded decision to share with this organisation without consent?

    The latest decision for the pair counts: a later "do not share" replaces an earlier "share".
    """
    if organisation is None:
        return False
    latest = SharingDecision.objects.filter(child=child, organisation=organisation).order_by("-created_at").first()
    return latest is not None and latest.outcome == Outcome.SHARE


def sharing_allowed(child: Child, organisation: Any) -> bool:
    """Consent covers sharing with the organisation, or a decision to share without consent is recorded."""
    return consent_covers(child, organisation, Scope.SHARE) or decision_to_share_exists(child, organisation)


def decisions_for(child: Child) -> list[SharingDecision]:
    return list(SharingDecision.objects.filter(child=child).select_related("organisation"))
