"""The staff's work queues and recent deadline alerts, for the admin's home page."""

from django import template

from .. import work_queues

register = template.Library()


@register.simple_tag
def queues_for(user):
    """Return the queues of the user's role with their counts."""
    return work_queues.queues_for(user)


@register.simple_tag
def recent_alerts(user):
    """Return the newest deadline alerts, when the user watches deadlines."""
    return work_queues.recent_alerts(user)
