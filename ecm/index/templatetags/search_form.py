"""``{% select_options form.field %}``: a select's ``<option>`` elements, built in Python.

The search form lists every school and GP practice; a template loop with a comparison per option
was most of the page's rendering time. The markup is the loop's, character for character
(``test_search_form_markup`` compares the page with crispy-forms' own rendering).
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html_join
from django.utils.safestring import SafeString

register = template.Library()


@register.simple_tag
def select_options(field: Any) -> SafeString:
    value = field.value()
    chosen = "" if value is None else str(value)
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        ((option, " selected" if str(option) == chosen else "", label) for option, label in field.field.choices),
    )
