"""Forms of the multi-agency pages (crispy-forms-gds; errors in the GOV.UK error summary).

Choices are read by the views through selectors and handed in; forms never query.
"""

from __future__ import annotations

from typing import Any

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.layout import Field
from django import forms

from ecm.core.forms import gds_helper, plain_required_messages
from ecm.multiagency.choices import PanelOutcome, Weekday

DATE_HELP = "For example, 27 3 2026"
Choices = list[tuple[str, str]]


def _choices(form: forms.Form, name: str, choices: Choices) -> None:
    field: Any = form.fields[name]
    field.choices = choices


def _finish(form: forms.Form, *fields: Any, submit: str) -> None:
    plain_required_messages(form)
    form.helper = gds_helper(*fields, submit=submit)  # type: ignore[attr-defined]


class PanelForm(forms.Form):
    name = forms.CharField(label="Name of the panel", max_length=200)
    local_authority = forms.ChoiceField(label="Area")
    description = forms.CharField(
        label="What the panel is for (optional)", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    organisations = forms.MultipleChoiceField(
        label="Member agencies",
        widget=forms.CheckboxSelectMultiple,
        help_text="A child can be referred only when every agency is covered by consent or a recorded decision",
    )
    chair = forms.ChoiceField(label="Chair")
    administrator = forms.ChoiceField(label="Administrator", help_text="Builds the agendas and sends the minutes")
    weekday = forms.TypedChoiceField(
        label="Day of the week the panel meets", choices=Weekday.choices, coerce=int, widget=forms.RadioSelect
    )
    interval_weeks = forms.IntegerField(label="Weeks between meetings", min_value=1, max_value=12, initial=4)
    schedule_starts_on = DateInputField(label="Schedule starts on", help_text=DATE_HELP)

    def __init__(self, *args: Any, areas: Choices, organisations: Choices, people: Choices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "local_authority", areas)
        _choices(self, "organisations", organisations)
        _choices(self, "chair", [("", "Choose the chair"), *people])
        _choices(self, "administrator", [("", "Choose the administrator"), *people])
        _finish(
            self,
            Field.text("name"),
            Field.select("local_authority"),
            Field.textarea("description", rows=2),
            Field.checkboxes("organisations", small=True),
            Field.select("chair"),
            Field.select("administrator"),
            Field.radios("weekday", inline=True),
            Field.text("interval_weeks", field_width=2),
            Field("schedule_starts_on"),
            submit="Set up the panel",
        )


class ScheduleForm(forms.Form):
    weekday = forms.TypedChoiceField(
        label="Day of the week the panel meets", choices=Weekday.choices, coerce=int, widget=forms.RadioSelect
    )
    interval_weeks = forms.IntegerField(label="Weeks between meetings", min_value=1, max_value=12)
    schedule_starts_on = DateInputField(label="Schedule starts on", help_text=DATE_HELP)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _finish(
            self,
            Field.radios("weekday", inline=True),
            Field.text("interval_weeks", field_width=2),
            Field("schedule_starts_on"),
            submit="Save the schedule",
        )


class PractitionerForm(forms.Form):
    practitioner = forms.ChoiceField(label="Practitioner")

    def __init__(self, *args: Any, people: Choices, submit: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "practitioner", [("", "Choose a practitioner"), *people])
        _finish(self, Field.select("practitioner"), submit=submit)


class ReferralForm(forms.Form):
    index_number = forms.CharField(
        label="The child's index number", max_length=20, help_text="12 digits, from the child's index record"
    )
    reason = forms.CharField(
        label="Why you are referring the child",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="The needs, what has been tried, and what you hope the panel will do",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _finish(self, Field.text("index_number", field_width=20), Field.textarea("reason", rows=4), submit="Refer")


class AttendanceForm(forms.Form):
    attendees = forms.MultipleChoiceField(label="Members who attended", widget=forms.CheckboxSelectMultiple)
    others_present = forms.CharField(
        label="Parents, carers and guests present (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Their names and who they came with or for",
    )

    def __init__(self, *args: Any, members: Choices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "attendees", members)
        _finish(
            self,
            Field.checkboxes("attendees", small=True),
            Field.textarea("others_present", rows=3),
            submit="Save attendance",
        )
        self.fields["attendees"].error_messages["required"] = "Choose the members who attended"


class InviteForm(forms.Form):
    name = forms.CharField(label="Name of the parent or carer invited", max_length=200)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _finish(self, Field.text("name", field_width=20), submit="Record the invitation")


class ActionForm(forms.Form):
    what = forms.CharField(label="What will be done", widget=forms.Textarea(attrs={"rows": 2}))
    owner = forms.ChoiceField(label="Who owns the action")
    due_on = DateInputField(label="By when", help_text=DATE_HELP)

    def __init__(self, *args: Any, people: Choices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "owner", [("", "Choose who owns it"), *people])
        _finish(self, Field.textarea("what", rows=2), Field.select("owner"), Field("due_on"), submit="Add the action")


class OutcomeForm(forms.Form):
    discussion = forms.CharField(label="Summary of the discussion", widget=forms.Textarea(attrs={"rows": 4}))
    outcome = forms.ChoiceField(label="Outcome", choices=PanelOutcome.choices, widget=forms.RadioSelect)
    allocated = forms.ChoiceField(label="Practitioner (for a CAF, a lead professional or a key worker)", required=False)
    next_review_on = DateInputField(
        label="Next review (optional)", required=False, help_text="The next scheduled meeting if empty"
    )
    handover_note = forms.CharField(
        label="Handover note for the child's CAF (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="When the child has an open CAF with a lead professional, the new lead takes over with this note",
    )

    def __init__(self, *args: Any, people: Choices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "allocated", [("", "Choose a practitioner"), *people])
        _finish(
            self,
            Field.textarea("discussion", rows=4),
            Field.radios("outcome"),
            Field.select("allocated"),
            Field("next_review_on"),
            Field.textarea("handover_note", rows=2),
            submit="Record the outcome",
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        allocating = (PanelOutcome.CAF, PanelOutcome.LEAD, PanelOutcome.KEY_WORKER)
        if data.get("outcome") in allocating and not data.get("allocated"):
            self.add_error("allocated", "Choose the practitioner")
        return data


class TeamForm(forms.Form):
    name = forms.CharField(label="Name of the team", max_length=200)
    local_authority = forms.ChoiceField(label="Area")
    leader = forms.ChoiceField(label="Team leader")
    description = forms.CharField(
        label="The team's purpose (optional)", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, areas: Choices, people: Choices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "local_authority", areas)
        _choices(self, "leader", [("", "Choose the team leader"), *people])
        _finish(
            self,
            Field.text("name"),
            Field.select("local_authority"),
            Field.select("leader"),
            Field.textarea("description", rows=2),
            submit="Set up the team",
        )


class SecondmentForm(forms.Form):
    practitioner = forms.ChoiceField(label="Practitioner", help_text="They stay employed and supervised at home")
    role_in_team = forms.CharField(label="Their role in the team", max_length=200)
    starts_on = DateInputField(label="Secondment starts on", help_text=DATE_HELP)
    ends_on = DateInputField(label="Secondment ends on (optional)", required=False, help_text=DATE_HELP)

    def __init__(self, *args: Any, people: Choices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "practitioner", [("", "Choose a practitioner"), *people])
        _finish(
            self,
            Field.select("practitioner"),
            Field.text("role_in_team", field_width=20),
            Field("starts_on"),
            Field("ends_on"),
            submit="Second them to the team",
        )


class ReallocateForm(forms.Form):
    new_lead = forms.ChoiceField(label="New lead professional", widget=forms.RadioSelect)
    reason = forms.CharField(label="Why the case is being reallocated", widget=forms.Textarea(attrs={"rows": 2}))
    handover_note = forms.CharField(
        label="Handover note for the new lead professional", widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, people: Choices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "new_lead", people)
        _finish(
            self,
            Field.radios("new_lead"),
            Field.textarea("reason", rows=2),
            Field.textarea("handover_note", rows=3),
            submit="Reallocate the case",
        )
        self.fields["new_lead"].error_messages["required"] = "Choose the new lead professional"


class ExtraMeetingForm(forms.Form):
    """Call a meeting outside the schedule: today (an urgent case) or any other day."""

    held_on = DateInputField(label="Date of the meeting", help_text="For example, 27 3 2026")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["held_on"].error_messages["required"] = "Enter the date of the meeting"
        self.helper = gds_helper(Field("held_on"), submit="Call this meeting")
