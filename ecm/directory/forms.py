"""Forms of the directory pages (crispy-forms-gds): both searches, provider changes and team decisions."""

from __future__ import annotations

import datetime as dt
from typing import Any

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Fluid, Layout, Size, Submit
from django import forms

from ecm.directory import postcodes
from ecm.directory.choices import Day, ServiceStatus
from ecm.directory.presenters import AGE_CHOICES
from ecm.directory.selectors import records
from ecm.directory.selectors.search import SearchFilters

MILES = 1609.344
DISTANCE_CHOICES = [("1", "1 mile"), ("2", "2 miles"), ("5", "5 miles"), ("10", "10 miles"), ("25", "25 miles")]
TIME_CHOICES = [("", "Any time")] + [(f"{h:02d}:00", dt.time(h).strftime("%-I%p").lower()) for h in range(7, 22)]


class _PostcodeMixin:
    point: postcodes.PostcodePoint | None

    def clean_postcode(self) -> str:
        raw = self.cleaned_data.get("postcode", "").strip()  # type: ignore[attr-defined]
        if not raw:
            return ""
        try:
            point = postcodes.lookup(raw)
        except postcodes.PostcodeError as exc:
            raise forms.ValidationError(str(exc)) from None
        self.point = point
        return point.postcode


class PractitionerSearchForm(_PostcodeMixin, forms.Form):
    """The practitioner search and its filter panel (a GET form)."""

    q = forms.CharField(label="Keywords", required=False, max_length=200)
    postcode = forms.CharField(label="Postcode", required=False, max_length=10)
    distance = forms.ChoiceField(
        label="Distance from the postcode", choices=DISTANCE_CHOICES, required=False, initial="5"
    )
    needs = forms.MultipleChoiceField(label="Needs", required=False, widget=forms.CheckboxSelectMultiple)
    age = forms.ChoiceField(label="Child's age", required=False, choices=[("", "Any age"), *AGE_CHOICES])
    cost = forms.ChoiceField(
        label="Cost",
        required=False,
        choices=[("", "Free or paid"), ("free", "Free only"), ("paid", "Paid only")],
        widget=forms.RadioSelect,
    )
    day = forms.ChoiceField(label="Open on", required=False, choices=[("", "Any day"), *Day.choices])
    time = forms.ChoiceField(label="Open at", required=False, choices=TIME_CHOICES)
    language = forms.ChoiceField(label="Language", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.point = None
        self.terms = records.need_terms()
        self.fields["needs"].choices = [(str(t.id), t.name) for t in self.terms]  # type: ignore[attr-defined]
        self.fields["language"].choices = [("", "Any language"), *records.service_languages()]  # type: ignore[attr-defined]
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.text("q", label_size=Size.SMALL),
            Field.text("postcode", label_size=Size.SMALL, field_width=10),
            Field.select("distance"),
            Field.checkboxes("needs", legend_size=Size.SMALL, small=True),
            Field.select("age"),
            Field.radios("cost", legend_size=Size.SMALL, small=True),
            Field.select("day"),
            Field.select("time"),
            Field.select("language"),
        )

    def filters(self) -> SearchFilters:
        data = self.cleaned_data
        f = SearchFilters(keyword=data.get("q", ""), term_ids=data.get("needs") or [], cost=data.get("cost", ""))
        f.age_months = int(data["age"]) if data.get("age") else None
        f.day = data.get("day", "")
        f.start_time = dt.time.fromisoformat(data["time"]) if data.get("time") else None
        f.language = data.get("language", "")
        if self.point is not None:
            f.latitude, f.longitude = self.point.latitude, self.point.longitude
            f.radius_m = float(data.get("distance") or 5) * MILES
        return f


