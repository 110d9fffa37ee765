"""The reply limits: administrators set them, everyone with the role reads the three in force."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .. import clock
from ..models import ReplyKind, ReplyLimit


@admin.register(ReplyLimit)
class ReplyLimitAdmin(admin.ModelAdmin):
    list_display = ["kind", "amount", "updated_at"]
    fields = ["kind", "amount"]

    def get_readonly_fields(self, request, obj=None):
        return ["kind"] if obj is not None else []

    def changelist_view(self, request, extra_context=None):
        """Show every kind with the limit in force, the settings' default when no row sets it.

        A list of rows alone would show nothing until an administrator adds one, and the staff
        would not see which limits apply.
        """
        if not self.has_view_or_change_permission(request):
            return super().changelist_view(request, extra_context)
        rows = {row.kind: row for row in ReplyLimit.objects.all()}
        defaults = clock.defaults()
        kinds = [
            {
                "kind": kind,
                "label": label,
                "amount": rows[kind].amount if kind in rows else defaults[kind],
                "unit": _("working hours") if kind == ReplyKind.OUTSIDE_REMIT else _("working days"),
                "row": rows.get(kind),
                "default": defaults[kind],
            }
            for kind, label in ReplyKind.choices
        ]
        # Django's list stays below (the rows set here), with the table of what is in force on top.
        extra_context = {
            **(extra_context or {}),
            "kinds": kinds,
            "may_set": self.has_add_permission(request),
            "may_change": self.has_change_permission(request),
        }
        return super().changelist_view(request, extra_context)
