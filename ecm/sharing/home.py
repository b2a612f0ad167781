"""What sharing puts on the home page, and the links it adds to a child's index record."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse


def sharing_panel(request: HttpRequest) -> dict[str, Any] | None:
    """Decisions in progress, questions waiting for the user's advice, decisions waiting for their countersignature."""
    from ecm.accounts.access import can_see_child_data
    from ecm.sharing.selectors import advice_waiting_for, countersignatures_waiting_for, drafts_of

    user: Any = request.user
    if not can_see_child_data(user) or not user.has_any_role("practitioner", "manager"):
        return None
    counts = {
        "drafts": len(drafts_of(user)),
        "advice": len(advice_waiting_for(user)),
        "countersign": len(waiting := countersignatures_waiting_for(user)),
        "overdue": sum(1 for d in waiting if d.review_overdue),
    }
    if not any(counts.values()):
        return None
    return {"template": "sharing/panels/home.html", "title": "Information sharing", **counts}


def child_record_links(request: HttpRequest, child: Any) -> list[dict[str, str]]:
    """Links on the child's index record: the disclosure log, and starting a decision."""
    user: Any = request.user
    links = []
    if user.has_any_role("practitioner", "manager"):
        links.append({"text": "Decide whether to share information", "href": reverse("sharing:start", args=[child.pk])})
    if user.has_any_role("practitioner", "manager", "privacy_officer", "data_manager"):
        links.append({"text": "Disclosure log", "href": reverse("sharing:log", args=[child.pk])})
    return links
