"""Forms of the child index pages (crispy-forms-gds layouts; errors in a GOV.UK error summary)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Fieldset, Layout, Size, Submit
from django import forms

from ecm.core.actors import Actor
from ecm.core.forms import GovDateField
from ecm.index import universal
from ecm.index.choices import AccessReason, BrokerAsk, CafStatus, ContactReason, Gender, SensitiveBasis, ServiceCategory
from ecm.index.search.criteria import SearchCriteria

DATE_HELP = "For example, 27 3 2014"


def helper(*fields: Any, submit: str = "Continue", **extra: Any) -> FormHelper:
    form_helper = FormHelper()
    form_helper.layout = Layout(*fields, Submit("submit", submit, **extra))
    return form_helper


class SearchForm(forms.Form):
    given_name = forms.CharField(
        label="Given name",
        max_length=35,
        required=False,
        help_text="You can end a name with * after at least 2 letters, like Jo*",
    )
    family_name = forms.CharField(label="Family name", max_length=35, required=False)
    date_of_birth = GovDateField(label="Date of birth", required=False, help_text=DATE_HELP)
    born_from = GovDateField(
        label="Born on or after",
        required=False,
        help_text="Only with family name, gender and postcode when the exact date is not known",
    )
    born_to = GovDateField(label="Born on or before", required=False)
    gender = forms.ChoiceField(label="Gender", required=False, choices=[("", "Not given"), *Gender.choices])
    postcode = forms.CharField(label="Postcode", max_length=8, required=False)
    school = forms.ChoiceField(
        label="School (optional)", required=False, help_text="Narrows the search to pupils of this school"
    )
    gp_practice = forms.ChoiceField(
        label="GP practice (optional)", required=False, help_text="Narrows the search to patients of this practice"
    )
    on_behalf_of = forms.CharField(
        label="Doing this for a colleague without a computer? Their username (optional)",
        max_length=150,
        required=False,
        help_text="The colleague must be an authorised index user. Both of you are named in the audit.",
    )
    fuzzy = forms.BooleanField(
        label="Include similar matches (names that sound alike, nicknames, previous names and addresses, "
        "day and month swapped)",
        required=False,
    )

    def __init__(self, *args: Any, actor: Actor | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.actor = actor
        for name in ("given_name", "family_name", "postcode"):
            self.fields[name].widget.attrs.update({"autocomplete": "off", "spellcheck": "false"})
        # School and GP narrow a search; like a postcode they never match a shielded child.
        schools, practices = universal.school_and_gp_practice_choices()
        school_field: Any = self.fields["school"]
        school_field.choices = [("", "Any school"), *schools]
        gp_field: Any = self.fields["gp_practice"]
        gp_field.choices = [("", "Any GP practice"), *practices]
        self.helper = helper(
            Field.text("given_name", field_width=20),
            Field.text("family_name", field_width=20),
            Field("date_of_birth"),
            Field.select("gender"),
            Field.text("postcode", field_width=10),
            Field.select("school"),
            Field.select("gp_practice"),
            Fieldset(Field("born_from"), Field("born_to"), legend="Range of dates of birth", legend_size=Size.SMALL),
            Field.checkbox("fuzzy", small=True),
            Field.text("on_behalf_of", field_width=20),
            submit="Search",
        )

    def clean_on_behalf_of(self) -> str:
        from ecm.index.on_behalf import OnBehalfError, authorised_colleague

        username = (self.cleaned_data.get("on_behalf_of") or "").strip()
        if not username:
            return ""
        try:
            return authorised_colleague(actor=self.actor, username=username).username
        except OnBehalfError as exc:
            raise forms.ValidationError(str(exc)) from None

    def criteria(self) -> SearchCriteria:
        data = self.cleaned_data
        return SearchCriteria(
            given_name=data["given_name"].strip(),
            family_name=data["family_name"].strip(),
            gender=data["gender"],
            postcode=data["postcode"].strip(),
            birth_date=data["date_of_birth"],
            birth_date_from=data["born_from"],
            birth_date_to=data["born_to"],
            school_id=data.get("school") or "",
            gp_practice_id=data.get("gp_practice") or "",
            fuzzy=data["fuzzy"],
        )


class ReasonForm(forms.Form):
    reason_code = forms.ChoiceField(
        label="Why do you need to open this record?",
        choices=AccessReason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose why you need to open this record"},
    )
    reason_text = forms.CharField(
        label="More about your reason",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=500,
        help_text="Required if you chose 'Other reason'. Your reason is recorded with your name.",
    )
    on_behalf_of = forms.CharField(
        label="Doing this for a colleague without a computer? Their username (optional)",
        max_length=150,
        required=False,
        help_text="The colleague must be an authorised index user. Both of you are named in the audit.",
    )

    def __init__(self, *args: Any, actor: Actor | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.actor = actor
        self.helper = helper(
            Field.radios("reason_code", legend_size=Size.LARGE, legend_tag="h1"),
            Field.textarea("reason_text"),
            Field.text("on_behalf_of", field_width=20),
            submit="Open the record",
        )

    def clean_on_behalf_of(self) -> str:
        from ecm.index.on_behalf import OnBehalfError, authorised_colleague

        username = (self.cleaned_data.get("on_behalf_of") or "").strip()
        if not username:
            return ""
        try:
            return authorised_colleague(actor=self.actor, username=username).username
        except OnBehalfError as exc:
            raise forms.ValidationError(str(exc)) from None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("reason_code") == AccessReason.OTHER and len((data.get("reason_text") or "").strip()) < 10:
            self.add_error("reason_text", "Describe your reason in at least 10 characters")
        return data


class InvolvementAddForm(forms.Form):
    service = forms.CharField(
        label="Service",
        max_length=200,
        help_text="For example, Health visiting",
        error_messages={"required": "Enter the name of your service"},
    )
    service_category = forms.ChoiceField(label="Kind of service", choices=ServiceCategory.choices)
    started_on = DateInputField(
        label="Date you started working with the child",
        required=False,
        help_text=f"{DATE_HELP}. Leave blank for today.",
    )
    sensitive_basis = forms.ChoiceField(
        label="Basis for recording a sensitive service",
        required=False,
        choices=[("", "Not a sensitive service"), *SensitiveBasis.choices],
        help_text="Needed for sexual health, mental health and substance misuse services",
    )
    sensitive_basis_note = forms.CharField(
        label="Note on the basis (optional)", required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=500
    )
    is_lead_professional = forms.BooleanField(
        label="I am the lead professional for this child (a statutory lead, or a CAF held outside ECM)",
        required=False,
    )

    def __init__(self, *args: Any, lead_held_by: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        lead = [] if lead_held_by else [Field.checkbox("is_lead_professional", small=True)]
        if lead_held_by:
            # One lead professional per child: no tick beside the current one (a change is a handover).
            del self.fields["is_lead_professional"]
        self.helper = helper(
            Field.text("service"),
            Field.select("service_category"),
            Field("started_on"),
            Field.select("sensitive_basis"),
            Field.textarea("sensitive_basis_note"),
            *lead,
            submit="Add my involvement",
        )

    def clean_started_on(self) -> dt.date | None:
        value = self.cleaned_data.get("started_on")
        from ecm.core import clock

        if value and value > clock.today():
            raise forms.ValidationError("The start date must be today or in the past")
        return value


class InvolvementFlagsForm(forms.Form):
    is_lead_professional = forms.BooleanField(
        label="I am the lead professional for this child (a statutory lead, or a CAF held outside ECM)",
        required=False,
    )
    has_undertaken_caf = forms.BooleanField(
        label="I have undertaken a CAF (held on paper or in another system)", required=False
    )
    caf_started_on = DateInputField(label="Date the CAF started", required=False, help_text=DATE_HELP)
    caf_status = forms.ChoiceField(
        label="Is the CAF open or closed?", required=False, choices=[("", "Not applicable"), *CafStatus.choices]
    )
    wishes_to_be_contacted = forms.BooleanField(label="I wish to be contacted about this child", required=False)
    contact_reason = forms.ChoiceField(
        label="Why do you wish to be contacted?",
        required=False,
        choices=[("", "Choose a reason"), *ContactReason.choices],
    )

    def __init__(self, *args: Any, lead_held_by: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        lead = [] if lead_held_by else [Field.checkbox("is_lead_professional", small=True)]
        if lead_held_by:
            del self.fields["is_lead_professional"]
        self.helper = helper(
            *lead,
            Fieldset(
                Field.checkbox("has_undertaken_caf", small=True),
                Field("caf_started_on"),
                Field.select("caf_status"),
                legend="Common Assessment Framework",
                legend_size=Size.SMALL,
            ),
            Fieldset(
                Field.checkbox("wishes_to_be_contacted", small=True),
                Field.select("contact_reason"),
                legend="Contact",
                legend_size=Size.SMALL,
            ),
            submit="Save",
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("wishes_to_be_contacted") and not data.get("contact_reason"):
            self.add_error("contact_reason", "Choose why you wish to be contacted")
        return data


class ReasonTextForm(forms.Form):
    """A written reason or justification (shield set/lift, reveal, ending an involvement)."""

    reason = forms.CharField(
        label="Reason",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=1000,
        error_messages={"required": "Enter the reason"},
    )

    def __init__(
        self, *args: Any, label: str = "Reason", submit: str = "Continue", min_length: int = 10, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.min_length = min_length
        self.fields["reason"].label = label
        self.fields["reason"].error_messages["required"] = f"Enter the {label.lower()}"
        self.helper = helper(Field.textarea("reason", label_size=Size.SMALL), submit=submit)

    def clean_reason(self) -> str:
        value = self.cleaned_data["reason"].strip()
        if len(value) < self.min_length:
            raise forms.ValidationError(f"Write at least {self.min_length} characters")
        return value


class ConfirmForm(forms.Form):
    """A button alone (e.g. ending an involvement)."""

    def __init__(self, *args: Any, submit: str = "Confirm", warning: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = helper(submit=submit, css_class="govuk-button--warning" if warning else "")


class BrokerAskForm(forms.Form):
    """Ask the index administrators about a shielded record or an unspecified service."""

    about = forms.ChoiceField(
        label="What are you asking about?",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what you are asking about"},
    )
    ask = forms.ChoiceField(
        label="What do you need?",
        choices=BrokerAsk.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what you need"},
    )
    reason = forms.CharField(
        label="Why do you need it?",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        help_text="The administrator decides on your reason. It is recorded with your name.",
        error_messages={"required": "Enter why you need it"},
    )
    message = forms.CharField(
        label="Message to pass on (if you asked for one)",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        required=False,
        help_text="Say who you are and how to reach you. Do not include anything the recipient does not need.",
    )

    def __init__(self, *args: Any, options: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        about: Any = self.fields["about"]
        about.choices = list(options)
        self.helper = helper(
            Field.radios("about", legend_size=Size.MEDIUM),
            Field.radios("ask", legend_size=Size.MEDIUM),
            Field.textarea("reason"),
            Field.textarea("message"),
            submit="Send the request",
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if len((data.get("reason") or "").strip()) < 10 and "reason" not in self.errors:
            self.add_error("reason", "Say why you need it, in at least 10 characters")
        if data.get("ask") == BrokerAsk.MESSAGE and not (data.get("message") or "").strip():
            self.add_error("message", "Enter the message to pass on")
        return data


class BrokerDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label="Your decision",
        choices=[
            ("reveal", "Reveal the details to this user"),
            ("pass", "Pass the message on and tell the user"),
            ("refuse", "Refuse"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose your decision"},
    )
    note = forms.CharField(
        label="Note or reason",
        help_text="Required when you refuse: the user sees it.",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = helper(
            Field.radios("decision", legend_size=Size.MEDIUM), Field.textarea("note"), submit="Record the decision"
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == "refuse" and not (data.get("note") or "").strip():
            self.add_error("note", "Enter the reason for refusing")
        return data


class DeathForm(forms.Form):
    """Record that a child has died (index administrators and data managers)."""

    date_of_death = DateInputField(label="Date of death", help_text=DATE_HELP)
    confirm = forms.BooleanField(
        label="I have checked this with an official source (for example the registrar or the GP)",
        error_messages={"required": "Confirm you have checked the death with an official source"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["date_of_death"].error_messages["required"] = "Enter the date of death"
        self.helper = helper(Field("date_of_death"), Field.checkbox("confirm"), submit="Record the death")


class RetentionConsentForm(forms.Form):
    """A young person's consent to stay on the index after 18, to their 25th birthday at most."""

    until = DateInputField(
        label="Keep the record until",
        help_text=f"The day the consent ends: the 25th birthday at the latest. {DATE_HELP}",
    )
    note = forms.CharField(
        label="How the young person gave consent",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        help_text="For example: care leaver, agreed at the pathway plan review with their personal adviser.",
        error_messages={"required": "Enter how the young person gave consent"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["until"].error_messages["required"] = "Enter the date the consent ends"
        self.helper = helper(Field("until"), Field.textarea("note"), submit="Record the consent")
