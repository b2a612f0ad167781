"""What referrals add to the home page (open incoming referrals) and to the child's index record."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def referrals_panel(request: HttpRequest) -> dict[str, Any] | None:
    from ecm.accounts.access import can_see_child_data
    from ecm.referrals.selectors import REFERRER_ROLES, referrals_received_by

    user: Any = request.user
    if not can_see_child_data(user) or not user.has_any_role(*REFERRER_ROLES):
        return None
    waiting = referrals_received_by(user.organisation, open_only=True, actor=user)
    if not waiting:
        return None
    return {"template": "referrals/panels/home.html", "title": "Referrals to your services", "waiting": len(waiting)}


def referrals_record_section(request: HttpRequest, child: Any, record: Any) -> dict[str, Any] | None:
    """On the child's record: referrals the viewer's organisation sent or received, and a way to refer."""
    from ecm.referrals.selectors import REFERRER_ROLES, referrals_for_record

    user: Any = request.user
    if not user.has_any_role(*REFERRER_ROLES):
        return None
    return {
        "template": "referrals/panels/record.html",
        "referrals": referrals_for_record(child=child, actor=user),
        "can_refer": _can_refer(user, child),
    }


def _can_refer(user: Any, child: Any) -> bool:
    from ecm.index.choices import ChildStatus
    from ecm.index.visibility import child_visibility

    visibility = child_visibility(user, child)
    return visibility.status == ChildStatus.ACTIVE and visibility.copies_allowed
