"""What multi-agency working puts on the home page: the panels you sit on and actions you own."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def multiagency_panel(request: HttpRequest) -> dict[str, Any] | None:
    from ecm.accounts.access import can_see_child_data
    from ecm.multiagency.selectors import my_open_actions, panels_of, teams_of

    user: Any = request.user
    if not can_see_child_data(user) or not user.has_any_role("practitioner", "manager"):
        return None
    panels, teams, actions = panels_of(user), teams_of(user), my_open_actions(user)
    if not (panels or teams or actions):
        return None
    return {
        "template": "multiagency/panels/home.html",
        "title": "Panels and teams",
        "panels": len(panels),
        "teams": len(teams),
        "actions": len(actions),
    }
