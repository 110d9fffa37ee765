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

Other apps' sections of a page (the guide's questions and answers, its booking card) are held the same
way under versions of their own (``watch(*models, version=name)``), and a fragment may depend on several
versions: it is served only while every one of them is unchanged. A request reads all the versions it
needs in one round trip to the shared cache.

Bulk writes (``QuerySet.update()``, ``bulk_create()``) send no signals: code that changes the catalogue
that way calls ``bump()`` itself.

When the shared cache cannot be reached, the pages are rendered whole (nothing is read or stored) and the
process forgets what it holds, so nothing from before the outage is served once the cache answers again;
a catalogue edit still saves, and its failed bump is logged as an error.
"""

import functools
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
CATALOGUE = "catalogue"
MAX_ENTRIES = 2000

_fragments: OrderedDict[tuple, tuple[str, Any]] = OrderedDict()
_lock = threading.Lock()


def version_key(name: str) -> str:
    """Return the shared cache's key of the version `name` (pages read it together with keys of their own)."""
    return VERSION_KEY if name == CATALOGUE else f"portal:version:{name}"


def versions(*names: str) -> dict[str, str] | None:
    """Return the current versions of these names from the shared cache (one round trip), setting missing ones.

    None when the shared cache cannot be reached: the page is then rendered without fragments.
    """
    keys = {version_key(name): name for name in names}
    try:
        found = cache.get_many(keys)
        for key in keys.keys() - found.keys():
            cache.add(key, uuid.uuid4().hex, timeout=None)
            found[key] = cache.get(key)
    except Exception:  # Redis down or unreachable: the page must still be served
        logger.warning("Shared cache unreachable: public pages are rendered without their fragments", exc_info=True)
        clear()
        return None
    return {name: found[key] for key, name in keys.items()}


def version(name: str = CATALOGUE) -> str | None:
    """Return the current version of `name` (the catalogue unless told) from the shared cache, or None."""
    found = versions(name)
    return None if found is None else found[name]


def bump(name: str = CATALOGUE) -> None:
    """Give `name` (the catalogue unless told) a new version, so every process renders its fragments again."""
    try:
        cache.set(version_key(name), uuid.uuid4().hex, timeout=None)
    except Exception:  # the edit itself has been saved: it must not fail for the cache
        logger.error("Shared cache unreachable: the version of %s could not be changed", name, exc_info=True)
        clear()


def read_versions(request, *names: str) -> None:
    """Read, in one round trip, the versions a page will need, before anything of it is rendered."""
    held = request.__dict__.setdefault("_page_versions", {})
    if held is None:  # the shared cache did not answer this request: it is rendered whole
        return
    missing = [name for name in (CATALOGUE, *names) if name not in held]
    if missing:
        found = versions(*missing)
        if found is None:
            request._page_versions = None
            return
        held.update(found)


def _request_versions(request, names: tuple[str, ...]) -> tuple[str, ...] | None:
    """Return the versions of `names` as this request read them (once per request), or None if unreachable."""
    read_versions(request, *names)
    held = request._page_versions
    return None if held is None else tuple(held[name] for name in (CATALOGUE, *names))


def fragment(request, name: str, key: tuple, render: Callable[[], Any], depends_on: tuple[str, ...] = ()) -> Any:
    """Return the fragment `name` for `key` in the current language, rendering it when it is stale.

    A fragment is HTML, or a catalogue row the page reads (the guide's item): anything built from the
    watched models alone. It is stale when the catalogue's version, or one of `depends_on`, changed since
    it was rendered. A signed-in person's pages are rendered afresh and never stored.
    """
    if request.user.is_authenticated:
        return render()
    current = _request_versions(request, depends_on)
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


def _bumper(name: str) -> Callable:
    """Return a receiver bumping `name` at once, and again when the transaction commits."""

    def changed(sender, **kwargs) -> None:
        bump(name)
        transaction.on_commit(functools.partial(bump, name), using=kwargs.get("using"))

    def m2m_changed_(sender, action, **kwargs) -> None:
        if action.startswith("post_"):
            changed(sender, **kwargs)

    return changed, m2m_changed_


_receivers: dict[str, tuple[Callable, Callable]] = {}


def watch(*models, version: str = CATALOGUE) -> None:
    """Bump `version` (the catalogue unless told) when a row of these models or their many-to-many tables changes."""
    changed, m2m_changed_ = _receivers.setdefault(version, _bumper(version))
    for model in models:
        uid = f"portal.page_cache:{version}:{model._meta.label}"
        post_save.connect(changed, sender=model, dispatch_uid=uid)
        post_delete.connect(changed, sender=model, dispatch_uid=uid)
        for field in model._meta.local_many_to_many:
            m2m_changed.connect(m2m_changed_, sender=field.remote_field.through, dispatch_uid=f"{uid}:{field.name}")
