"""What the accounts app puts on the home page: the user's own access status."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def access_panel(request: HttpRequest) -> dict[str, Any] | None:
    from ecm.accounts.access import child_data_gaps

    user: Any = request.user
    gaps = child_data_gaps(user)
    # Only roles that use the index are told they can (accounts knows the role codes, not the index app).
    index_user = user.has_any_role("practitioner", "manager", "index_admin", "data_manager")
    return {"template": "accounts/panels/access.html", "gaps": gaps, "index_user": index_user}


def register_home_panels() -> None:
    from ecm.core.home import register_panel

    register_panel(access_panel, order=0)
