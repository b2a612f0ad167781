"""The index search form's markup, built in Python: ``{% search_form form %}`` and
``{% select_options form.field %}``.

The search page is the busiest page of the service. crispy-forms renders a dozen nested templates
per field (27 of the page's 33 ms once); a written-out template was faster, and building the same
markup here costs a fraction of that template. The markup is crispy-forms' own for this form when
it has no errors, character for character after whitespace (``test_search_form_markup`` compares
them); a form with errors is still rendered by crispy (``index/search.html``).
"""

from __future__ import annotations

from typing import Any

from django import template
from django.template.defaulttags import CsrfTokenNode
from django.utils.html import conditional_escape, format_html_join
from django.utils.safestring import SafeString, mark_safe

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


def _e(value: Any) -> str:
    return str(conditional_escape(value))


def _value_attribute(value: Any) -> str:
    return f' value="{_e(value)}"' if value else ""


def _hint(field: Any) -> str:
    return f'<div id="id_{field.name}_hint" class="govuk-hint">{_e(field.help_text)}</div>\n' if field.help_text else ""


def _described(field: Any) -> str:
    return f' aria-describedby="id_{field.name}_hint"' if field.help_text else ""


def _labelled(field: Any) -> str:
    """The group's opening, its label and its hint: the same for a text input and a select."""
    return (
        f'<div id="div_id_{field.name}" class="govuk-form-group">\n'
        f'<label for="id_{field.name}" class="govuk-label"> {_e(field.label)} </label>\n' + _hint(field)
    )


def _text(field: Any, *, width: int, maxlength: int, typing_help: bool = True) -> str:
    name = field.name
    return (
        _labelled(field)
        + f'<input type="text" name="{name}"{_value_attribute(field.value())} maxlength="{maxlength}"'
        + (' autocomplete="off" spellcheck="false"' if typing_help else "")
        + f' class="govuk-input govuk-input--width-{width}"{_described(field)} id="id_{name}">\n</div>\n'
    )


def _date_part(value: Any, index: int) -> Any:
    # The submitted day, month and year; nothing for an unbound field.
    return value[index] if isinstance(value, list | tuple) and len(value) > index else ""


def _date(field: Any) -> str:
    name = field.name
    value = field.value()
    parts = []
    for index, (label, width) in enumerate((("Day", 2), ("Month", 2), ("Year", 4))):
        parts.append(
            '<div class="govuk-date-input__item">\n<div class="govuk-form-group">\n'
            f'<label class="govuk-label govuk-date-input__label" for="id_{name}_{index}">{label}</label>\n'
            f'<input type="text" name="{name}_{index}"{_value_attribute(_date_part(value, index))} '
            f'class="govuk-input govuk-date-input__input govuk-input--width-{width}" id="id_{name}_{index}">\n'
            "</div>\n</div>\n"
        )
    return (
        f'<div id="div_id_{name}" class="govuk-form-group">\n'
        f'<fieldset class="govuk-fieldset"{_described(field)}>\n'
        f'<legend class="govuk-fieldset__legend"> {_e(field.label)} </legend>\n'
        + _hint(field)
        + f'<div class="govuk-date-input" id="id_{name}">{"".join(parts)}</div>\n</fieldset>\n</div>\n'
    )


def _select(field: Any) -> str:
    name = field.name
    return (
        _labelled(field)
        + f'<select name="{name}"{_described(field)} class="govuk-select" id="id_{name}">'
        + f"{select_options(field)}</select>\n</div>\n"
    )


def _checkbox(field: Any) -> str:
    name = field.name
    checked = " checked" if field.value() else ""
    return (
        f'<div id="div_id_{name}" class="govuk-form-group">\n'
        '<div class="govuk-checkboxes govuk-checkboxes--small">\n<div class="govuk-checkboxes__item">\n'
        f'<input type="checkbox" name="{name}" class="govuk-checkboxes__input" id="id_{name}"{checked}>\n'
        f'<label class="govuk-label govuk-checkboxes__label" for="id_{name}"> {_e(field.label)} </label>\n'
        "</div>\n</div>\n</div>\n"
    )


@register.simple_tag(takes_context=True)
def search_form(context: template.Context, form: Any) -> SafeString:
    """The whole ``<form>``, its CSRF token included, in the order of ``SearchForm``'s layout."""
    return mark_safe(  # noqa: S308 - every value above is escaped by _e or select_options
        '<form method="post" >'
        + CsrfTokenNode().render(context)
        + "\n"
        + _text(form["given_name"], width=20, maxlength=35)
        + _text(form["family_name"], width=20, maxlength=35)
        + _date(form["date_of_birth"])
        + _select(form["gender"])
        + _text(form["postcode"], width=10, maxlength=8)
        + _select(form["school"])
        + _select(form["gp_practice"])
        + '<fieldset class="govuk-fieldset" >\n'
        + '<legend class="govuk-fieldset__legend govuk-fieldset__legend--s"> Range of dates of birth </legend>\n'
        + _date(form["born_from"])
        + _date(form["born_to"])
        + "</fieldset>\n"
        + _checkbox(form["fuzzy"])
        + _text(form["on_behalf_of"], width=20, maxlength=150, typing_help=False)
        + '<input type="submit" name="submit" value="Search" class="govuk-button" id="submit-id-submit" />\n</form>'
    )
