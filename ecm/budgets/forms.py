"""Forms of the budget pages (crispy-forms-gds; errors in the GOV.UK error summary). Choices come from
the view, read through selectors; nothing is queried here."""

from __future__ import annotations

from typing import Any

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.layout import Field
from django import forms

from ecm.budgets.choices import NEED_CHOICES, Decision, PurchaseKind
from ecm.budgets.money import parse_pence
from ecm.caf.choices import Outcome
from ecm.core.forms import gds_helper, plain_required_messages

DATE_HELP = "For example, 27 3 2026"
MONEY_HELP = "In pounds and pence, for example 12.50"
Choices = list[tuple[str, str]]


class MoneyField(forms.CharField):
    """Pounds and pence typed as "£12.50", "12.50" or "12"; cleaned to integer pence."""

    def __init__(self, *, what: str, allow_zero: bool = False, **kwargs: Any) -> None:
        kwargs.setdefault("help_text", MONEY_HELP)
        kwargs.setdefault("max_length", 20)
        super().__init__(**kwargs)
        self.what = what
        self.allow_zero = allow_zero
        self.error_messages["required"] = f"Enter the {what}"

    def clean(self, value: Any) -> int | None:  # type: ignore[override]
        text = super().clean(value)
        if not text:
            return None
        pence = parse_pence(text)
        if pence is None:
            raise forms.ValidationError(f"Enter the {self.what} in pounds and pence, like 12.50")
        if pence == 0 and not self.allow_zero:
            raise forms.ValidationError(f"The {self.what} must be more than £0.00")
        return pence


def _set_choices(form: forms.Form, name: str, choices: Choices) -> None:
    field: Any = form.fields[name]
    field.choices = choices


def _finish(form: forms.Form, *fields: Any, submit: str) -> None:
    plain_required_messages(form)
    form.helper = gds_helper(*fields, submit=submit)  # type: ignore[attr-defined]


def _dates_plain(form: forms.Form, *names: str) -> None:
    for name in names:
        label = str(form.fields[name].label).lower()
        form.fields[name].error_messages.update(
            {"required": f"Enter the {label}", "incomplete": f"Enter the {label} as a day, month and year"}
        )


class BudgetForm(forms.Form):
    name = forms.CharField(label="Name of the budget", max_length=200)
    funding_source = forms.CharField(label="Funding source", max_length=200, help_text="For example, the pilot grant")
    amount = MoneyField(label="Amount", what="amount")
    starts_on = DateInputField(label="Start date", help_text=DATE_HELP)
    ends_on = DateInputField(label="End date", help_text=DATE_HELP)
    area = forms.ChoiceField(label="Area")
    manager = forms.ChoiceField(
        label="Budget manager", help_text="A manager in an organisation of the area; they approve allocations"
    )
    threshold = MoneyField(
        label="Purchases above this amount need the budget manager's approval",
        what="approval threshold",
        allow_zero=True,
        required=False,
        help_text="In pounds and pence. Leave it empty for the usual amount",
    )

    def __init__(self, *args: Any, areas: Choices, managers: Choices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(self, "area", [("", "Choose an area"), *areas])
        _set_choices(self, "manager", [("", "Choose the budget manager"), *managers])
        _dates_plain(self, "starts_on", "ends_on")
        _finish(
            self,
            Field.text("name"),
            Field.text("funding_source"),
            Field.text("amount", field_width=10),
            Field("starts_on"),
            Field("ends_on"),
            Field.select("area"),
            Field.select("manager"),
            Field.text("threshold", field_width=10),
            submit="Create the budget",
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", "The end date must be on or after the start date")
        return data


class ThresholdForm(forms.Form):
    threshold = MoneyField(
        label="Purchases above this amount need your approval", what="approval threshold", allow_zero=True
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _finish(self, Field.text("threshold", field_width=10), submit="Save the threshold")


class AllocationRequestForm(forms.Form):
    assessment = forms.ChoiceField(label="Which child's CAF is it for?", widget=forms.RadioSelect)
    budget = forms.ChoiceField(label="Budget", widget=forms.RadioSelect)
    amount = MoneyField(label="Amount", what="amount")
    reason = forms.CharField(
        label="What is the money for?",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The needs and plan actions it will pay for",
    )

    def __init__(self, *args: Any, cafs: Choices, budgets: Choices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(self, "assessment", cafs)
        _set_choices(self, "budget", budgets)
        _finish(
            self,
            Field.radios("assessment"),
            Field.radios("budget"),
            Field.text("amount", field_width=10),
            Field.textarea("reason", rows=3),
            submit="Ask the budget manager",
        )
        self.fields["assessment"].error_messages["required"] = "Choose the child's CAF"


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label="Your decision", choices=Decision.choices, widget=forms.RadioSelect)
    note = forms.CharField(
        label="Reason or note", required=False, widget=forms.Textarea(attrs={"rows": 3}), help_text="Needed to refuse"
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _finish(self, Field.radios("decision", inline=True), Field.textarea("note", rows=3), submit="Save the decision")
        self.fields["decision"].error_messages["required"] = "Choose approve or refuse"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == Decision.REFUSE and not (data.get("note") or "").strip():
            self.add_error("note", "Say why you are refusing it")
        return data


class PurchaseForm(forms.Form):
    kind = forms.ChoiceField(label="What are you recording?", choices=PurchaseKind.choices, widget=forms.RadioSelect)
    service = forms.ChoiceField(
        label="Service from the directory", required=False, help_text="Leave it empty to name another supplier"
    )
    supplier_name = forms.CharField(label="Other supplier", required=False, max_length=200)
    description = forms.CharField(label="What was bought", widget=forms.Textarea(attrs={"rows": 2}))
    cost = MoneyField(label="Cost", what="cost")
    bought_on = DateInputField(label="Date bought", help_text=DATE_HELP)
    action = forms.ChoiceField(label="Which action of the delivery plan does it serve?", widget=forms.RadioSelect)
    outcome = forms.ChoiceField(
        label="Which of the five outcomes does it serve?", choices=Outcome.choices, widget=forms.RadioSelect
    )
    need = forms.ChoiceField(label="Which need does it meet?", help_text="The area of the CAF assessment")

    def __init__(self, *args: Any, services: Choices, actions: Choices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(self, "service", [("", "Not from the directory"), *services])
        _set_choices(self, "action", actions)
        _set_choices(self, "need", [("", "Choose the need"), *NEED_CHOICES])
        _dates_plain(self, "bought_on")
        _finish(
            self,
            Field.radios("kind"),
            Field.select("service"),
            Field.text("supplier_name", field_width=20),
            Field.textarea("description", rows=2),
            Field.text("cost", field_width=10),
            Field("bought_on"),
            Field.radios("action"),
            Field.radios("outcome"),
            Field.select("need"),
            submit="Record the purchase",
        )
        self.fields["action"].error_messages["required"] = "Choose the plan action it serves"
        self.fields["kind"].error_messages["required"] = "Choose goods bought or service commissioned"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        service, other = data.get("service"), (data.get("supplier_name") or "").strip()
        if not service and not other:
            self.add_error("service", "Choose a service from the directory or enter another supplier")
        if service and other:
            self.add_error("supplier_name", "Choose a directory service or enter another supplier, not both")
        return data
