"""Forms of the linkage pages (crispy-forms-gds; the template writes the <form>)."""

from __future__ import annotations

from crispy_forms_gds.layout import Field, Size
from django import forms

from ecm.core.forms import gds_helper
from ecm.linkage.choices import ReviewDecision


class ReviewDecisionForm(forms.Form):
    """Link, not a match or defer, with a note (needed to defer)."""

    decision = forms.ChoiceField(
        label="Are these records the same child?", choices=ReviewDecision.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label="Note", required=False, widget=forms.Textarea(attrs={"rows": 3}), help_text="Needed if you defer"
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["decision"].error_messages["required"] = "Choose whether these records are the same child"
        self.helper = gds_helper(Field.radios("decision", legend_size=Size.MEDIUM), "note", submit="Save decision")

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("decision") == ReviewDecision.DEFER and not str(data.get("note") or "").strip():
            self.add_error("note", "Say why you are deferring the decision")
        return data


class MergeForm(forms.Form):
    """Merge a duplicate index record into a surviving one, by their index numbers."""

    survivor = forms.CharField(label="Index number of the record to keep", max_length=14)
    duplicate = forms.CharField(label="Index number of the duplicate to merge into it", max_length=14)
    reason = forms.CharField(label="Why are these the same child?", widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.helper = gds_helper("survivor", "duplicate", "reason", submit="Merge the records")


class UnmergeForm(forms.Form):
    """Undo a merge, with the reason."""

    reason = forms.CharField(label="Why are these different children?", widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.helper = gds_helper("reason", submit="Unmerge the records")


class DeliveryActionForm(forms.Form):
    """Resume a delivery that stopped part-way, or abandon it (with the reason)."""

    action = forms.ChoiceField(
        label="What should happen to this delivery?",
        choices=[
            ("resume", "Resume: import the rest of the file"),
            ("abandon", "Abandon: remove its rows (nothing of it was matched)"),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label="Reason", required=False, widget=forms.Textarea(attrs={"rows": 2}), help_text="Needed to abandon"
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["action"].error_messages["required"] = "Choose whether to resume or abandon the delivery"
        self.helper = gds_helper(Field.radios("action", legend_size=Size.MEDIUM), "reason", submit="Continue")

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("action") == "abandon" and not str(data.get("reason") or "").strip():
            self.add_error("reason", "Say why you are abandoning the delivery")
        return data
