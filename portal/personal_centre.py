"""Sections of the personal centre (/me/), contributed by the apps.

The portal core may not import the apps that build on it, so each app registers its
section in its AppConfig.ready(): a template and a function of (request) returning its context.
"""

import contextlib
import functools
import logging
import uuid
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.core.paginator import Page, Paginator
from django.db import models, transaction
from django.db.models.signals import post_delete, post_save
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.translation import get_language

from . import page_cache
from .sections import Sections

logger = logging.getLogger(__name__)


class SectionPaginator(Paginator):
    """A paginator for a personal-centre section: its first page reads one row more and counts nothing
    else when the rows fit on it.

    Most people have fewer rows than one page holds, so the first page's own query tells how many there
    are and the COUNT query is left out; with more rows the first page is the rows already read, so a
    section never costs more queries than Django's paginator.
    """

    _first_rows: list | None = None

    def _read_first(self) -> list:
        if self._first_rows is None:
            self._first_rows = list(self.object_list[: self.per_page + 1])
        return self._first_rows

    @property
    def count(self) -> int:
        if "_count" not in self.__dict__:
            rows = self._read_first()
            self._count = len(rows) if len(rows) <= self.per_page else Paginator.count.func(self)
        return self._count

    def page(self, number) -> Page:
        number = self.validate_number(number)
        if number == 1:
            return self._get_page(self._read_first()[: self.per_page], number, self)
        return super().page(number)


_registry = Sections()
register = _registry.register
unregister = _registry.unregister
sections = _registry.sections
rendered = _registry.rendered


# --- the personal centre held per person ------------------------------------------------------
#
# The notifications and the sections are most of the page's cost: a dozen queries and as many
# templates. They are held in the shared cache, per person and language, under that person's
# version: any write to a row the page shows (an application, a certificate, a notification...)
# drops the version of the person it belongs to, at once and again when its transaction commits
# (as portal/page_cache.py does for the catalogue), so the next visit renders afresh. The models
# whose rows the page shows are registered with ``watch(model, owner=...)``; their managers use
# ``PersonalRowsQuerySet``, whose bulk writes (``update()``, ``bulk_create()``, ``bulk_update()``)
# drop the versions of the people whose rows they touch, since they send no signals.

PLACEHOLDER_CSRF = "ow-held-csrf-token-placeholder"
_owners: dict[type, str] = {}


def _version_key(user_id) -> str:
    return f"portal:me:version:{user_id}"


def held_key(user_id, language: str) -> str:
    """Return the shared cache's key of a person's held page in a language."""
    return f"portal:me:held:{user_id}:{language}"


def _drop(user_ids: list) -> None:
    try:
        cache.delete_many([_version_key(pk) for pk in user_ids])
    except Exception:  # the change itself has been saved: it must not fail for the cache
        logger.error("Shared cache unreachable: personal centres of %s not refreshed", user_ids, exc_info=True)


def bump(user_ids, *, using=None) -> None:
    """Make the personal centres of these people render afresh: at once, and again on commit."""
    ids = sorted({pk for pk in user_ids if pk is not None})
    if not ids or not holding():
        return
    _drop(ids)
    transaction.on_commit(functools.partial(_drop, ids), using=using)


def holding() -> bool:
    """Return whether personal centres are held (PERSONAL_CENTRE_HOLD_SECONDS > 0: a shared cache)."""
    return settings.PERSONAL_CENTRE_HOLD_SECONDS > 0


def _owner_of(instance, path: str):
    value = instance
    for name in path.split("__"):
        value = getattr(value, name, None)
        if value is None:
            return None
    return value


def _saved_or_deleted(sender, instance, using=None, **kwargs) -> None:
    bump([_owner_of(instance, _owners[sender])], using=using)


