"""The home page is made of panels that apps contribute (registered in ``AppConfig.ready``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest

PanelBuilder = Callable[[HttpRequest], "dict[str, Any] | None"]
_builders: list[tuple[int, PanelBuilder]] = []


def register_panel(builder: PanelBuilder, order: int = 100) -> None:
    if all(b is not builder for _, b in _builders):
        _builders.append((order, builder))
        _builders.sort(key=lambda pair: pair[0])


def home_panels(request: HttpRequest) -> list[dict[str, Any]]:
    panels = []
    for _, builder in _builders:
        panel = builder(request)
        if panel:
            panels.append(panel)
    return panels
