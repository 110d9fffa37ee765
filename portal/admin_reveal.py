"""Personal data masked on the admin's read-only pages, shown in full only on request, with a reason, logged.

A model admin lists its personal fields in ``reveal_fields`` ({field: mask function}). On a
page where those fields are read-only (a view-only user, or a read-only admin) they show
masked, with a "show" link. The link opens a form asking the reason; its POST records a
``personal_data_shown`` audit row (who, which record, field and reason) and answers the
full value once, in a page that is not cached. Nothing personal travels in a URL.
"""

from collections.abc import Callable

from django import forms
from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.cache import add_never_cache_headers
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from . import audit
from .audit.models import AuditEvent

MIN_REASON = 4


class RevealForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for showing the full value"),
        min_length=MIN_REASON,
        max_length=300,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=_("Recorded in the audit trail with your name, the record and the time."),
        error_messages={
            "required": _("State the reason; it is recorded."),
            "min_length": _("State the reason in at least %(limit_value)d characters."),
        },
    )


def masked_name(field: str) -> str:
    """Return the name of the read-only stand-in showing ``field`` masked."""
    return f"{field}_masked"


class RevealMixin:
    """Show ``reveal_fields`` masked where they are read-only, with a logged "show" (see the module's text).

    An admin with its own ``get_fieldsets`` that does not call ``super()`` names the stand-ins
    itself, or renders :meth:`masked_with_show` from its own display methods.
    """

    reveal_fields: dict[str, Callable[[str], str]] = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.reveal_fields:
            setattr(self, masked_name(field), self._stand_in(field))

    def _stand_in(self, field):
        def display(obj):
            return self.masked_with_show(obj, field)

        display.short_description = self.model._meta.get_field(field).verbose_name
        return display

    def _reveal_url_name(self) -> str:
        meta = self.model._meta
        return f"{meta.app_label}_{meta.model_name}_show"

    def masked_with_show(self, obj, field: str):
        """Return the field's value masked, with a link to show it in full."""
        value = getattr(obj, field)
        if not value:
            return self.get_empty_value_display()
        url = reverse(f"admin:{self._reveal_url_name()}", args=[quote(obj.pk), field])
        return format_html(
            '{} <a class="ow-show" href="{}">{}</a>', self.reveal_fields[field](value), url, gettext("show")
        )

    def get_urls(self):
        return [
            path(
                "<path:object_id>/show/<str:field>/",
                self.admin_site.admin_view(self.reveal_view),
                name=self._reveal_url_name(),
            ),
            *super().get_urls(),
        ]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:
            return fieldsets
        all_read_only = not self.has_change_permission(request, obj)
        read_only = set(self.get_readonly_fields(request, obj))

        def swap(name):
            if isinstance(name, (list, tuple)):
                return type(name)(swap(inner) for inner in name)
            if name in self.reveal_fields and (all_read_only or name in read_only):
                return masked_name(name)
            return name

        return [
            (title, {**options, "fields": [swap(name) for name in options["fields"]]}) for title, options in fieldsets
        ]

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), *(masked_name(field) for field in self.reveal_fields)]

    def revealed(self, request, obj, field: str) -> str | None:
        """Called once a value was shown with its reason; an admin may unlock more. Returns a note to show."""
        return None

    def reveal_view(self, request, object_id, field):
        """Ask the reason (GET), then record it and show the full value once (POST)."""
        if field not in self.reveal_fields:
            raise Http404
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        form = RevealForm(request.POST if request.method == "POST" else None)
        value = None
        if form.is_bound and form.is_valid():
            reason = form.cleaned_data["reason"]
            audit.record(
                AuditEvent.Action.PERSONAL_DATA_SHOWN, request=request, target=obj, detail=f"{field}: {reason}"
            )
            value = getattr(obj, field)
            note = self.revealed(request, obj, field)
        else:
            note = None
        meta = self.model._meta
        context = {
            **self.admin_site.each_context(request),
            "opts": meta,
            "title": gettext("Show %(field)s") % {"field": meta.get_field(field).verbose_name},
            "object": obj,
            "change_url": reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[quote(obj.pk)]),
            "field_label": meta.get_field(field).verbose_name,
            "masked": self.reveal_fields[field](getattr(obj, field)),
            "form": form,
            "value": value,
            "note": note,
        }
        response = TemplateResponse(request, "admin/reveal.html", context)
        add_never_cache_headers(response)
        return response