class FamilySearchForm(_PostcodeMixin, forms.Form):
    """The families' search: the same data, asked for in plain words."""

    needs = forms.MultipleChoiceField(
        label="What do you want help with?", required=False, widget=forms.CheckboxSelectMultiple
    )
    age = forms.ChoiceField(
        label="How old is your child?", required=False, choices=[("", "I do not want to say"), *AGE_CHOICES]
    )
    postcode = forms.CharField(
        label="Your postcode",
        help_text="For example, LS9 8AB. We use it to find places near you.",
        required=False,
        max_length=10,
    )
    distance = forms.ChoiceField(
        label="How far can you travel?", choices=DISTANCE_CHOICES, required=False, initial="2", widget=forms.RadioSelect
    )
    free = forms.BooleanField(label="Only show help that is free", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.point = None
        terms = records.need_terms()
        needs: Any = self.fields["needs"]  # a MultipleChoiceField
        needs.choices = [(str(t.id), t.plain_name) for t in sorted(terms, key=lambda t: t.plain_name)]
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.layout = Layout(
            Field.checkboxes("needs", legend_size=Size.MEDIUM),
            Field.select("age", label_size=Size.MEDIUM),
            Field.text("postcode", label_size=Size.MEDIUM, field_width=10),
            Field.radios("distance", legend_size=Size.MEDIUM),
            Field.checkbox("free"),
            Submit("search", "Find help"),
        )

    def filters(self) -> SearchFilters:
        data = self.cleaned_data
        f = SearchFilters(term_ids=data.get("needs") or [], cost="free" if data.get("free") else "")
        f.age_months = int(data["age"]) if data.get("age") else None
        if self.point is not None:
            f.latitude, f.longitude = self.point.latitude, self.point.longitude
            f.radius_m = float(data.get("distance") or 2) * MILES
        return f


class ProblemReportForm(forms.Form):
    description = forms.CharField(
        label="What is wrong with this page?",
        help_text="For example, the phone number or opening times are wrong. Do not include personal details.",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=2000,
        error_messages={"required": "Tell us what is wrong with this page"},
    )
    email = forms.EmailField(
        label="Your email address (optional)",
        help_text="Only if you would like a reply.",
        required=False,
        error_messages={"invalid": "Enter an email address like name@example.com"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.textarea("description", label_size=Size.SMALL),
            Field.text("email", field_width=Fluid.TWO_THIRDS),
            Submit("send", "Send report"),
        )


class ServiceChangeForm(forms.Form):
    """A provider's proposed change to one of their services."""

    name = forms.CharField(label="Service name", max_length=255, error_messages={"required": "Enter the service name"})
    status = forms.ChoiceField(label="Status", choices=ServiceStatus.choices)
    description = forms.CharField(label="Description", widget=forms.Textarea(attrs={"rows": 4}), required=False)
    easy_read_summary = forms.CharField(
        label="Easy-read summary",
        help_text="Short sentences in plain words, for children, young people and families.",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    eligibility_description = forms.CharField(
        label="Who can use it (eligibility)", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    application_process = forms.CharField(
        label="How to refer or apply", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    minimum_age_months = forms.IntegerField(label="Youngest age, in months", min_value=0, max_value=360)
    maximum_age_months = forms.IntegerField(
        label="Oldest age, in months",
        help_text="Leave empty for no upper limit.",
        min_value=0,
        max_value=360,
        required=False,
    )
    fees_description = forms.CharField(label="Cost", max_length=2000, required=False)
    url = forms.URLField(
        assume_scheme="https",
        label="Website",
        required=False,
        error_messages={"invalid": "Enter a web address starting https://"},
    )
    email = forms.EmailField(
        label="Email address",
        required=False,
        error_messages={"invalid": "Enter an email address like name@example.com"},
    )
    wait_time = forms.CharField(label="Waiting time", max_length=255, required=False)
    alert = forms.CharField(label="Alert shown on the service page", required=False, max_length=500)
    provider_note = forms.CharField(
        label="Note for the directory team (optional)", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            *[
                Field.textarea(n)
                if isinstance(f.widget, forms.Textarea)
                else (Field.select(n) if n == "status" else Field.text(n))
                for n, f in self.fields.items()
            ],
            Submit("submit", "Send for approval"),
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        low, high = data.get("minimum_age_months"), data.get("maximum_age_months")
        if low is not None and high is not None and high < low:
            self.add_error("maximum_age_months", "The oldest age must be the same as or more than the youngest age")
        return data


class ReviewDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label="What is your decision?",
        choices=[("approve", "Approve and publish"), ("return", "Return to the provider")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether to approve or return the change"},
    )
    note = forms.CharField(
        label="Note",
        help_text="Required when you return a change: say what the provider needs to put right.",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.radios("decision", legend_size=Size.MEDIUM), Field.textarea("note"), Submit("submit", "Confirm")
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == "return" and not (data.get("note") or "").strip():
            self.add_error("note", "Enter a note saying what the provider needs to put right")
        return data


class ProviderLinkForm(forms.Form):
    """Which accounts organisation receives referrals and may propose changes for a directory organisation."""

    provider = forms.ChoiceField(
        label="Organisation in ECM",
        help_text="Its staff will receive referrals to these services and may propose changes to them.",
        error_messages={"required": "Choose the organisation in ECM, or choose not linked"},
    )

    def __init__(self, *args: Any, organisations: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organisations = {str(o.pk): o for o in organisations}
        provider: Any = self.fields["provider"]  # a ChoiceField
        provider.choices = [("", "Choose an organisation"), ("none", "Not linked")] + [
            (str(o.pk), f"{o.name} ({o.code})") for o in organisations
        ]
        self.helper = FormHelper()
        self.helper.layout = Layout(Field.select("provider"), Submit("submit", "Save the link"))

    def chosen(self) -> Any:
        """The chosen accounts organisation, or None for "not linked"."""
        value = self.cleaned_data["provider"]
        return None if value == "none" else self.organisations.get(value)
