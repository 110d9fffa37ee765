"""Template filters of the statistics page."""

from django import template

register = template.Library()


@register.filter
def percent(value) -> str:
    """Show a fraction as a percentage with two decimals, or a dash when nothing was counted."""
    if value is None:
        return "—"
    return f"{value * 100:.2f}%"


@register.filter
def one_decimal(value) -> str:
    """Show a number with one decimal, or a dash when nothing was counted."""
    if value is None:
        return "—"
    return f"{value:.1f}"
