"""Forms of the subject access and rectification pages (GOV.UK, crispy-forms-gds)."""

from __future__ import annotations

from typing import Any

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.layout import Field, Size
from django import forms

from ecm.core.forms import gds_helper, plain_required_messages
from ecm.rights.choices import IndexField, ReceivedBy, RectificationKind, RedactionReason, RefusalGround, Relationship

INDEX_NUMBER_HELP = "12 digits, shown on the child's index record."


class AccessRequestForm(forms.Form):
    """A subject access request, in whatever form it arrived."""

    index_number = forms.CharField(label="The child's index number", max_length=20, help_text=INDEX_NUMBER_HELP)
    requester_name = forms.CharField(label="Name of the person asking", max_length=100)
    relationship = forms.ChoiceField(
        label="Their relationship to the child", choices=Relationship.choices, widget=forms.RadioSelect
    )
    relationship_detail = forms.CharField(
        label="More about the relationship (optional)",
        required=False,
        max_length=200,
        help_text="For example, which parent, or whom a solicitor acts for.",
    )
    requester_contact = forms.CharField(
        label="Where to send the reply", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    received_on = DateInputField(label="Date the request was received", help_text="For example, 31 1 2026")
    received_by = forms.ChoiceField(
        label="How did the request arrive?",
        choices=ReceivedBy.choices,
        widget=forms.RadioSelect,
        help_text="A request in any form counts, spoken included; the person need not mention the law.",
    )
    request_text = forms.CharField(
        label="What they asked for (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    identity_checked = forms.BooleanField(label="I have checked the requester's identity", required=False)
    identity_evidence = forms.CharField(
        label="How was their identity checked?",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Which documents you saw. You can record this later, but nothing is released until you do.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        plain_required_messages(self)
        self.helper = gds_helper(
            Field.text("index_number", field_width=20),
            Field.text("requester_name", field_width=20),
            Field.radios("relationship", legend_size=Size.SMALL),
            Field.text("relationship_detail"),
            Field.textarea("requester_contact", rows=3),
            Field("received_on"),
            Field.radios("received_by", legend_size=Size.SMALL),
            Field.textarea("request_text", rows=3),
            Field.checkbox("identity_checked"),
            Field.textarea("identity_evidence", rows=2),
            submit="Log the request",
        )


class IdentityForm(forms.Form):
    evidence = forms.CharField(
        label="How was the requester's identity checked?",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Which documents you saw, and how you know they may see the child's data.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        plain_required_messages(self)
        self.helper = gds_helper(Field.textarea("evidence", rows=3), submit="Record the identity check")


class ExtendForm(forms.Form):
    months = forms.TypedChoiceField(
        label="How much longer is needed?",
        choices=[("1", "One more month"), ("2", "Two more months")],
        coerce=int,
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label="Why the request needs more time",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Only a complex request, or many requests from the same person, may be extended.",
    )
    notified_on = DateInputField(
        label="Date the requester was told of the extension and why", help_text="It must be within the first month."
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        plain_required_messages(self)
        self.helper = gds_helper(
            Field.radios("months", inline=True, legend_size=Size.SMALL),
            Field.textarea("reason", rows=3),
            Field("notified_on"),
            submit="Extend the deadline",
        )


class RedactionForm(forms.Form):
    reason = forms.ChoiceField(label="Why is this withheld?", choices=RedactionReason.choices, widget=forms.RadioSelect)
    note = forms.CharField(
        label="Explain the redaction for the file",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The requester sees only the reason above, never this note.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        plain_required_messages(self)
        self.helper = gds_helper(
            Field.radios("reason", legend_size=Size.SMALL), Field.textarea("note", rows=3), submit="Redact"
        )


class ConfirmForm(forms.Form):
    def __init__(self, *args: Any, submit: str = "Confirm", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(submit=submit)


class RefuseForm(forms.Form):
    ground = forms.ChoiceField(
        label="Why is the request refused?", choices=RefusalGround.choices, widget=forms.RadioSelect
    )
    reason = forms.CharField(label="The reason, in full", widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        plain_required_messages(self)
        self.helper = gds_helper(
            Field.radios("ground", legend_size=Size.SMALL),
            Field.textarea("reason", rows=4),
            submit="Refuse the request",
        )


class RectificationForm(forms.Form):
    """A request to correct data: a fact on the index, or an opinion in a CAF (which is annotated)."""

    index_number = forms.CharField(label="The child's index number", max_length=20, help_text=INDEX_NUMBER_HELP)
    kind = forms.ChoiceField(
        label="What do they say is wrong?",
        choices=RectificationKind.choices,
        widget=forms.RadioSelect,
        help_text="Facts are corrected. Opinions are not facts: the disagreement is recorded beside them instead.",
    )
    index_field = forms.ChoiceField(
        label="Which detail on the index (for a fact)", required=False, choices=[("", "Choose"), *IndexField.choices]
    )
    caf_reference = forms.CharField(label="The CAF's reference (for an opinion)", required=False, max_length=12)
    field_key = forms.ChoiceField(label="Which part of the CAF (for an opinion)", required=False)
    proposed_value = forms.CharField(
        label="What the requester says is right",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For a date of birth write year-month-day (2015-03-27); for an address put each line on its own "
        "line, the postcode last.",
    )
    requester_name = forms.CharField(label="Name of the person asking", max_length=100)
    relationship = forms.ChoiceField(
        label="Their relationship to the child", choices=Relationship.choices, widget=forms.RadioSelect
    )
    evidence = forms.CharField(
        label="Evidence offered (optional)", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    received_on = DateInputField(label="Date the request was received", help_text="For example, 31 1 2026")

    def __init__(self, *args: Any, caf_fields: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field_key: Any = self.fields["field_key"]
        field_key.choices = [("", "Choose"), *caf_fields]
        plain_required_messages(self)
        self.helper = gds_helper(
            Field.text("index_number", field_width=20),
            Field.radios("kind", legend_size=Size.SMALL),
            Field.select("index_field"),
            Field.text("caf_reference", field_width=10),
            Field.select("field_key"),
            Field.textarea("proposed_value", rows=3),
            Field.text("requester_name", field_width=20),
            Field.radios("relationship", legend_size=Size.SMALL),
            Field.textarea("evidence", rows=2),
            Field("received_on"),
            submit="Log the request",
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") == RectificationKind.FACT and not data.get("index_field"):
            self.add_error("index_field", "Choose which detail on the index is wrong")
        if data.get("kind") == RectificationKind.OPINION:
            if not data.get("caf_reference"):
                self.add_error("caf_reference", "Enter the CAF's reference")
            if not data.get("field_key"):
                self.add_error("field_key", "Choose the part of the CAF the opinion is in")
        return data


class DecisionForm(forms.Form):
    reason = forms.CharField(label="Reason or note", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, submit: str, required: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].required = required
        if required:
            self.fields["reason"].label = "Why is the request refused?"
        plain_required_messages(self)
        self.helper = gds_helper(Field.textarea("reason", rows=3), submit=submit)
