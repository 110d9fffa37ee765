"""Template filters shared by every app."""

from django import template

from .. import masking

register = template.Library()


@register.filter
def total_minutes(delta) -> int:
    """Return a timedelta as whole minutes, rounded up."""
    if not delta:
        return 0
    return -(-int(delta.total_seconds()) // 60)


register.filter("mask_id", masking.mask_id_number)
register.filter("mask_mobile", masking.mask_mobile)
register.filter("mask_name", masking.mask_name)
