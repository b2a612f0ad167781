from __future__ import annotations

from typing import Any

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Submit
from django import forms


class AuditFilterForm(forms.Form):
    action = forms.CharField(label="Action starts with", required=False)
    actor = forms.CharField(label="User or system actor", required=False)
    object_id = forms.CharField(label="Record id", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.layout = Layout(
            Field.text("action", field_width=20),
            Field.text("actor", field_width=20),
            Field.text("object_id", field_width=30),
            Submit("filter", "Filter"),
        )
