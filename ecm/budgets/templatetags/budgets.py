from django import template

from ecm.budgets.money import format_pence

register = template.Library()


@register.filter
def pounds(pence: int | None) -> str:
    """Show integer pence as £1,234.50."""
    return format_pence(pence)
