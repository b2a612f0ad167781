"""What the accounts app puts on the home page: the user's own access status."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def access_panel(request: HttpRequest) -> dict[str, Any] | None:
    from ecm.accounts.access import child_data_gaps

    gaps = child_data_gaps(request.user)
    return {"template": "accounts/panels/access.html", "gaps": gaps}


def register_home_panels() -> None:
    from ecm.core.home import register_panel

    register_panel(access_panel, order=0)
