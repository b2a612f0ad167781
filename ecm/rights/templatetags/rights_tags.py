"""Template helpers for the package page."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def get(mapping: Any, key: str) -> Any:
    """``mapping|get:key``: a dictionary value by a computed key (None when missing)."""
    return mapping.get(key) if hasattr(mapping, "get") else None
