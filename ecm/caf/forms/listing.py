"""The filters of a practitioner's CAF list (a GET form: it works without JavaScript)."""

from __future__ import annotations

from typing import Any

from crispy_forms_gds.layout import Field, Fieldset, Size
from django import forms

from ecm.core.forms import GovDateField, gds_helper

STATUS_CHOICES = [
    ("open", "Open (draft or completed)"),
    ("draft", "Draft"),
    ("completed", "Completed"),
    ("closed", "Closed"),
    ("any", "Any status"),
]
PART_CHOICES = [
    ("any", "Any"),
    ("lead", "I am the lead professional"),
    ("author", "I wrote it"),
    ("team", "I am in its team"),
]
FILTERS = ("name", "status", "part", "started_from", "started_to")


class CafFilterForm(forms.Form):
    name = forms.CharField(label="Child's name or CAF reference", required=False, max_length=100)
    status = forms.ChoiceField(label="Status", choices=STATUS_CHOICES, required=False)
    part = forms.ChoiceField(label="Your part in the CAF", choices=PART_CHOICES, required=False)
    started_from = GovDateField(label="Started on or after", required=False)
    started_to = GovDateField(label="Started on or before", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field.text("name", field_width=20),
            Field.select("status"),
            Field.select("part"),
            Fieldset(Field("started_from"), Field("started_to"), legend="Date started", legend_size=Size.SMALL),
            submit="Apply filters",
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("started_from"), data.get("started_to")
        if start and end and start > end:
            self.add_error("started_to", "Started on or before must be the same as or after Started on or after")
        return data

    def filters(self) -> dict[str, Any]:
        """The filters chosen (defaults for what was left out or is wrong)."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return {
            "name": (data.get("name") or "").strip(),
            "status": data.get("status") or "open",
            "part": data.get("part") or "any",
            "started_from": data.get("started_from"),
            "started_to": data.get("started_to"),
        }
