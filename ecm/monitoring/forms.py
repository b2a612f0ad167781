"""Forms of area monitoring: the dashboard's filters, a quality review, a training target, a cohort extract."""

from __future__ import annotations

import datetime as dt
from typing import Any

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.layout import Field, Fieldset, Size
from django import forms

from ecm.accounts.choices import OrganisationType
from ecm.caf.forms import set_choices
from ecm.core.forms import gds_helper, plain_required_messages
from ecm.monitoring.choices import QUALITY_STANDARD, CriterionAnswer, QualityRating

MONTH_HELP = "For example, 2026-04"


def _month(value: str, label: str) -> dt.date:
    try:
        year, month = (int(p) for p in value.strip().split("-"))
        return dt.date(year, month, 1)
    except (ValueError, TypeError):
        raise forms.ValidationError(f"Enter the {label} as a year and month, for example 2026-04")


class DashboardFilterForm(forms.Form):
    """GET filters: period (months), locality and agency. Invalid input falls back to the defaults."""

    start = forms.CharField(label="From (month)", required=False, help_text=MONTH_HELP)
    end = forms.CharField(label="To (month)", required=False, help_text=MONTH_HELP)
    locality = forms.ChoiceField(label="Locality (postcode district)", required=False)
    agency = forms.ChoiceField(label="Agency", required=False)

    def __init__(self, *args: Any, localities: list[str], agencies: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "locality", [("", "All localities"), *((loc, loc) for loc in localities)])
        set_choices(self, "agency", [("", "All agencies"), *agencies])
        self.helper = gds_helper(
            Field.text("start", field_width=10),
            Field.text("end", field_width=10),
            Field.select("locality"),
            Field.select("agency"),
            submit="Show figures",
        )

    def clean_start(self) -> dt.date | None:
        value = self.cleaned_data.get("start") or ""
        return _month(value, "first month") if value else None

    def clean_end(self) -> dt.date | None:
        value = self.cleaned_data.get("end") or ""
        return _month(value, "last month") if value else None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            self.add_error("end", "The last month must be the same as or after the first month")
        if start and end and (end.year - start.year) * 12 + end.month - start.month > 59:
            self.add_error("end", "Choose a period of 5 years or less")
        return data


class QualityReviewForm(forms.Form):
    rating = forms.ChoiceField(label="Overall rating", choices=QualityRating.choices, widget=forms.RadioSelect)
    feedback = forms.CharField(
        label="Feedback for the assessor",
        help_text="The assessor receives this feedback",
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        parts = []
        for code, text in QUALITY_STANDARD:
            self.fields[f"criterion_{code}"] = forms.ChoiceField(
                label=text,
                choices=CriterionAnswer.choices,
                widget=forms.RadioSelect,
                error_messages={"required": f"Say whether the CAF meets: {text.lower()}"},
            )
            parts.append(Field.radios(f"criterion_{code}", legend_size=Size.SMALL, inline=True))
        plain_required_messages(self)
        self.helper = gds_helper(
            Fieldset(*parts, legend="The quality standard", legend_size=Size.MEDIUM),
            Field.radios("rating", legend_size=Size.MEDIUM),
            Field.textarea("feedback", rows=5),
            submit="Record the quality review",
        )

    def criteria(self) -> dict[str, str]:
        return {code: self.cleaned_data[f"criterion_{code}"] for code, _ in QUALITY_STANDARD}


class TrainingTargetForm(forms.Form):
    agency = forms.ChoiceField(label="Agency", choices=OrganisationType.choices)
    target = forms.IntegerField(label="Practitioners to be trained", min_value=0, max_value=100_000)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        plain_required_messages(self)
        self.helper = gds_helper(Field.select("agency"), Field.text("target", field_width=5), submit="Set the target")


class CohortExtractForm(forms.Form):
    purpose = forms.CharField(
        label="Purpose of the extract",
        help_text="Who will use it, for which evaluation, and under what agreement. This is recorded and audited.",
        widget=forms.Textarea(attrs={"rows": 4}),
        min_length=20,
        error_messages={"min_length": "Describe the purpose of the extract (at least 20 characters)"},
    )
    started_from = DateInputField(label="CAFs started from", help_text="For example, 1 4 2026")
    started_to = DateInputField(label="CAFs started up to", help_text="For example, 31 3 2027")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        plain_required_messages(self)
        self.helper = gds_helper(
            Field.textarea("purpose", rows=4),
            Field("started_from"),
            Field("started_to"),
            submit="Download the extract (CSV)",
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("started_from") and data.get("started_to") and data["started_from"] > data["started_to"]:
            self.add_error("started_to", "The end of the period must be after its start")
        return data
