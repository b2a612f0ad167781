"""The building blocks of a package: items of labelled fields, values as text."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.utils import timezone


def text(value: Any) -> str:
    """One value as the package shows it: dates ISO, times to the minute in UK time, yes/no."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return ", ".join(text(v) for v in value)
    return str(value)


def _field(key: str, label: str, value: Any) -> dict[str, str]:
    return {"key": key, "label": label, "value": text(value)}


def _item(path: str, title: str, fields: Iterable[tuple[str, str, Any]]) -> dict[str, Any]:
    return {"path": path, "title": title, "fields": [_field(k, lbl, v) for k, lbl, v in fields]}


def _section(key: str, title: str, items: list[dict[str, Any]]) -> dict[str, Any]:
    return {"key": key, "title": title, "items": items}
