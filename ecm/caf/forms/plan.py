"""Forms of the Team Around the Child, the plan, reviews, closure, step-up and transfer."""

from __future__ import annotations

from typing import Any

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.layout import Field, Fieldset, Size
from django import forms

from ecm.caf.choices import ClosureReason, FamilyRating, MemberKind, Outcome, OutcomeRating, Progress, SpecialistKind
from ecm.caf.forms import set_choices
from ecm.core.forms import GovDateField, gds_helper, plain_required_messages

DATE_HELP = "For example, 27 3 2026"
Choices = list[tuple[str, str]]


def _finish(form: forms.Form, *fields: Any, submit: str) -> None:
    plain_required_messages(form)
    form.helper = gds_helper(*fields, submit=submit)  # type: ignore[attr-defined]


class MemberForm(forms.Form):
    kind = forms.ChoiceField(label="Who is joining the team?", choices=MemberKind.choices, widget=forms.RadioSelect)
    practitioner = forms.ChoiceField(
        label="Practitioner",
        required=False,
        help_text="Only agencies the family's consent (or a recorded decision) covers are listed",
    )
    name = forms.CharField(label="Name of the child, parent or carer", required=False, max_length=100)

    def __init__(self, *args: Any, practitioners: Choices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "practitioner", [("", "Choose a practitioner"), *practitioners])
        _finish(
            self,
            Field.radios("kind"),
            Field.select("practitioner"),
            Field.text("name", field_width=20),
            submit="Add to the team",
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") == MemberKind.PRACTITIONER and not data.get("practitioner"):
            self.add_error("practitioner", "Choose the practitioner")
        if data.get("kind") in (MemberKind.CHILD, MemberKind.PARENT) and not (data.get("name") or "").strip():
            self.add_error("name", "Enter the name of the child, parent or carer")
        return data


class RemoveMemberForm(forms.Form):
    reason = forms.CharField(label="Why are they leaving the team?", widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _finish(self, Field.textarea("reason", rows=3), submit="Take them off the team")


class MeetingForm(forms.Form):
    held_on = DateInputField(label="Date of the meeting", help_text=DATE_HELP)
    invitees = forms.MultipleChoiceField(label="Who was invited", widget=forms.CheckboxSelectMultiple, required=False)
    attendees = forms.MultipleChoiceField(label="Who attended", widget=forms.CheckboxSelectMultiple)
    notes = forms.CharField(
        label="Meeting notes", widget=forms.Textarea(attrs={"rows": 5}), help_text="They go to every member of the team"
    )

    def __init__(self, *args: Any, members: Choices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "invitees", members)
        set_choices(self, "attendees", members)
        _finish(
            self,
            Field("held_on"),
            Field.checkboxes("invitees", small=True),
            Field.checkboxes("attendees", small=True),
            Field.textarea("notes", rows=3),
            submit="Save the meeting",
        )
        self.fields["attendees"].error_messages["required"] = "Choose who attended"


class MeetingScheduleForm(forms.Form):
    """A TAC meeting planned ahead: when, where, who is invited (they are told at once)."""

    held_on = GovDateField(label="Date of the meeting", help_text=DATE_HELP)
    starts_at = forms.TimeField(
        label="Start time (optional)",
        required=False,
        input_formats=["%H:%M", "%H.%M", "%I:%M%p", "%I%p", "%I:%M %p", "%I %p"],
        help_text="For example, 14:30 or 2:30pm",
        error_messages={"invalid": "Enter the start time like 14:30 or 2:30pm"},
    )
    place = forms.CharField(label="Where", max_length=200, help_text="For example, Hill Primary School, meeting room 2")
    invitees = forms.MultipleChoiceField(label="Who to invite", widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, members: Choices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "invitees", members)
        _finish(
            self,
            Field("held_on"),
            Field.text("starts_at", field_width=5),
            Field.text("place"),
            Field.checkboxes("invitees", small=True),
            submit="Plan the meeting and send invitations",
        )
        self.fields["invitees"].error_messages["required"] = "Choose who to invite"
        self.fields["place"].error_messages["required"] = "Enter where the meeting is"


class MeetingMinuteForm(forms.Form):
    attendees = forms.MultipleChoiceField(label="Who attended", widget=forms.CheckboxSelectMultiple)
    notes = forms.CharField(
        label="Meeting notes", widget=forms.Textarea(attrs={"rows": 5}), help_text="They go to every member of the team"
    )

    def __init__(self, *args: Any, members: Choices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "attendees", members)
        _finish(
            self, Field.checkboxes("attendees", small=True), Field.textarea("notes", rows=5), submit="Save the notes"
        )
        self.fields["attendees"].error_messages["required"] = "Choose who attended"


class LeadForm(forms.Form):
    member = forms.ChoiceField(
        label="Lead professional",
        widget=forms.RadioSelect,
        help_text="A young person, parent or carer may take the role, with a practitioner who supports them",
    )
    supporting_member = forms.ChoiceField(
        label="Practitioner who supports them (when the young person, parent or carer leads)", required=False
    )
    meeting = forms.ChoiceField(label="TAC meeting where they were chosen", required=False)
    reason = forms.CharField(
        label="Why they were chosen",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example the predominant needs, the family's wishes or an existing relationship",
    )
    handover_note = forms.CharField(
        label="Handover note from the current lead professional (when there is one)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(
        self, *args: Any, members: Choices, meetings: Choices, practitioners: Choices | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "member", members)
        set_choices(self, "supporting_member", [("", "Not needed: a practitioner leads"), *(practitioners or [])])
        set_choices(self, "meeting", [("", "Not at a meeting"), *meetings])
        _finish(
            self,
            Field.radios("member"),
            Field.select("supporting_member"),
            Field.select("meeting"),
            Field.textarea("reason", rows=3),
            Field.textarea("handover_note", rows=3),
            submit="Ask them to take on the role",
        )
        self.fields["member"].error_messages["required"] = "Choose the lead professional"
        self.fields["reason"].error_messages["required"] = "Record why they were chosen"


class ActionForm(forms.Form):
    what = forms.CharField(label="What will be done", widget=forms.Textarea(attrs={"rows": 2}))
    responsible = forms.ChoiceField(label="Who is responsible")
    due_on = DateInputField(label="By when", help_text=DATE_HELP)
    outcome_wanted = forms.CharField(label="Outcome wanted", widget=forms.Textarea(attrs={"rows": 2}))
    outcome = forms.ChoiceField(
        label="Which of the five outcomes it serves", choices=Outcome.choices, widget=forms.RadioSelect
    )

    def __init__(self, *args: Any, members: Choices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "responsible", [("", "Choose"), *members])
        _finish(
            self,
            Field.textarea("what", rows=3),
            Field.select("responsible"),
            Field("due_on"),
            Field.textarea("outcome_wanted", rows=3),
            Field.radios("outcome", legend_size=Size.SMALL),
            submit="Add the action",
        )


class ProgressForm(forms.Form):
    progress = forms.ChoiceField(label="Progress", choices=Progress.choices, widget=forms.RadioSelect)
    comments = forms.CharField(label="Comments", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _finish(self, Field.radios("progress"), Field.textarea("comments", rows=3), submit="Save progress")


def _add_outcome_fields(form: forms.Form, outcomes: list[str]) -> list[Any]:
    """One fieldset per outcome the plan addresses: a progress rating and a short note."""
    layout = []
    for code in outcomes:
        label = Outcome(code).label
        form.fields[f"outcome_{code}"] = forms.ChoiceField(
            label="Progress",
            choices=OutcomeRating.choices,
            widget=forms.RadioSelect,
            error_messages={"required": f"Choose the progress on {label}"},
        )
        form.fields[f"outcome_{code}_note"] = forms.CharField(
            label="Note (optional)", required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2})
        )
        layout.append(
            Fieldset(
                Field.radios(f"outcome_{code}", inline=True),
                Field.textarea(f"outcome_{code}_note", rows=2),
                legend=f"Progress on {label}",
                legend_size=Size.MEDIUM,
            )
        )
    return layout


def outcome_progress_of(data: dict[str, Any]) -> dict[str, tuple[str, str]]:
    """Take the outcome fields out of cleaned data as {outcome: (rating, note)} for the services."""
    progress = {}
    for code in Outcome.values:
        rating = data.pop(f"outcome_{code}", None)
        note = data.pop(f"outcome_{code}_note", "")
        if rating:
            progress[code] = (rating, note or "")
    return progress


class ReviewForm(forms.Form):
    held_on = DateInputField(label="Date of the review", help_text=DATE_HELP)
    present = forms.CharField(label="Who was present", widget=forms.Textarea(attrs={"rows": 2}))
    progress_notes = forms.CharField(label="Progress on each action", widget=forms.Textarea(attrs={"rows": 4}))
    new_needs = forms.CharField(label="New needs", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    child_comments = forms.CharField(
        label="The child's comments", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    parent_comments = forms.CharField(
        label="The parent's or carer's comments", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    next_review_on = DateInputField(
        label="Next review (optional)", required=False, help_text="After the review interval if empty"
    )

    def __init__(
        self, *args: Any, outcomes: list[str] | None = None, actions: list[Any] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.actions = list(actions or [])
        if self.actions:
            self.fields["progress_notes"].required = False
            self.fields["progress_notes"].label = "Anything else about progress (optional)"
        base = [Field(n) if n.endswith("_on") else Field.textarea(n, rows=3) for n in self.fields]
        per_action = self._add_action_fields()
        progress = _add_outcome_fields(self, outcomes or [])
        _finish(self, *base[:2], *per_action, base[2], *progress, *base[3:], submit="Save the review")
        self.fields["progress_notes"].error_messages["required"] = "Enter the progress on the actions"

    def _add_action_fields(self) -> list[Any]:
        """One fieldset per action of the plan: how far it has got, and what happened."""
        layout = []
        self.shorts: dict[int, str] = {}
        for n, action in enumerate(self.actions, start=1):
            short = action.what if len(action.what) <= 60 else action.what[:57] + "…"
            self.fields[f"action_{n}"] = forms.ChoiceField(
                label="Progress",
                choices=Progress.choices,
                widget=forms.RadioSelect,
                initial=action.progress,
                required=False,
            )
            self.fields[f"action_{n}_note"] = forms.CharField(
                label="What happened", max_length=2000, widget=forms.Textarea(attrs={"rows": 2}), required=False
            )
            self.shorts[n] = short
            who = action.responsible.name if action.responsible_id else ""
            layout.append(
                Fieldset(
                    Field.radios(f"action_{n}", small=True),
                    Field.textarea(f"action_{n}_note", rows=2),
                    legend=f"Action {n}: {action.what} ({who}, due {action.due_on:%-d %B %Y})",
                    legend_size=Size.SMALL,
                )
            )
        return layout

    def clean(self) -> dict[str, Any]:
        """Progress per action: a word on each action that moved (its progress is changed with it),
        or a general note when nothing is said action by action."""
        data = super().clean() or {}
        noted = False
        for n, action in enumerate(self.actions, start=1):
            note = (data.get(f"action_{n}_note") or "").strip()
            changed = (data.get(f"action_{n}") or action.progress) != action.progress
            if changed and not note:
                self.add_error(f"action_{n}_note", f"Enter what happened on: {self.shorts[n]}")
            noted = noted or bool(note)
        if self.actions and not noted and not (data.get("progress_notes") or "").strip():
            self.add_error("action_1_note", "Enter the progress on at least one action")
        return data

    def action_progress(self) -> dict[Any, tuple[str, str]]:
        """Take the action fields out of cleaned data as {action: (progress, note)} for the actions with a note."""
        data = self.cleaned_data
        out = {}
        for n, action in enumerate(self.actions, start=1):
            progress = data.pop(f"action_{n}", "") or action.progress
            note = (data.pop(f"action_{n}_note", "") or "").strip()
            if note:
                out[action] = (progress, note)
        return out


class IntervalForm(forms.Form):
    weeks = forms.IntegerField(label="Weeks between reviews", min_value=4, max_value=12, help_text="From 4 to 12 weeks")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _finish(self, Field.text("weeks", field_width=2), submit="Change the interval")
        self.fields["weeks"].error_messages.update(
            min_value="Reviews must be every 4 to 12 weeks", max_value="Reviews must be every 4 to 12 weeks"
        )


class CloseForm(forms.Form):
    reason = forms.ChoiceField(label="Why is the CAF closing?", choices=ClosureReason.choices, widget=forms.RadioSelect)
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    family_feedback_rating = forms.ChoiceField(
        label="How helpful did the family find the CAF process? (optional)",
        choices=FamilyRating.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    family_feedback = forms.CharField(
        label="The family's feedback on the process (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, outcomes: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        progress = _add_outcome_fields(self, outcomes or [])
        _finish(
            self,
            Field.radios("reason"),
            Field.textarea("notes", rows=3),
            *progress,
            Field.radios("family_feedback_rating", legend_size=Size.SMALL),
            Field.textarea("family_feedback", rows=3),
            submit="Close the CAF",
        )


class StepUpForm(forms.Form):
    referred_on = DateInputField(label="Date referred to children's social care", help_text=DATE_HELP)
    accepted_on = DateInputField(
        label="Date social care accepted (if they have)", required=False, help_text="The CAF closes once they accept"
    )
    notes = forms.CharField(label="What was referred, and to whom", widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _finish(
            self,
            Field("referred_on"),
            Field("accepted_on"),
            Field.textarea("notes", rows=3),
            submit="Record the step-up",
        )


class TransferForm(forms.Form):
    to_user = forms.ChoiceField(label="Co-ordinator or lead professional in the new area")
    consent_confirmed = forms.BooleanField(label="The family consents to the transfer")

    def __init__(self, *args: Any, practitioners: Choices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "to_user", [("", "Choose"), *practitioners])
        _finish(self, Field.select("to_user"), Field.checkbox("consent_confirmed"), submit="Offer the transfer")
        self.fields["consent_confirmed"].error_messages["required"] = "Confirm the family consents to the transfer"


class SpecialistForm(forms.Form):
    kind = forms.ChoiceField(label="Specialist assessment", choices=SpecialistKind.choices, widget=forms.RadioSelect)
    agency = forms.CharField(label="Agency", max_length=200)
    referred_on = DateInputField(label="Date referred or linked", help_text=DATE_HELP)
    outcome = forms.CharField(label="Outcome (if known)", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    outcome_on = DateInputField(label="Date of the outcome (if known)", required=False, help_text=DATE_HELP)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _finish(
            self,
            Field.radios("kind"),
            Field.text("agency"),
            Field("referred_on"),
            Field.textarea("outcome", rows=3),
            Field("outcome_on"),
            submit="Record the specialist assessment",
        )


class LeadOfferAnswerForm(forms.Form):
    answer = forms.ChoiceField(
        label="Will you take on the role?",
        choices=[("accept", "Yes, I accept"), ("decline", "No, I decline")],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label="Why you decline (required if you decline)", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _finish(self, Field.radios("answer"), Field.textarea("note", rows=3), submit="Save")
        self.fields["answer"].error_messages["required"] = "Choose whether you accept"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("answer") == "decline" and not (data.get("note") or "").strip():
            self.add_error("note", "Say why you decline")
        return data
