"""Navigation by role. Apps register their sections in ``AppConfig.ready``.

Core knows nothing of roles' meaning: an item lists the role codes that see it
(empty: every signed-in, verified user) and the user answers ``has_any_role``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    roles: tuple[str, ...] = field(default_factory=tuple)
    order: int = 100
    # Optional: a number shown after the label, e.g. "Notifications (3)"; nothing shown for 0.
    count: Callable[[Any], int] | None = field(default=None, compare=False)


_items: list[NavItem] = []


def register(item: NavItem) -> None:
    if item not in _items:
        _items.append(item)
        _items.sort(key=lambda i: (i.order, i.label))


@functools.lru_cache(maxsize=512)
def _href(url_name: str, script_prefix: str, urlconf: str) -> str | None:  # noqa: ARG001 - keys of the cache
    """A section's address (the same on every request for a given script prefix and URL
    configuration), or None when the URL is not installed."""
    try:
        return reverse(url_name)
    except NoReverseMatch:
        return None


def navigation_for(request: HttpRequest) -> list[dict[str, object]]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not getattr(user, "is_verified", lambda: False)():
        return []
    entries = []
    for item in _items:
        if item.roles and not user.has_any_role(*item.roles):
            continue
        href = _href(item.url_name, get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)
        if href is None:
            continue
        text = item.label
        if item.count is not None and (number := item.count(user)):
            text = f"{item.label} ({number})"
        entries.append({"text": text, "href": href, "active": False})
    # Exactly one current item: the longest section the page is in ("/" only for the home page itself).
    matches = [
        e
        for e in entries
        if request.path == e["href"] or (e["href"] != "/" and request.path.startswith(str(e["href"])))
    ]
    if matches:
        max(matches, key=lambda e: len(str(e["href"])))["active"] = True
    return entries
