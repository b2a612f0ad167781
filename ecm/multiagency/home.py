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


def child_record_links(request: HttpRequest, child: Any) -> list[dict[str, str]]:
    """On the child's record: refer them to a panel of their area, the index number filled in."""
    from django.urls import reverse

    from ecm.accounts.access import can_see_child_data
    from ecm.multiagency.selectors import panels_all

    user: Any = request.user
    if child.status != "active" or not can_see_child_data(user) or not user.has_any_role("practitioner", "manager"):
        return []
    return [
        {
            "text": f"Refer to the {panel.name}",
            "href": reverse("multiagency:refer", args=[panel.pk]) + f"?child={child.pk}",
        }
        for panel in panels_all()
        if child.local_authority_id is None or panel.local_authority_id == child.local_authority_id
    ]