def watch(model, *, owner: str) -> None:
    """Drop the personal centre of a row's owner when it changes; `owner` is the path to the owner's id.

    `owner` is a field path as in a query ("applicant_id", "certificate__holder_id"). The model's
    manager must be built on PersonalRowsQuerySet, so its bulk writes drop the versions too.
    """
    if not issubclass(model._default_manager._queryset_class, PersonalRowsQuerySet):
        raise ImproperlyConfigured(f"{model._meta.label}'s manager must use personal_centre.PersonalRowsQuerySet.")
    _owners[model] = owner
    uid = f"portal.personal_centre:{model._meta.label}"
    post_save.connect(_saved_or_deleted, sender=model, dispatch_uid=uid)
    post_delete.connect(_saved_or_deleted, sender=model, dispatch_uid=uid)


class PersonalRowsQuerySet(models.QuerySet):
    """A queryset whose bulk writes drop the personal centres of the rows' owners (see ``watch()``)."""

    def _owner_ids(self) -> list:
        path = _owners.get(self.model)
        if path is None or not holding():
            return []
        return list(self.order_by().values_list(path, flat=True).distinct())

    def update(self, **kwargs):
        owners = self._owner_ids()
        rows = super().update(**kwargs)
        bump(owners, using=self.db)
        path = _owners.get(self.model)
        for name in {path, (path or "").removesuffix("_id")} & kwargs.keys():  # rows changed hands: the new owner's
            bump([getattr(kwargs[name], "pk", kwargs[name])], using=self.db)
        return rows

    update.alters_data = True

    def bulk_create(self, objs, *args, **kwargs):
        created = super().bulk_create(objs, *args, **kwargs)
        path = _owners.get(self.model)
        if path is not None:
            bump([_owner_of(obj, path) for obj in created], using=self.db)
        return created

    def bulk_update(self, objs, fields, *args, **kwargs):
        rows = super().bulk_update(objs, fields, *args, **kwargs)
        path = _owners.get(self.model)
        if path is not None:
            bump([_owner_of(obj, path) for obj in objs], using=self.db)
        return rows


def held(request, render: Callable[[], str]) -> str:
    """Return the person's notifications and sections as HTML: held, or rendered by `render()` and held.

    `render()` renders with PLACEHOLDER_CSRF as the CSRF token; the request's own token is put in
    its place here, so nothing held carries one. Rendered afresh (and not held) when holding is off,
    for any page but the first (a query string), or when the shared cache cannot be reached. What
    is held depends on the person's version, the catalogue's version (the names of items and
    departments) and today's date (due dates and "today"); all are read in one round trip.
    """
    token = str(get_token(request))
    if not holding() or request.GET:
        return str(render()).replace(PLACEHOLDER_CSRF, token)
    version_key, page_key = _version_key(request.user.pk), held_key(request.user.pk, get_language())
    catalogue_key = page_cache.version_key(page_cache.CATALOGUE)
    try:
        found = cache.get_many([version_key, page_key, catalogue_key])
        if catalogue_key not in found:
            cache.add(catalogue_key, uuid.uuid4().hex, timeout=None)
            found[catalogue_key] = cache.get(catalogue_key)
        if version_key not in found:
            # Outlives what it stamps, and then lapses: a version is kept only for people seen lately.
            cache.add(version_key, uuid.uuid4().hex, timeout=2 * settings.PERSONAL_CENTRE_HOLD_SECONDS)
            found[version_key] = cache.get(version_key)
    except Exception:  # Redis down or unreachable: the page must still be served
        logger.warning("Shared cache unreachable: the personal centre is rendered afresh", exc_info=True)
        return str(render()).replace(PLACEHOLDER_CSRF, token)
    stamp = (found[version_key], found[catalogue_key], timezone.localdate().isoformat())
    entry = found.get(page_key)
    if entry is not None and entry[0] == stamp:
        return entry[1].replace(PLACEHOLDER_CSRF, token)
    html = str(render())
    if None not in stamp:
        with contextlib.suppress(Exception):  # not held this time: the next visit renders it again
            cache.set(page_key, (stamp, html), timeout=settings.PERSONAL_CENTRE_HOLD_SECONDS)
    return html.replace(PLACEHOLDER_CSRF, token)
