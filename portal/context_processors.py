"""Template context shared by every page."""

import functools

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

# The main navigation. An entry appears once the issue that builds its page has added
# the URL, so the menu never links to a page that does not exist yet.
NAVIGATION = [
    ("approvals:catalogue", _("Service catalogue")),
    ("approvals:track", _("Progress lookup")),
    ("consultations:index", _("Consultation")),
    ("consultations:appointments", _("Appointments")),
    ("me", _("Personal centre")),
]


@functools.cache
def _navigation() -> tuple[dict, ...]:
    """Return the entries whose page exists, reversed once per process (the labels translate per request)."""
    items = []
    for name, label in NAVIGATION:
        try:
            items.append({"name": name, "label": label, "url": reverse(name)})
        except NoReverseMatch:
            continue
    return tuple(items)


@functools.cache
def _set_language_url() -> str:
    return reverse("set_language")


def portal(request):
    """Return the portal's name, its navigation, the address of the entry this page is ("" for none)
    and the language form's address (reversed once per process, like the navigation).

    base.html holds the menu once per language and entry (templates/base.html, docs/caching.md): the
    current entry stands for the page's path, so no path reaches the key.
    """
    navigation = _navigation()
    path = request.path
    return {
        "PORTAL_NAME": settings.PORTAL_NAME,
        "PORTAL_SHORT_NAME": settings.PORTAL_SHORT_NAME,
        "navigation": navigation,
        "navigation_active": next((item["url"] for item in navigation if item["url"] == path), ""),
        "SET_LANGUAGE_URL": _set_language_url(),
    }
