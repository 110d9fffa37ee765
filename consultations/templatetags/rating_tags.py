"""The rating section on the pages of a question and an appointment (the application page has a registry)."""

from django import template

from ..ratings import views
from ..ratings.models import TAGS

register = template.Library()


@register.simple_tag(takes_context=True)
def question_rating_section(context, question) -> dict:
    """Return the rating section of the asker's question page (use with ``as`` and include the partial)."""
    return views.question_rating_section(context["request"], question)


@register.simple_tag(takes_context=True)
def appointment_rating_section(context, appointment) -> dict:
    """Return the rating section of the holder's appointment page."""
    return views.appointment_rating_section(context["request"], appointment)


@register.filter
def rating_tag_labels(tags) -> list:
    """Return the labels of a rating's tags (a tag no longer offered shows as stored)."""
    return [TAGS.get(tag, tag) for tag in tags or ()]
