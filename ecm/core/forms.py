"""GOV.UK form helpers shared by every app: crispy-forms-gds helper and plain error messages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Layout, Submit
from django import forms
from django.core.validators import RegexValidator


def gds_helper(*fields: Any, submit: str = "Continue") -> FormHelper:
    """A crispy-forms-gds helper; the template writes the <form> with its CSRF token and hidden fields."""
    helper = FormHelper()
    helper.form_tag = False
    helper.layout = Layout(*fields, Submit("submit", submit))
    return helper


def plain_required_messages(form: forms.Form) -> None:
    """Replace Django's "This field is required." with a message naming the field, GOV.UK style."""
    for field in form.fields.values():
        if field.error_messages.get("required") not in (None, "This field is required."):
            continue
        label = str(field.label or "this").strip().rstrip("?")
        label = label[0].lower() + label[1:] if label[:2].istitle() or label[1:2].islower() else label
        verb = "Choose" if isinstance(field, forms.ChoiceField | forms.ModelChoiceField) else "Enter"
        article = "" if label.split(" ")[0] in ("your", "a", "an", "the") else "the "
        field.error_messages["required"] = f"{verb} {article}{label}"


class GovDateField(DateInputField):
    """A day, month and year date with GOV.UK messages that name the field.

    ``crispy_forms_gds``' own field passes Python's ``month must be in 1..12`` to the person;
    this one says "Date of birth must be a real date", "Date of birth must include a month",
    and, when the day and month look swapped (a month over 12 with a day of 12 or less),
    asks the person to check them.
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._name_messages(str(kwargs.get("label") or "The date"))

    def _name_messages(self, label: str) -> None:
        subject = self.subject = label.strip().rstrip("?")
        self.real_date = f"{subject} must be a real date"
        self.error_messages["incomplete"] = f"{subject} must include a day, month and year"
        for part, field in zip(("day", "month", "year"), self.fields, strict=True):
            field.error_messages["incomplete"] = f"{subject} must include a {part}"
            field.validators = [RegexValidator(r"^\s*[0-9]+\s*$", self.real_date)]

    def compress(self, data_list: Any) -> Any:
        day, month, year = data_list
        if not (day or month or year):
            return None
        missing = [part for part, value in zip(("day", "month", "year"), data_list, strict=True) if not value]
        if missing:
            raise forms.ValidationError(f"{self.subject} must include a {' and '.join(missing)}")
        d, m, y = int(day), int(month), int(year)
        if len(str(year).strip()) != 4:
            raise forms.ValidationError(f"{self.real_date}: the year must have 4 numbers, like 2014")
        try:
            return dt.date(y, m, d)
        except ValueError:
            if m > 12 and 1 <= d <= 12:
                raise forms.ValidationError(
                    f"{self.real_date}: check the day and month are the right way round (day first, then month)"
                ) from None
            raise forms.ValidationError(self.real_date) from None
