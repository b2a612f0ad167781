"""GOV.UK form helpers shared by every app: crispy-forms-gds helper and plain error messages."""

from __future__ import annotations

from typing import Any

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Layout, Submit
from django import forms


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
