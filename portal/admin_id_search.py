"""Find a person's records in an admin list by ID number without the number entering a URL.

The list's "find by ID number" form POSTs the number; the server keeps it in the session
under a random token and redirects to the list with ``?id_search=<token>``. The token, not
the number, is what access logs, browser history and Referer headers see; in another
session it finds nothing. The match is exact (``portal.personal_data.exact_q``), never a prefix.
"""

import secrets

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .masking import mask_email, mask_id_number, mask_mobile
from .personal_data import exact_q

SESSION_KEY = "admin_id_search"
PARAMETER = "id_search"
KEPT = 20  # searches remembered per session; older tokens lapse


class IdSearchForm(forms.Form):
    value = forms.CharField(label=_("ID number"), max_length=254, strip=True)

    def clean_value(self):
        value = self.cleaned_data["value"]
        if len("".join(value.split())) < 6:
            raise forms.ValidationError(_("Enter the whole number: a search matches whole numbers only."))
        return value


def remember(request, model, value: str) -> str:
    """Keep ``value`` in the session for ``model``'s list and return the token naming it."""
    searches = dict(request.session.get(SESSION_KEY, {}))
    token = secrets.token_urlsafe(12)
    searches[token] = {"model": model._meta.label_lower, "value": value}
    request.session[SESSION_KEY] = dict(list(searches.items())[-KEPT:])
    return token


def recall(request, model, token: str) -> str | None:
    """Return the value this session searched under ``token`` for ``model``'s list, or None."""
    entry = request.session.get(SESSION_KEY, {}).get(token)
    if not entry or entry.get("model") != model._meta.label_lower:
        return None
    return entry["value"]


def _masked(value: str) -> str:
    if "@" in value:
        return mask_email(value)
    if value.isdigit() and len(value) == 11:
        return mask_mobile(value)
    return mask_id_number(value)


def match(field: str, value: str) -> Q:
    """Return the exact-match condition of one searched field (e-mail addresses ignore case)."""
    if field == "email" or field.endswith("__email"):
        return Q(**{f"{field}__iexact": value.strip()})
    return exact_q(field, value)


class IdSearchFilter(admin.SimpleListFilter):
    """The list narrowed to the number searched with the form; shown only while a search is on."""

    title = _("searched number")
    parameter_name = PARAMETER

    def __init__(self, request, params, model, model_admin):
        self.model_admin = model_admin
        super().__init__(request, params, model, model_admin)

    def lookups(self, request, model_admin):
        token = self.value()
        if not token:
            return []
        value = recall(request, model_admin.model, token)
        return [(token, _masked(value) if value else gettext("search expired"))]

    def queryset(self, request, queryset):
        token = self.value()
        if not token:
            return queryset
        value = recall(request, self.model_admin.model, token)
        if value is None:
            return queryset.none()
        condition = Q()
        for field in self.model_admin.id_search_fields:
            condition |= match(field, value)
        return queryset.filter(condition)


class IdSearchMixin:
    """Give a model admin's list a "find by ID number" form that POSTs (see the module's text).

    Set ``id_search_fields`` (exact matches, OR-ed) and ``id_search_label``. An admin that
    overrides ``get_list_filter`` adds :class:`IdSearchFilter` itself.
    """

    id_search_fields: tuple[str, ...] = ()
    id_search_label = _("ID number")

    def get_urls(self):
        meta = self.model._meta
        return [
            path(
                "find/",
                self.admin_site.admin_view(self.id_search_view),
                name=f"{meta.app_label}_{meta.model_name}_id_search",
            ),
            *super().get_urls(),
        ]

    def get_list_filter(self, request):
        return [*super().get_list_filter(request), IdSearchFilter]

    def id_search_view(self, request):
        """Remember the number POSTed and redirect to the list filtered by its token."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        meta = self.model._meta
        changelist = reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
        form = IdSearchForm(request.POST)
        if not form.is_valid():
            for error in form.errors.get("value", []):
                self.message_user(request, error, messages.ERROR)
            return redirect(changelist)
        token = remember(request, self.model, form.cleaned_data["value"])
        return redirect(f"{changelist}?{PARAMETER}={token}")

    def changelist_view(self, request, extra_context=None):
        meta = self.model._meta
        extra_context = {
            **(extra_context or {}),
            "id_search_url": reverse(f"admin:{meta.app_label}_{meta.model_name}_id_search"),
            "id_search_label": self.id_search_label,
        }
        return super().changelist_view(request, extra_context)
