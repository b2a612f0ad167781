"""Sections that other apps add to the child's record page (registered in ``AppConfig.ready``).

The index knows nothing of what the sections say: a builder gets the request, the child
and the record already assembled for this viewer (so it can respect shielding), and
answers a template name with its context, or ``None`` to add nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest

SectionBuilder = Callable[[HttpRequest, Any, Any], "dict[str, Any] | None"]
_builders: list[tuple[int, SectionBuilder]] = []


def register_record_section(builder: SectionBuilder, order: int = 100) -> None:
    if all(b is not builder for _, b in _builders):
        _builders.append((order, builder))
        _builders.sort(key=lambda pair: pair[0])


def record_sections(request: HttpRequest, child: Any, record: Any) -> list[dict[str, Any]]:
    sections = []
    for _, builder in _builders:
        section = builder(request, child, record)
        if section:
            sections.append(section)
    return sections
