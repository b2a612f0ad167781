"""Forms for sign-in, second factors and the administration pages (crispy-forms-gds layouts)."""

from __future__ import annotations

from typing import Any

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.layout import Field, Fieldset, Size
from django import forms
from django.contrib.auth import password_validation

from ecm.accounts import selectors
from ecm.accounts.choices import OrganisationType, Role
from ecm.accounts.models import Organisation, User
from ecm.core.forms import gds_helper, plain_required_messages


class SignInForm(forms.Form):
    username = forms.CharField(label="Username", max_length=150, error_messages={"required": "Enter your username"})
    password = forms.CharField(
        label="Password", widget=forms.PasswordInput, error_messages={"required": "Enter your password"}
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        plain_required_messages(self)
        self.fields["username"].widget.attrs.update({"autocomplete": "username", "spellcheck": "false"})
        self.fields["password"].widget.attrs.update({"autocomplete": "current-password"})
        self.helper = gds_helper(
            Field.text("username", field_width=20), Field.text("password", field_width=20), submit="Sign in"
        )


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Security code",
        max_length=20,
        help_text="The 6-digit code from your authenticator app, or one of your recovery codes.",
        error_messages={"required": "Enter the code from your authenticator app or a recovery code"},
    )

    def __init__(self, *args: Any, submit: str = "Continue", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        plain_required_messages(self)
        self.fields["code"].widget.attrs.update(
            {"autocomplete": "one-time-code", "spellcheck": "false", "inputmode": "text"}
        )
        self.helper = gds_helper(Field.text("code", field_width=10), submit=submit)

    def clean_code(self) -> str:
        return "".join(self.cleaned_data["code"].split())


class TotpConfirmForm(CodeForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, submit="Confirm", **kwargs)
        self.fields["code"].label = "Enter the 6-digit code your app shows"
        self.fields["code"].help_text = ""
        self.fields["code"].error_messages["required"] = "Enter the 6-digit code from your authenticator app"

    def clean_code(self) -> str:
        code = super().clean_code()
        if not code.isdigit() or len(code) != 6:
            raise forms.ValidationError("The code must be 6 digits, like 123456")
        return code


class StepUpForm(forms.Form):
    password = forms.CharField(
        label="Your password", widget=forms.PasswordInput, error_messages={"required": "Enter your password"}
    )
    code = forms.CharField(
        label="Security code from your authenticator app",
        max_length=20,
        error_messages={"required": "Enter the code from your authenticator app"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        plain_required_messages(self)
        self.fields["password"].widget.attrs["autocomplete"] = "current-password"
        self.fields["code"].widget.attrs["autocomplete"] = "one-time-code"
        self.helper = gds_helper(
            Field.text("password", field_width=20), Field.text("code", field_width=10), submit="Confirm it's you"
        )


class PasswordChangeForm(forms.Form):
    current_password = forms.CharField(label="Current password", widget=forms.PasswordInput)
    new_password = forms.CharField(
        label="New password",
        widget=forms.PasswordInput,
        help_text="At least 12 characters. Not a common password, and not like your name or username.",
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        plain_required_messages(self)
        self.user = user
        self.helper = gds_helper(
            Field.text("current_password", field_width=20),
            Field.text("new_password", field_width=20),
            submit="Change password",
        )

    def clean_current_password(self) -> str:
        value = self.cleaned_data["current_password"]
        if not self.user.check_password(value):
            raise forms.ValidationError("Your current password is not right")
        return value

    def clean_new_password(self) -> str:
        value = self.cleaned_data["new_password"]
        password_validation.validate_password(value, self.user)
        return value


DATE_HELP = "For example, 27 3 2024"


class PractitionerForm(forms.Form):
    username = forms.CharField(label="Username", max_length=150)
    first_name = forms.CharField(label="First name", max_length=150)
    last_name = forms.CharField(label="Last name", max_length=150)
    email = forms.EmailField(label="Email address")
    job_title = forms.CharField(label="Job title", max_length=200, required=False)
    phone = forms.CharField(label="Work phone number", max_length=30, required=False)
    professional_registration = forms.CharField(
        label="Professional registration number (optional)",
        max_length=40,
        required=False,
        help_text="For example their NMC, GMC, HCPC or Social Work England number. Local systems can name them by it.",
    )
    organisation = forms.ModelChoiceField(
        label="Organisation", queryset=selectors.organisation_list(), empty_label="Choose an organisation"
    )
    manager = forms.ModelChoiceField(
        label="Line manager", queryset=selectors.manager_choices(), required=False, empty_label="No manager recorded"
    )
    roles = forms.MultipleChoiceField(
        label="Roles",
        choices=Role.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one role"},
    )
    vetting_checked_on = DateInputField(
        label="Date of enhanced criminal records check", required=False, help_text=DATE_HELP + ". It lasts 3 years."
    )
    training_completed_on = DateInputField(
        label="Date index training was completed", required=False, help_text=DATE_HELP
    )
    agreement_signed_on = DateInputField(
        label="Date the user agreement was signed", required=False, help_text=DATE_HELP
    )
    leaver_date = DateInputField(
        label="Leaver date",
        required=False,
        help_text="From this date the account is disabled and signed out everywhere. " + DATE_HELP,
    )

    def __init__(self, *args: Any, editing: User | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        plain_required_messages(self)
        self.editing = editing
        managers = selectors.manager_choices(exclude=editing)
        if editing is not None:
            self.fields["username"].disabled = True
        self.fields["manager"].queryset = managers  # type: ignore[attr-defined]
        self.helper = gds_helper(
            Fieldset(
                Field.text("username", field_width=20),
                Field.text("first_name", field_width=20),
                Field.text("last_name", field_width=20),
                Field.text("email", field_width=30),
                Field.text("job_title", field_width=30),
                Field.text("phone", field_width=20),
                Field.text("professional_registration", field_width=20),
                legend="Details",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field.select("organisation"),
                Field.select("manager"),
                Field.checkboxes("roles"),
                legend="Organisation and roles",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field("vetting_checked_on"),
                Field("training_completed_on"),
                Field("agreement_signed_on"),
                Field("leaver_date"),
                legend="Checks before access to child data",
                legend_size=Size.MEDIUM,
            ),
            submit="Save",
        )

    def clean_professional_registration(self) -> str:
        return selectors.normalise_registration(self.cleaned_data.get("professional_registration", ""))

    def clean_username(self) -> str:
        username: str = self.cleaned_data["username"].strip()
        if self.editing is None and selectors.username_taken(username):
            raise forms.ValidationError("That username is already taken")
        return username


class OrganisationForm(forms.Form):
    code = forms.CharField(
        label="Code", max_length=30, help_text="URN for a school, ODS code for health, or a local code"
    )
    name = forms.CharField(label="Name", max_length=200)
    organisation_type = forms.ChoiceField(label="Type of organisation", choices=OrganisationType.choices)
    local_authority = forms.ModelChoiceField(
        label="Local authority area",
        queryset=selectors.local_authority_list(),
        required=False,
        empty_label="None (national partner)",
    )
    accredited_on = DateInputField(
        label="Accreditation date",
        required=False,
        help_text="Staff can reach child data only once their organisation is accredited.",
    )
    email = forms.EmailField(label="Email address", required=False)
    phone = forms.CharField(label="Phone number", max_length=30, required=False)
    address = forms.CharField(label="Address", widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args: Any, editing: Organisation | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        plain_required_messages(self)
        self.editing = editing
        self.helper = gds_helper(
            Field.text("code", field_width=10),
            Field.text("name"),
            Field.select("organisation_type"),
            Field.select("local_authority"),
            Field("accredited_on"),
            Field.text("email", field_width=30),
            Field.text("phone", field_width=20),
            Field.textarea("address"),
            submit="Save",
        )

    def clean_code(self) -> str:
        code: str = self.cleaned_data["code"].strip().upper()
        if selectors.organisation_code_taken(code, exclude=self.editing):
            raise forms.ValidationError("Another organisation already has that code")
        return code


class LocalAuthorityForm(forms.Form):
    code = forms.CharField(label="ONS code", max_length=20, help_text="For example, E08000035")
    name = forms.CharField(label="Name", max_length=200)
    safeguarding_referral_route = forms.CharField(
        label="Safeguarding referral route",
        help_text="Where practitioners refer a child at risk of significant harm: the children's social care "
        "front door, its phone number and its out-of-hours number",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        plain_required_messages(self)
        self.helper = gds_helper(
            Field.text("code", field_width=10),
            Field.text("name"),
            Field.textarea("safeguarding_referral_route"),
            submit="Save",
        )

    def clean_code(self) -> str:
        code: str = self.cleaned_data["code"].strip().upper()
        if selectors.local_authority_code_taken(code):
            raise forms.ValidationError("An area with that code already exists")
        return code


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="Reason", widget=forms.Textarea(attrs={"rows": 3}), error_messages={"required": "Enter the reason"}
    )

    def __init__(self, *args: Any, submit: str = "Confirm", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        plain_required_messages(self)
        self.helper = gds_helper(Field.textarea("reason"), submit=submit)


class ApiClientExpiryForm(forms.Form):
    expires_on = DateInputField(
        label="Expiry date",
        required=False,
        help_text="The token stops working at the start of this day. Leave empty for no expiry. " + DATE_HELP,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(Field("expires_on"), submit="Save expiry date")
