"""What the CAF puts on the home page: open CAFs and overdue reviews."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def caf_panel(request: HttpRequest) -> dict[str, Any] | None:
    from ecm.accounts.access import can_see_child_data
    from ecm.caf.selectors import cafs_of, overdue_for_practitioner

    user: Any = request.user
    if not can_see_child_data(user) or not user.has_any_role("practitioner", "manager"):
        return None
    return {
        "template": "caf/panels/home.html",
        "title": "Common Assessment Framework",
        "open": len(cafs_of(user)),
        "overdue": len(overdue_for_practitioner(user)),
    }
