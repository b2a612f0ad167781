"""Links other apps add to a child's index record page (registered in their ``AppConfig.ready``).

The index knows nothing of what they lead to; each builder gets the request and the child and
returns ``[{"text": ..., "href": ...}]`` (empty when the user may not follow them).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest

LinkBuilder = Callable[[HttpRequest, Any], "list[dict[str, str]]"]
_builders: list[LinkBuilder] = []


def register_record_links(builder: LinkBuilder) -> None:
    if all(b is not builder for b in _builders):
        _builders.append(builder)


def record_links(request: HttpRequest, child: Any) -> list[dict[str, str]]:
    links: list[dict[str, str]] = []
    for builder in _builders:
        links.extend(builder(request, child))
    return links
