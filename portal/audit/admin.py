"""The audit trail in the admin: read by the audit administrator, changed by nobody.

Also re-registers django-axes' login logs read-only (AXES_ENABLE_ADMIN is off): its own
admin let anyone with the delete permission, a superuser included, erase login records.
"""

import csv

from axes.admin import AccessAttemptAdmin, AccessFailureLogAdmin, AccessLogAdmin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect, StreamingHttpResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..admin import ReadOnlyAdmin
from .models import AuditEvent
from .recording import record


class _Echo:
    """A file-like object whose write returns the line, for csv.writer inside a streaming response."""

    def write(self, value):
        return value


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = [
        "created_at",
        "actor_username",
        "actor_roles",
        "action",
        "outcome",
        "record",
        "summary",
        "ip_address",
    ]
    list_filter = ["action", "outcome", "created_at"]
    search_fields = ["actor_username", "target_repr", "=target_id"]
    date_hierarchy = "created_at"
    list_per_page = 100

    @admin.display(description=gettext_lazy("record"), ordering="target_repr")
    def record(self, obj):
        if not obj.target_type:
            return ""
        return f"{obj.target_repr} ({obj.target_type} #{obj.target_id})"

    @admin.display(description=gettext_lazy("detail"))
    def summary(self, obj):
        """The detail's first line, cut short: the full text is on the record's page and in the export."""
        line = obj.detail.splitlines()[0] if obj.detail else ""
        return line if len(line) <= 80 else f"{line[:79]}…"

    def get_urls(self):
        export = path("export/", self.admin_site.admin_view(self.export_view), name="portal_auditevent_export")
        return [export, *super().get_urls()]

    def export_view(self, request):
        """Stream the filtered rows of the list as CSV; the export is itself an audit row."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        try:
            changelist = self.get_changelist_instance(request)
        except IncorrectLookupParameters:
            return HttpResponseRedirect(reverse("admin:portal_auditevent_changelist") + "?e=1")
        rows = changelist.queryset
        query = request.GET.urlencode()
        record(AuditEvent.Action.EXPORT, request=request, detail=f"CSV {AuditEvent._meta.label}?{query}"[:2000])
        response = StreamingHttpResponse(self._csv_lines(rows), content_type="text/csv; charset=utf-8")
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
        response["Content-Disposition"] = f'attachment; filename="audit-{stamp}.csv"'
        response["Cache-Control"] = "private, no-store"
        return response

    @staticmethod
    def _csv_lines(rows):
        writer = csv.writer(_Echo())
        # The byte-order mark lets spreadsheet programs read the Chinese text as UTF-8.
        yield "\ufeff"
        yield writer.writerow(
            [
                _("time"),
                _("actor"),
                _("actor's roles"),
                _("action"),
                _("outcome"),
                _("record type"),
                _("record id"),
                _("record"),
                _("detail"),
                _("IP address"),
                _("path"),
            ]
        )
        for row in rows.iterator(chunk_size=2000):
            yield writer.writerow(
                [
                    timezone.localtime(row.created_at).isoformat(timespec="seconds"),
                    _spreadsheet_safe(row.actor_username),
                    row.actor_roles,
                    row.get_action_display(),
                    row.get_outcome_display(),
                    row.target_type,
                    _spreadsheet_safe(row.target_id),
                    _spreadsheet_safe(row.target_repr),
                    _spreadsheet_safe(row.detail),
                    row.ip_address or "",
                    _spreadsheet_safe(row.path),
                ]
            )


def _spreadsheet_safe(value: str) -> str:
    """Quote a cell a spreadsheet would run as a formula (a username such as "=HYPERLINK(...)")."""
    return f"'{value}" if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


@admin.register(AccessAttempt)
class ReadOnlyAccessAttemptAdmin(ReadOnlyAdmin, AccessAttemptAdmin):
    """Current failure counts; a lock-out ends after AXES_COOLOFF_MINUTES or by `manage.py axes_reset_username`."""

    # axes' "clean up expired attempts" action deletes rows.
    actions = None


@admin.register(AccessLog)
class ReadOnlyAccessLogAdmin(ReadOnlyAdmin, AccessLogAdmin):
    pass


@admin.register(AccessFailureLog)
class ReadOnlyAccessFailureLogAdmin(ReadOnlyAdmin, AccessFailureLogAdmin):
    pass
