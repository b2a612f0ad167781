"""What the consent app adds to other apps' pages: the link on the child's index record."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from ecm.consent.access import can_see_register


def child_record_links(request: HttpRequest, child: Any) -> list[dict[str, str]]:
    """The consent register, for those who may see it."""
    if not can_see_register(request.user, child):
        return []
    return [{"text": "Consent register", "href": reverse("consent:register", args=[child.pk])}]
