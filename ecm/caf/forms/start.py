"""Forms before a CAF starts: the checklist, identifying the child, consent and a refusal."""

from __future__ import annotations

import datetime as dt
from typing import Any

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.layout import Field, Fieldset, Size
from django import forms

from ecm.caf.choices import Answer, ChecklistDecision, Outcome, RequestedBy
from ecm.caf.forms import set_choices
from ecm.caf.framework import CHECKLIST_QUESTIONS, DOMAINS, ELEMENTS
from ecm.consent.choices import ConsentForm as ConsentKind
from ecm.consent.choices import GivenBy, ParentRelationship, Scope
from ecm.core.forms import gds_helper, plain_required_messages


class ChecklistForm(forms.Form):
    """The pre-assessment checklist: yes / no / not sure per question over the five outcomes, and a decision."""

    working_name = forms.CharField(
        label="A name or initials to help you find this checklist (optional)",
        required=False,
        max_length=100,
        help_text="You can save the checklist before you have found the child on the index.",
    )
    requested_by = forms.ChoiceField(
        label="Who asked for this?", choices=RequestedBy.choices, widget=forms.RadioSelect, initial="practitioner"
    )
    decision = forms.ChoiceField(
        label="What have you decided?", choices=ChecklistDecision.choices, widget=forms.RadioSelect
    )
    notes = forms.CharField(label="Notes (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, child: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        layout: list[Any] = [Field.radios("requested_by", inline=False)]
        if child is None:
            layout.insert(0, Field.text("working_name", field_width=20))
        else:
            del self.fields["working_name"]
        for outcome in Outcome:
            names = []
            for question_outcome, code, text in CHECKLIST_QUESTIONS:
                if question_outcome != outcome:
                    continue
                self.fields[code] = forms.ChoiceField(label=text, choices=Answer.choices, widget=forms.RadioSelect)
                names.append(Field.radios(code, inline=True, legend_size=Size.SMALL))
            layout.append(Fieldset(*names, legend=str(outcome.label), legend_size=Size.MEDIUM))
        layout += [Field.radios("decision", legend_size=Size.MEDIUM), Field.textarea("notes", rows=3)]
        plain_required_messages(self)
        for _, code, text in CHECKLIST_QUESTIONS:
            self.fields[code].error_messages["required"] = f"Answer: {text}"
        self.helper = gds_helper(*layout, submit="Save the checklist")

    def answers(self) -> dict[str, str]:
        return {code: self.cleaned_data[code] for _, code, _ in CHECKLIST_QUESTIONS}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data.setdefault("working_name", "")
        return data


class IdentifyChildForm(forms.Form):
    index_number = forms.CharField(
        label="The child's index number",
        max_length=20,
        help_text="12 digits, shown on the child's index record. Find the child in the index first.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        plain_required_messages(self)
        self.helper = gds_helper(Field.text("index_number", field_width=20), submit="Continue")


def _element_choices() -> list[tuple[str, str]]:
    domains = dict(DOMAINS)
    return [(e.code, f"{e.label} ({domains[e.domain]})") for e in ELEMENTS]


class ConsentRecordForm(forms.Form):
    """Consent to undertake, record and share, with who gave it and the agencies allowed and excluded."""

    family_informed = forms.BooleanField(
        label="I told the family how the information will be stored, who will see it, and that the child index "
        "will show that a CAF exists",
        required=True,
    )
    given_by = forms.ChoiceField(label="Who gave consent?", choices=GivenBy.choices, widget=forms.RadioSelect)
    competence_judgement = forms.CharField(
        label="Your judgement of the child's competence to make this decision",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Only when the child consents. Record why they understand this decision; age alone is not enough.",
    )
    parent_name = forms.CharField(
        label="Name of the person with parental responsibility", required=False, max_length=100
    )
    parent_relationship = forms.ChoiceField(
        label="Their relationship to the child", required=False, choices=[("", "Choose"), *ParentRelationship.choices]
    )
    scopes = forms.MultipleChoiceField(
        label="What do they consent to?",
        choices=Scope.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="Without consent to record, nothing is stored: note a refusal in your own records instead.",
    )
    share_purpose = forms.CharField(
        label="What sharing is for, and in what circumstances",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    allowed = forms.MultipleChoiceField(
        label="Agencies the family allows to see the CAF", required=False, widget=forms.CheckboxSelectMultiple
    )
    excluded = forms.MultipleChoiceField(
        label="Agencies the family does not want to see it", required=False, widget=forms.CheckboxSelectMultiple
    )
    withheld_elements = forms.MultipleChoiceField(
        label="Parts of the assessment the family does not want recorded",
        required=False,
        choices=_element_choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="They will be left out of the form. Keep anything about them in your own case records only.",
    )
    form_kind = forms.ChoiceField(label="How was consent given?", choices=ConsentKind.choices, widget=forms.RadioSelect)
    given_on = DateInputField(label="Date consent was given", help_text="For example, 27 3 2026")
    review_on = DateInputField(
        label="Date to review consent (optional)", required=False, help_text="Six months after it was given if empty"
    )

    def __init__(self, *args: Any, organisations: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "allowed", organisations)
        set_choices(self, "excluded", organisations)
        plain_required_messages(self)
        self.fields["family_informed"].error_messages["required"] = (
            "Tell the family how the information is stored, who will see it and that the index shows a CAF exists"
        )
        self.fields["scopes"].error_messages["required"] = "Choose what the family consents to"
        self.helper = gds_helper(
            Field.checkbox("family_informed"),
            Field.radios("given_by", legend_size=Size.MEDIUM),
            Field.textarea("competence_judgement", rows=3),
            Field.text("parent_name", field_width=20),
            Field.select("parent_relationship"),
            Field.checkboxes("scopes", legend_size=Size.MEDIUM),
            Field.textarea("share_purpose", rows=3),
            Field.checkboxes("allowed", legend_size=Size.SMALL, small=True),
            Field.checkboxes("excluded", legend_size=Size.SMALL, small=True),
            Field.checkboxes("withheld_elements", legend_size=Size.SMALL, small=True),
            Field.radios("form_kind", inline=True),
            Field("given_on"),
            Field("review_on"),
            submit="Record consent",
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        given_on = data.get("given_on")
        if isinstance(given_on, dt.date) and data.get("review_on") and data["review_on"] <= given_on:
            self.add_error("review_on", "The review date must be after the date consent was given")
        if set(data.get("allowed") or []) & set(data.get("excluded") or []):
            self.add_error("excluded", "An agency cannot be both allowed and excluded")
        return data


class RefusalForm(forms.Form):
    scopes_refused = forms.MultipleChoiceField(
        label="What did the family refuse?", choices=Scope.choices, widget=forms.CheckboxSelectMultiple
    )
    note = forms.CharField(
        label="Note for your own records",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Only you will see this. Do not write anything the family asked you not to record.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        plain_required_messages(self)
        self.helper = gds_helper(
            Field.checkboxes("scopes_refused"), Field.textarea("note", rows=3), submit="Save the note"
        )


class StartForm(forms.Form):
    existing_acknowledged = forms.BooleanField(
        label="I have contacted the holder of the existing CAF and we agreed a new CAF is needed", required=False
    )

    def __init__(self, *args: Any, existing: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields = [Field.checkbox("existing_acknowledged")] if existing else []
        if not existing:
            del self.fields["existing_acknowledged"]
        self.helper = gds_helper(*fields, submit="Start the CAF")


class CafRequestForm(forms.Form):
    recipient = forms.ChoiceField(
        label="Who are you asking?", help_text="A colleague, another service or the CAF co-ordinator"
    )
    note = forms.CharField(
        label="Why you are asking, and how to contact you",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="They will contact you. Do not write what the family asked you not to record.",
    )

    def __init__(self, *args: Any, people: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "recipient", [("", "Choose"), *people])
        plain_required_messages(self)
        self.helper = gds_helper(Field.select("recipient"), Field.textarea("note", rows=3), submit="Send the request")


class CafRequestAnswerForm(forms.Form):
    accept = forms.ChoiceField(
        label="Will you undertake the CAF?",
        choices=[("yes", "Yes, I accept"), ("no", "No, I decline")],
        widget=forms.RadioSelect,
    )
    answer = forms.CharField(
        label="Your answer (needed when you decline)", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        plain_required_messages(self)
        self.helper = gds_helper(
            Field.radios("accept", inline=True), Field.textarea("answer", rows=3), submit="Send your answer"
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("accept") == "no" and not (data.get("answer") or "").strip():
            self.add_error("answer", "Say why you are declining")
        return data
