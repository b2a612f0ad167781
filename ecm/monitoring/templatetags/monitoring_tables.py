"""Render a dashboard table and its chart as HTML in Python: a page holds a dozen of them with
hundreds of cells, which Django's template engine renders several times slower than string joins."""

from __future__ import annotations

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from ecm.monitoring.tables import Table

register = template.Library()

NUM = "govuk-table__cell govuk-table__cell--numeric"


@register.simple_tag
def monitoring_table(table: Table) -> SafeString:
    """The chart (an image with an accessible name; its bars say their figure) and the same figures as a table."""
    key, title = escape(table.key), escape(table.title)
    out = [f'<section class="govuk-!-margin-bottom-9" aria-labelledby="table-{key}">']
    out.append(f'<h2 class="govuk-heading-m" id="table-{key}">{title}</h2>')
    if table.description:
        out.append(f'<p class="govuk-body">{escape(table.description)}</p>')
    out.append(
        f'<div class="mon-chart" role="img" aria-label="Bar chart: {title}. '
        'The same figures are in the table that follows.">'
    )
    for series in table.chart:
        out.append('<div class="mon-chart__series">')
        if len(table.columns) > 1:
            out.append(f'<p class="govuk-body-s mon-chart__name">{escape(series["name"])}</p>')
        for bar in series["bars"]:
            cell = bar["cell"]
            zero = "" if bar["percent"] else " mon-chart__bar--zero"
            # The longest bar takes four fifths of the track, leaving room for its figure beside it.
            # Widths are classes (monitoring.css), not style attributes, for the Content Security Policy.
            hidden = " mon-chart__value--hidden" if cell.shown is None else ""
            out.append(
                f'<div class="mon-chart__row govuk-body-s"><span class="mon-chart__label">{escape(bar["label"])}</span>'
                f'<span class="mon-chart__track">'
                f'<span class="mon-chart__bar{zero} mon-chart__bar--w{int(bar["percent"]) * 4 // 5}"></span>'
                f'<span class="mon-chart__value{hidden}">{escape(cell.text)}</span></span></div>'
            )
        out.append("</div>")
    out.append("</div>")
    out.append(f'<div class="mon-scroll" role="region" aria-label="Table: {title}" tabindex="0">')
    out.append(
        '<table class="govuk-table mon-table">'
        f'<caption class="govuk-table__caption govuk-visually-hidden">{title}</caption>'
    )
    out.append('<thead class="govuk-table__head"><tr class="govuk-table__row">')
    for i, head in enumerate(table.header):
        numeric = " govuk-table__header--numeric" if i else ""
        out.append(f'<th scope="col" class="govuk-table__header{numeric}">{escape(head)}</th>')
    out.append('</tr></thead><tbody class="govuk-table__body">')
    records = table.records()[1:]
    for index, record in enumerate(records):
        is_total = table.protected.column_totals is not None and index == len(records) - 1
        bold = " govuk-!-font-weight-bold" if is_total else ""
        cells = "".join(f'<td class="{NUM}{bold}">{escape(value)}</td>' for value in record[1:])
        out.append(
            '<tr class="govuk-table__row">'
            f'<th scope="row" class="govuk-table__header">{escape(record[0])}</th>{cells}</tr>'
        )
    out.append("</tbody></table></div>")
    for note in table.protected.notes:
        out.append(f'<p class="govuk-body-s">{escape(note)}</p>')
    out.append("</section>")
    return mark_safe("".join(out))  # noqa: S308 - every value above is escaped
