"""Forms of the consent register pages."""

from __future__ import annotations

from typing import Any

from crispy_forms_gds.layout import Field
from django import forms

from ecm.core.forms import gds_helper, plain_required_messages


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label="How and why was consent withdrawn?",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example: the mother phoned on 3 March to say she no longer wants the school nurse involved.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        plain_required_messages(self)
        self.helper = gds_helper(Field.textarea("reason", rows=3), submit="Withdraw consent")
