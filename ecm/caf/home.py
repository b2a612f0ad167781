"""What the CAF puts on the home page: open CAFs and overdue reviews."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse


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


def caf_record_section(request: HttpRequest, child: Any, record: Any) -> dict[str, Any] | None:
    """On the child's record: the CAFs the reader may open, and a checklist or a CAF started for this child."""
    from ecm.accounts.access import can_see_child_data
    from ecm.caf.access import can_view
    from ecm.caf.models import Assessment

    user: Any = request.user
    if not can_see_child_data(user) or not user.has_any_role("practitioner", "manager"):
        return None
    cafs = [a for a in Assessment.objects.filter(child=child).select_related("author") if can_view(user, a)]
    return {
        "template": "caf/panels/record.html",
        "cafs": cafs,
        "can_start": child.status == "active",
        "checklist_href": reverse("caf:checklist_new") + f"?child={child.pk}",
    }
