"""Forms of the referral pages (crispy-forms-gds)."""

from __future__ import annotations

from typing import Any

from crispy_forms_gds.layout import Field, Size
from django import forms

from ecm.core.forms import gds_helper, plain_required_messages
from ecm.referrals.choices import Decision


class ServiceSearchForm(forms.Form):
    q = forms.CharField(
        label="Service or organisation name",
        max_length=100,
        help_text="For example, parenting, speech or the name of a children's centre.",
        error_messages={"required": "Enter a service or organisation name"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(Field.text("q", field_width=20), submit="Search")
        self.helper.form_method = "get"


class ReferralForm(forms.Form):
    """What the child needs from the service, and (optionally) the CAF whose team makes the referral."""

    reason = forms.CharField(
        label="What do the child and family need from this service?",
        help_text="Say what you hope the service will do. Share only what the service needs to decide.",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=4000,
    )
    assessment = forms.ChoiceField(
        label="Is this referral from a Team Around the Child?",
        required=False,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, cafs: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.cafs = {str(a.pk): a for a in cafs}
        layout: list[Any] = [Field.textarea("reason", rows=5)]
        if self.cafs:
            field: Any = self.fields["assessment"]
            field.choices = [("", "No, I am referring directly")] + [
                (str(a.pk), f"Yes, from the team of CAF {a.reference}") for a in cafs
            ]
            self.fields["assessment"].initial = ""
            layout.append(Field.radios("assessment", legend_size=Size.SMALL))
        else:
            del self.fields["assessment"]
        plain_required_messages(self)
        self.fields["reason"].error_messages["required"] = "Enter what the child and family need from this service"
        self.helper = gds_helper(*layout, submit="Send the referral")

    def chosen_assessment(self) -> Any:
        return self.cafs.get(self.cleaned_data.get("assessment") or "")


class DecisionForm(forms.Form):
    """The receiving service's answer."""

    decision = forms.ChoiceField(
        label="Your answer",
        choices=Decision.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether to accept or decline the referral"},
    )
    reason = forms.CharField(
        label="Reason or note for the referrer",
        help_text="Required if you decline: say why, and where the family might find help instead.",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field.radios("decision", legend_size=Size.MEDIUM),
            Field.textarea("reason", rows=4),
            submit="Send your answer",
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == Decision.DECLINE and not (data.get("reason") or "").strip():
            self.add_error("reason", "Enter the reason for declining, so the referrer can find the right help")
        return data


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label="Why are you withdrawing the referral?",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": "Enter why you are withdrawing the referral"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(Field.textarea("reason", rows=3), submit="Withdraw the referral")


class ServiceTeamForm(forms.Form):
    """Which team is told of referrals to one service (or none: the organisation's managers)."""

    team = forms.ChoiceField(label="Who should be told of referrals to this service?", widget=forms.RadioSelect)

    def __init__(self, *args: Any, teams: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["team"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [*((str(t.pk), t.name) for t in teams), ("", "No team: your organisation's managers")]
        field.required = False
        self.helper = gds_helper(Field.radios("team", legend_size=Size.LARGE, legend_tag="h1"), submit="Save")
