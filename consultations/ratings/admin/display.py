"""What the ratings' and rectifications' lists show: the level, the tags in words, the service, the rater."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.masking import mask_mobile, mask_name

from ..models import TAGS, Rating, ServiceKind

_SERVICE_ADMIN = {
    ServiceKind.APPLICATION: ("approvals", "application", "reference"),
    ServiceKind.QUESTION: ("consultations", "question", "reference"),
    ServiceKind.APPOINTMENT: ("consultations", "appointment", "code"),
}


def local(moment) -> str:
    return date_format(timezone.localtime(moment), "Y-m-d H:i") if moment else "—"


def tags_in_words(rating: Rating) -> str:
    return "、".join(str(TAGS.get(tag, tag)) for tag in rating.tags) or "—"


def comment(rating: Rating):
    if not rating.comment:
        return "—"
    return format_html('<span class="ow-ellipsis" title="{}">{}</span>', rating.comment, rating.comment)


def service_label(rating: Rating) -> str:
    """Return the service rated as text: its kind and reference (or booking code)."""
    field = _SERVICE_ADMIN[rating.kind][2]
    return f"{rating.get_kind_display()} {getattr(getattr(rating, rating.kind), field)}"


def service(rating: Rating, user):
    """Return the service rated, linked to its admin page where the user's role may open it."""
    app_label, model, _field = _SERVICE_ADMIN[rating.kind]
    record = getattr(rating, rating.kind)
    label = service_label(rating)
    if not user.has_perm(f"{app_label}.view_{model}"):
        return label
    return format_html('<a href="{}">{}</a>', reverse(f"admin:{app_label}_{model}_change", args=[record.pk]), label)


def service_column(user):
    """Return the list column of the service rated, linked for this user (the admin is shared by every request)."""

    def service_column(obj):
        return service(getattr(obj, "rating", obj), user)  # a rating, or a rectification's

    service_column.short_description = gettext_lazy("service")
    return service_column


def rater(rating: Rating) -> str:
    """Return the rater masked (张** 138****5678), or nothing of them when they rated anonymously."""
    if rating.anonymous:
        return _("Anonymous")
    person = rating.rater
    return " ".join(part for part in (mask_name(person.display_name), mask_mobile(person.mobile)) if part) or "—"


def due(moment, level: str, label: str):
    """Return a deadline coloured by its level, as the other queues show them."""
    if moment is None:
        return "—"
    return format_html('<span class="ow-sla ow-sla-{}" title="{}">{}</span>', level, label, local(moment))
