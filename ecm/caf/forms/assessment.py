"""Forms of the assessment itself: a section page, completing, the family's copy, withdrawal."""

from __future__ import annotations

from typing import Any

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Fieldset, Layout, Size, Submit
from django import forms

from ecm.caf.forms import set_choices
from ecm.caf.framework import Section, element_of, section_fields
from ecm.caf.identity import ETHNIC_GROUPS, GENERAL, STRUCTURED_BY_KEY, Structured, compose, parse
from ecm.core.forms import gds_helper, plain_required_messages

KEPT = "__kept__"
DETAIL = "_detail"


class SectionForm(forms.Form):
    """One section of the form. Nothing is required while drafting; "Save draft" works without JavaScript."""

    def __init__(self, *args: Any, section: Section, withheld: set[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        layout: list[Any] = []
        pending: list[Any] = []
        current_element = ""
        pending_legend = ""
        self.kept: dict[str, str] = {}
        for key, label in section_fields(section, withheld):
            spec = STRUCTURED_BY_KEY.get(key)
            if spec is not None:
                layout += self._structured(spec)
                continue
            self.fields[key] = forms.CharField(
                label=label.split(": ")[-1].capitalize() if element_of(key) else label,
                required=False,
                max_length=5000,
                widget=forms.Textarea(attrs={"rows": 3}),
            )
            code = element_of(key)
            if code and code != current_element:
                if pending:
                    layout.append(Fieldset(*pending, legend=pending_legend, legend_size=Size.SMALL))
                pending, current_element = [], code
                pending_legend = label.rsplit(": ", 1)[0]
            (pending if code else layout).append(Field.textarea(key, rows=3 if code else 4))
        if pending:
            layout.append(Fieldset(*pending, legend=pending_legend, legend_size=Size.SMALL))
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            *layout,
            Submit("save_draft", "Save draft", css_class="govuk-button--secondary"),
            Submit("continue", "Save and continue"),
        )

    def _structured(self, spec: Structured) -> list[Any]:
        """A choice from the list (and words where the list asks for them) in place of free text."""
        choice, detail, mapped = parse(spec, str(self.initial.get(spec.key, "")))
        choices: list[Any] = [("", "Not recorded")]
        if not mapped:
            self.kept[spec.key] = detail
            choices.append((KEPT, f"As recorded before: {detail}"))
            choice, detail = KEPT, ""
        if spec.key == "ethnicity":
            choices += [(g, [(f"{g}: {c}", c) for c in cats]) for g, cats in ETHNIC_GROUPS]
        else:
            choices += [(c, c) for c in spec.choices]
        choices += [(c, c) for c in GENERAL]
        radios = len(spec.choices) <= 8
        self.fields[spec.key] = forms.ChoiceField(
            label=spec.label, required=False, choices=choices, widget=forms.RadioSelect if radios else forms.Select
        )
        self.initial[spec.key] = choice
        detail_key = f"{spec.key}{DETAIL}"
        self.fields[detail_key] = forms.CharField(
            label=spec.detail_label + (f" (if {' or '.join(spec.detail_for)})" if len(spec.detail_for) <= 2 else ""),
            required=False,
            max_length=500,
        )
        self.initial[detail_key] = detail
        if radios:
            return [Field.radios(spec.key, legend_size=Size.SMALL), Field.text(detail_key)]
        return [Field.select(spec.key), Field.text(detail_key)]

    def values(self) -> dict[str, str]:
        """The answers as the CAF stores them (words, not codes); details folded into their answer."""
        data = self.cleaned_data
        out: dict[str, str] = {}
        for key, value in data.items():
            if key.endswith(DETAIL):
                continue
            spec = STRUCTURED_BY_KEY.get(key)
            if spec is None:
                out[key] = value
            elif value == KEPT:
                out[key] = self.kept.get(key, "")
            else:
                out[key] = compose(spec, value, data.get(f"{key}{DETAIL}", ""))
        return out


class CompleteForm(forms.Form):
    consent_confirmed = forms.BooleanField(
        label="The family read the text above and confirmed their consent to record and share it, "
        "as written in this version"
    )

    def __init__(self, *args: Any, problems: dict[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.problems = problems
        self.fields["consent_confirmed"].error_messages["required"] = (
            "Confirm the family consented to record and share the assessment as written"
        )
        self.helper = gds_helper(Field.checkbox("consent_confirmed"), submit="Complete the assessment")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for message in self.problems.values():
            self.add_error(None, message)
        return data


class FamilyCopyForm(forms.Form):
    withheld = forms.BooleanField(label="Giving the family a copy would put the child at risk", required=False)
    reason = forms.CharField(label="Why", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(Field.checkbox("withheld"), Field.textarea("reason", rows=3), submit="Save")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("withheld") and not (data.get("reason") or "").strip():
            self.add_error("reason", "Say why giving the family a copy would put the child at risk")
        return data


class WithdrawForm(forms.Form):
    reason = forms.CharField(label="How and when the family withdrew consent", widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        plain_required_messages(self)
        self.helper = gds_helper(Field.textarea("reason", rows=3), submit="Record the withdrawal and stop sharing")


class ShareForm(forms.Form):
    """Share the CAF with a further agency; without consent the decision is made in ``ecm.sharing`` first."""

    organisation = forms.ChoiceField(label="Agency")
    recipient_person = forms.CharField(label="The person you are sharing with (optional)", required=False)

    def __init__(self, *args: Any, organisations: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "organisation", [("", "Choose an agency"), *organisations])
        plain_required_messages(self)
        self.helper = gds_helper(Field.select("organisation"), Field.text("recipient_person"), submit="Continue")
