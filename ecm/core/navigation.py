"""Navigation by role. Apps register their sections in ``AppConfig.ready``.

Core knows nothing of roles' meaning: an item lists the role codes that see it
(empty: every signed-in, verified user) and the user answers ``has_any_role``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    roles: tuple[str, ...] = field(default_factory=tuple)
    order: int = 100


_items: list[NavItem] = []


def register(item: NavItem) -> None:
    if item not in _items:
        _items.append(item)
        _items.sort(key=lambda i: (i.order, i.label))


def navigation_for(request: HttpRequest) -> list[dict[str, object]]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not getattr(user, "is_verified", lambda: False)():
        return []
    entries = []
    for item in _items:
        if item.roles and not user.has_any_role(*item.roles):
            continue
        try:
            href = reverse(item.url_name)
        except NoReverseMatch:
            continue
        entries.append({"text": item.label, "href": href, "active": False})
    # Exactly one current item: the longest section the page is in ("/" only for the home page itself).
    matches = [
        e
        for e in entries
        if request.path == e["href"] or (e["href"] != "/" and request.path.startswith(str(e["href"])))
    ]
    if matches:
        max(matches, key=lambda e: len(str(e["href"])))["active"] = True
    return entries
