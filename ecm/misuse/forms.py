"""Forms of the privacy officer's pages, rendered with crispy-forms-gds."""

from __future__ import annotations

from typing import Any

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Fluid, Layout, Size, Submit
from django import forms

from ecm.misuse.choices import AlertStatus, InvestigationOutcome, Rule
from ecm.misuse.facts import norm_postcode

DISMISS = "dismiss"
ESCALATE = "escalate"


class AlertFilterForm(forms.Form):
    """Filter the queue by status and rule (a GET form)."""

    status = forms.ChoiceField(
        choices=[("", "Any status"), *AlertStatus.choices], required=False, initial=AlertStatus.OPEN
    )
    rule = forms.ChoiceField(
        choices=[("", "Any rule"), *[(code, f"{code}: {label}") for code, label in Rule.choices]], required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.layout = Layout(
            Field.select("status"),
            Field.select("rule"),
            Button.secondary("filter", "Show alerts"),
        )


class AlertDecisionForm(forms.Form):
    """Dismiss or escalate an alert, with a note."""

    decision = forms.ChoiceField(
        label="What is your decision?",
        choices=[
            (DISMISS, "Dismiss: the use was explained"),
            (
                ESCALATE,
                "Escalate: suspend the account now and tell their manager "
                "(or, with none recorded, the privacy officers)",
            ),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether to dismiss or escalate the alert"},
    )
    note = forms.CharField(
        label="Note",
        help_text="Why you decided this. The note is kept with the alert and in the audit trail.",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        error_messages={"required": "Enter a note explaining your decision"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.attrs = {"novalidate": ""}
        self.helper.layout = Layout(
            Field.radios("decision", legend_size=Size.MEDIUM),
            Field.textarea("note", label_size=Size.SMALL),
            Submit("save", "Record decision"),
        )


class StaffSearchForm(forms.Form):
    """Find a member of staff by name or username (a GET form)."""

    q = forms.CharField(label="Name or username", required=False, max_length=150)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.layout = Layout(Field.text("q", field_width=Fluid.ONE_HALF), Button.secondary("search", "Search"))


class StaffDetailsForm(forms.Form):
    """A member of staff's home and other family names, for rules R1 to R3."""

    home_postcode = forms.CharField(label="Home postcode", required=False, max_length=10)
    home_address = forms.CharField(
        label="Home address", required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=500
    )
    family_names = forms.CharField(
        label="Other family names",
        help_text="Family names they have used or are known by (for example a previous or partner's name), one a line.",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=500,
    )
    works_out_of_hours = forms.BooleanField(
        label="Works on an out-of-hours rota (no out-of-hours alerts)", required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.attrs = {"novalidate": ""}
        self.helper.layout = Layout(
            Field.text("home_postcode", field_width=10),
            Field.textarea("home_address"),
            Field.textarea("family_names"),
            Field.checkbox("works_out_of_hours"),
            Submit("save", "Save details"),
        )

    def clean_home_postcode(self) -> str:
        raw = norm_postcode(self.cleaned_data["home_postcode"])
        if raw and not (5 <= len(raw) <= 7 and raw[-3].isdigit() and raw[0].isalpha()):
            raise forms.ValidationError("Enter a real postcode, like LS1 4AP")
        return f"{raw[:-3]} {raw[-3:]}" if raw else ""


class StaffUploadForm(forms.Form):
    """A CSV of staff home and family details (see ``ecm.misuse.staff_import``)."""

    file = forms.FileField(
        label="Upload a CSV file",
        help_text=(
            "Columns: username, home_postcode, home_address, family_names (separate several with ;), "
            "works_out_of_hours (yes or no). The first row names the columns."
        ),
        error_messages={"required": "Choose a CSV file to upload"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.attrs = {"novalidate": "", "enctype": "multipart/form-data"}
        self.helper.layout = Layout(Field("file"), Submit("upload", "Check and save"))


class InvestigationForm(forms.Form):
    """What the investigation after an escalation found, and how it ended."""

    findings = forms.CharField(
        label="What the investigation found",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
        error_messages={"required": "Enter what the investigation found"},
    )
    outcome = forms.ChoiceField(
        label="Outcome",
        choices=InvestigationOutcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the outcome of the investigation"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.attrs = {"novalidate": ""}
        self.helper.layout = Layout(
            Field.textarea("findings"),
            Field.radios("outcome", legend_size=Size.SMALL),
            Submit("save", "Record the investigation"),
        )
