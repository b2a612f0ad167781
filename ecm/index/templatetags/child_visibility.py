"""``{% child_visibility child as vis %}``: the visibility rule's flags for the signed-in user, so
that templates never decide shielding themselves (``ecm.index.visibility``)."""

from __future__ import annotations

from typing import Any

from django import template

from ecm.index.visibility import ChildVisibility, child_visibility

register = template.Library()


@register.simple_tag(takes_context=True, name="child_visibility")
def child_visibility_tag(context: Any, child: Any) -> ChildVisibility | None:
    request = context.get("request")
    if child is None or request is None:
        return None
    return child_visibility(request.user, child)
