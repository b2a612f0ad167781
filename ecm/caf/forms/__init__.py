"""Forms of the CAF pages (crispy-forms-gds; errors in the GOV.UK error summary)."""

from __future__ import annotations

from typing import Any

from django import forms


def set_choices(form: forms.Form, name: str, choices: list[tuple[str, str]]) -> None:
    """Give a choice field its choices (read by the view through selectors, never queried here)."""
    field: Any = form.fields[name]
    field.choices = choices
