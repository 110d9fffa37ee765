"""Rendered fragments of the public pages, held in each process and keyed by the catalogue's version.

The catalogue list, an item's guide body, the home page's sections and the tracking form change only
when the catalogue does, yet rendering them is most of a public page's cost. Each web process keeps
the HTML it rendered beside the catalogue version it read *before* rendering; the version lives in the
shared cache (Redis in production), so one process's edit is seen by every process on its next request.

Freshness rules (tested in portal/tests/test_page_cache.py):

- any save, delete or many-to-many change of a watched model bumps the version at once, and again when
  its transaction commits: a page rendered between the two from rows not yet committed is stored under
  the middle version, which nobody reads once the second bump lands;
- a fragment never holds anything personal or a CSRF token: the views render those around it, and
  nothing is cached for a signed-in person;
- a fragment's key holds the language and everything its HTML depends on; the process keeps at most
  MAX_ENTRIES of them (least recently used first out), so free-text searches cannot grow it without end.

Bulk writes (``QuerySet.update()``, ``bulk_create()``) send no signals: code that changes the catalogue
that way calls ``bump()`` itself.

When the shared cache cannot be reached, the pages are rendered whole (nothing is read or stored) and the
process forgets what it holds, so nothing from before the outage is served once the cache answers again;
a catalogue edit still saves, and its failed bump is logged as an error.
"""

import logging
import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils.translation import get_language

logger = logging.getLogger(__name__)

VERSION_KEY = "portal:catalogue-version"
MAX_ENTRIES = 2000

_fragments: OrderedDict[tuple, tuple[str, Any]] = OrderedDict()
_lock = threading.Lock()


def version() -> str | None:
    """Return the catalogue's current version from the shared cache, setting one when there is none.

    None when the shared cache cannot be reached: the page is then rendered without fragments.
    """
    try:
        current = cache.get(VERSION_KEY)
        if current is None:
            cache.add(VERSION_KEY, uuid.uuid4().hex, timeout=None)
            current = cache.get(VERSION_KEY)
    except Exception:  # Redis down or unreachable: the page must still be served
        logger.warning("Shared cache unreachable: public pages are rendered without their fragments", exc_info=True)
        clear()
        return None
    return current


def bump() -> None:
    """Give the catalogue a new version, so every process renders its fragments again."""
    try:
        cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)
    except Exception:  # the catalogue edit itself has been saved: it must not fail for the cache
        logger.error("Shared cache unreachable: the catalogue's version could not be changed", exc_info=True)
        clear()


def _request_version(request) -> str:
    """Read the version once per request, before anything of the page is rendered."""
    if not hasattr(request, "_catalogue_version"):
        request._catalogue_version = version()
    return request._catalogue_version


def fragment(request, name: str, key: tuple, render: Callable[[], Any]) -> Any:
    """Return the fragment `name` for `key` in the current language, rendering it when it is stale.

    A fragment is HTML, or a catalogue row the page reads (the guide's item): anything built from the
    watched models alone. A signed-in person's pages are rendered afresh and never stored.
    """
    if request.user.is_authenticated:
        return render()
    current = _request_version(request)
    if current is None:
        return render()
    full_key = (name, get_language(), *key)
    with _lock:
        held = _fragments.get(full_key)
        if held is not None and held[0] == current:
            _fragments.move_to_end(full_key)
            return held[1]
    html = render()
    with _lock:
        _fragments[full_key] = (current, html)
        _fragments.move_to_end(full_key)
        while len(_fragments) > MAX_ENTRIES:
            _fragments.popitem(last=False)
    return html


def clear() -> None:
    """Forget every fragment this process holds (tests start from an empty cache)."""
    with _lock:
        _fragments.clear()


def _changed(sender, **kwargs) -> None:
    bump()
    transaction.on_commit(bump, using=kwargs.get("using"))


def _m2m_changed(sender, action, **kwargs) -> None:
    if action.startswith("post_"):
        _changed(sender, **kwargs)


def watch(*models) -> None:
    """Bump the version whenever a row of these models (or of their many-to-many tables) changes."""
    for model in models:
        uid = f"portal.page_cache:{model._meta.label}"
        post_save.connect(_changed, sender=model, dispatch_uid=uid)
        post_delete.connect(_changed, sender=model, dispatch_uid=uid)
        for field in model._meta.local_many_to_many:
            m2m_changed.connect(_m2m_changed, sender=field.remote_field.through, dispatch_uid=f"{uid}:{field.name}")
