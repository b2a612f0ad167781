"""Forms of the sharing pages: one question per page (GOV.UK), details, record, countersignature, correction."""

from __future__ import annotations

from typing import Any

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.layout import Field, Size
from django import forms

from ecm.core.forms import gds_helper, plain_required_messages
from ecm.sharing import questions
from ecm.sharing.choices import PUBLIC_INTEREST_GROUNDS, Answer, ConsentStatus, Ground, Information, Method, Outcome

YES_NO = [("yes", "Yes"), ("no", "No")]


def _choices(form: forms.Form, name: str, choices: list[tuple[str, str]]) -> None:
    """Give a choice field its choices (read by the view through selectors, never queried here)."""
    field: Any = form.fields[name]
    field.choices = choices


class StartForm(forms.Form):
    """Who the information would go to, and which information."""

    organisation = forms.ChoiceField(label="Which organisation would receive the information?")
    information = forms.ChoiceField(
        label="Which information are you thinking of sharing?", choices=Information.choices, widget=forms.RadioSelect
    )

    def __init__(self, *args: Any, organisations: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "organisation", [("", "Choose an organisation"), *organisations])
        plain_required_messages(self)
        self.helper = gds_helper(
            Field.select("organisation"), Field.radios("information", legend_size=Size.SMALL), submit="Continue"
        )


