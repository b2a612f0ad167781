"""What budgets put on the home page: the budget manager's approvals waiting."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def budgets_panel(request: HttpRequest) -> dict[str, Any] | None:
    from ecm.accounts.access import can_see_child_data
    from ecm.budgets.selectors import budgets_managed_by, waiting_count

    user: Any = request.user
    if not can_see_child_data(user) or not user.has_role("manager") or not budgets_managed_by(user):
        return None
    return {"template": "budgets/panels/home.html", "title": "Budgets", "waiting": waiting_count(user)}
