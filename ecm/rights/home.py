"""What subject access puts on the data manager's home page: overdue and due-soon requests."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def rights_panel(request: HttpRequest) -> dict[str, Any] | None:
    from ecm.accounts.access import can_see_child_data
    from ecm.accounts.choices import Role
    from ecm.rights.selectors import rectifications_pending, task_counts

    user: Any = request.user
    if not can_see_child_data(user) or not user.has_any_role(Role.DATA_MANAGER, Role.PRIVACY_OFFICER):
        return None
    return {
        "template": "rights/panels/home.html",
        "title": "Subject access and rectification",
        **task_counts(actor=user),
        "rectifications": len(rectifications_pending()),
    }


def child_record_links(request: HttpRequest, child: Any) -> list[dict[str, str]]:
    """On the child's record, for a data manager: log a subject access request, the child filled in."""
    from django.urls import reverse

    from ecm.rights.access import is_data_manager

    if not is_data_manager(request.user):
        return []
    href = reverse("rights:request_new") + f"?child={child.pk}"
    return [{"text": "Log a subject access request for this child", "href": href}]