class AnswerForm(forms.Form):
    """One key question: yes, no or not sure. The question is the page heading."""

    answer = forms.ChoiceField(choices=Answer.choices, widget=forms.RadioSelect)

    def __init__(self, *args: Any, question: questions.Question, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["answer"].label = question.text
        self.fields["answer"].error_messages["required"] = "Choose yes, no or not sure"
        self.helper = gds_helper(Field.radios("answer", legend_size=Size.LARGE, legend_tag="h1"), submit="Continue")


class AskAdviceForm(forms.Form):
    """ "Not sure": whom to ask, and what about."""

    adviser = forms.ChoiceField(label="Who should advise you?", widget=forms.RadioSelect)
    query = forms.CharField(label="What are you not sure about?", widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args: Any, advisers: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "adviser", advisers)
        plain_required_messages(self)
        self.helper = gds_helper(
            Field.radios("adviser", legend_size=Size.SMALL), Field.textarea("query", rows=4), submit="Ask for advice"
        )


class AdviceForm(forms.Form):
    advice = forms.CharField(label="Your advice", widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        plain_required_messages(self)
        self.helper = gds_helper(Field.textarea("advice", rows=5), submit="Send your advice")


class DetailsForm(forms.Form):
    """What is shared, with whom, why and how; consent status and ground where sharing is without consent."""

    what_shared = forms.CharField(label="What exactly will you share?", widget=forms.Textarea(attrs={"rows": 3}))
    recipient_person = forms.CharField(
        label="The person who will receive it (name and role)", max_length=200, required=False
    )
    purpose = forms.CharField(label="For what purpose?", widget=forms.Textarea(attrs={"rows": 3}))
    method = forms.ChoiceField(label="How will you share it?", choices=Method.choices, widget=forms.RadioSelect)
    consent_status = forms.ChoiceField(
        label="Consent",
        choices=[(ConsentStatus.REFUSED, "Consent was refused"), (ConsentStatus.NOT_SOUGHT, "Consent was not sought")],
        widget=forms.RadioSelect,
    )
    consent_reason = forms.CharField(
        label="If consent was not sought, why not", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    ground = forms.ChoiceField(
        label="Which public-interest ground applies?",
        choices=[(g.value, g.label) for g in PUBLIC_INTEREST_GROUNDS],
        widget=forms.RadioSelect,
    )
    duty_or_order = forms.CharField(label="Name the statutory duty or court order", max_length=300)
    family_told = forms.ChoiceField(
        label="Were the child and family told beforehand what would be shared and why?",
        choices=YES_NO,
        widget=forms.RadioSelect,
    )
    not_told_reason = forms.CharField(
        label="If not, why not",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="For example, telling them would put the child or someone else at risk",
    )

    def __init__(self, *args: Any, basis: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        layout: list[Any] = [
            Field.textarea("what_shared", rows=3),
            Field.text("recipient_person"),
            Field.textarea("purpose", rows=3),
            Field.radios("method", legend_size=Size.SMALL),
        ]
        if basis == questions.CONSENT:
            del self.fields["consent_status"], self.fields["consent_reason"]
        else:
            layout += [Field.radios("consent_status", legend_size=Size.SMALL), Field.textarea("consent_reason", rows=2)]
        if basis == questions.PUBLIC_INTEREST:
            layout.append(Field.radios("ground", legend_size=Size.SMALL))
        else:
            del self.fields["ground"]
        if basis == questions.STATUTORY:
            layout.append(Field.text("duty_or_order"))
        else:
            del self.fields["duty_or_order"]
        layout += [
            Field.radios("family_told", legend_size=Size.SMALL, inline=True),
            Field.textarea("not_told_reason", rows=2),
        ]
        plain_required_messages(self)
        self.helper = gds_helper(*layout, submit="Continue")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("consent_status") == ConsentStatus.NOT_SOUGHT and not (data.get("consent_reason") or "").strip():
            self.add_error("consent_reason", "Say why consent was not sought")
        if data.get("family_told") == "no" and not (data.get("not_told_reason") or "").strip():
            self.add_error("not_told_reason", "Say why the child and family were not told")
        return data

    def details(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["family_told"] = data.get("family_told") == "yes"
        return data


class RecordForm(forms.Form):
    reason = forms.CharField(
        label="Your reasons for the decision",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Record them whether you decide to share or not",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        plain_required_messages(self)
        self.fields["reason"].error_messages["required"] = "Enter your reasons for the decision"
        self.helper = gds_helper(Field.textarea("reason", rows=5), submit="Record the decision")


class CountersignForm(forms.Form):
    agreed = forms.ChoiceField(
        label="Do you countersign this decision to share without consent?",
        choices=[("yes", "Yes, I countersign it"), ("no", "No, I do not countersign it")],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label="Comment (required if you do not countersign)", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, urgent: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.urgent = urgent
        agreed: Any = self.fields["agreed"]
        if urgent:
            agreed.label = "Do you agree with this decision, made and acted on at once?"
            agreed.choices = [
                ("yes", "Yes, I agree with it"),
                ("no", "No, I do not agree: nothing more is shared under it"),
            ]
            self.fields["comment"].label = "Comment (required if you do not agree)"
            agreed.error_messages["required"] = "Choose whether you agree with the decision"
        else:
            agreed.error_messages["required"] = "Choose whether you countersign the decision"
        self.helper = gds_helper(
            Field.radios("agreed", legend_size=Size.MEDIUM), Field.textarea("comment", rows=3), submit="Save"
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("agreed") == "no" and not (data.get("comment") or "").strip():
            self.add_error(
                "comment",
                "Say why you do not agree with the decision"
                if self.urgent
                else "Say why you do not countersign the decision",
            )
        return data


SHARED_METHODS = [(value, label) for value, label in Method.choices if value != Method.ECM]


class SharedForm(forms.Form):
    """The practitioner records that they have shared: when, how, to whom and what (the disclosure log)."""

    shared_on = DateInputField(label="Date you shared it", help_text="For example, 27 3 2026")
    shared_at = forms.TimeField(
        label="Time you shared it",
        help_text="For example, 14:30",
        input_formats=["%H:%M", "%H.%M", "%H%M"],
        error_messages={"invalid": "Enter the time as hours and minutes, for example 14:30"},
    )
    method = forms.ChoiceField(label="How did you share it?", choices=SHARED_METHODS, widget=forms.RadioSelect)
    recipient_person = forms.CharField(
        label="Who did you share it with? (name and role)", max_length=200, required=False
    )
    description = forms.CharField(label="What did you share?", widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        plain_required_messages(self)
        self.fields["shared_on"].error_messages["required"] = "Enter the date you shared it"
        self.fields["shared_at"].error_messages["required"] = "Enter the time you shared it"
        self.fields["method"].error_messages["required"] = "Choose how you shared it"
        self.fields["description"].error_messages["required"] = "Say what you shared"
        self.helper = gds_helper(
            Field("shared_on"),
            Field.text("shared_at", field_width=5),
            Field.radios("method", legend_size=Size.SMALL),
            Field.text("recipient_person"),
            Field.textarea("description", rows=3),
            submit="Record that you shared it",
        )


class CorrectionForm(forms.Form):
    """A correction is a new record: every field of the decision, and what is corrected and why."""

    correction_reason = forms.CharField(
        label="What are you correcting, and why?", widget=forms.Textarea(attrs={"rows": 3})
    )
    outcome = forms.ChoiceField(label="Decision", choices=Outcome.choices, widget=forms.RadioSelect)
    reason = forms.CharField(label="Reasons for the decision", widget=forms.Textarea(attrs={"rows": 4}))
    what_shared = forms.CharField(label="What is shared", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    recipient_person = forms.CharField(label="The person who receives it", required=False, max_length=200)
    purpose = forms.CharField(label="Purpose", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    method = forms.ChoiceField(
        label="How it is shared", choices=Method.choices, widget=forms.RadioSelect, required=False
    )
    consent_status = forms.ChoiceField(
        label="Consent", choices=ConsentStatus.choices, widget=forms.RadioSelect, required=False
    )
    consent_reason = forms.CharField(
        label="If consent was not sought, why not", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    ground = forms.ChoiceField(
        label="Ground for sharing without consent",
        choices=[("", "None (consent given)"), *Ground.choices],
        widget=forms.RadioSelect,
        required=False,
    )
    duty_or_order = forms.CharField(label="The statutory duty or court order, if that is the ground", required=False)
    family_told = forms.ChoiceField(
        label="Were the child and family told beforehand?", choices=YES_NO, widget=forms.RadioSelect
    )
    not_told_reason = forms.CharField(label="If not, why not", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        plain_required_messages(self)
        self.helper = gds_helper(
            Field.textarea("correction_reason", rows=3),
            Field.radios("outcome", inline=True, legend_size=Size.SMALL),
            Field.textarea("reason", rows=4),
            Field.textarea("what_shared", rows=2),
            Field.text("recipient_person"),
            Field.textarea("purpose", rows=2),
            Field.radios("method", legend_size=Size.SMALL),
            Field.radios("consent_status", legend_size=Size.SMALL),
            Field.textarea("consent_reason", rows=2),
            Field.radios("ground", legend_size=Size.SMALL),
            Field.text("duty_or_order"),
            Field.radios("family_told", inline=True, legend_size=Size.SMALL),
            Field.textarea("not_told_reason", rows=2),
            submit="Record the correction",
        )

    def changes(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("correction_reason")
        data["family_told"] = data.get("family_told") == "yes"
        return data


class AdviserForm(forms.Form):
    user = forms.ChoiceField(label="Who is the adviser?")
    covers = forms.ChoiceField(
        label="Whom do they advise?",
        choices=[("organisation", "Practitioners in my organisation"), ("area", "Every organisation in my area")],
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, people: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "user", [("", "Choose a person"), *people])
        plain_required_messages(self)
        self.helper = gds_helper(Field.select("user"), Field.radios("covers", legend_size=Size.SMALL), submit="Add")
