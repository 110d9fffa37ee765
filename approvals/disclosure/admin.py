"""Published decisions in the admin: read-only, for supervisors (the view permission), withheld ones marked."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from portal.admin import ReadOnlyAdmin

from .models import PublishedDecision


@admin.register(PublishedDecision)
class PublishedDecisionAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = [
        "decided_at",
        "decision",
        "publication",
        "holder_name",
        "credit_code",
        "certificate_number",
        "certificate_status",
        "item",
        "department",
        "publish_due_at",
    ]
    list_filter = ["state", "decision", "withheld_reason", "due_level", "department"]
    list_select_related = ["item", "department"]
    search_fields = ["=credit_code", "=certificate_number", "holder_name"]
    exclude = ["application"]

    @admin.display(description=_("publication"), ordering="state")
    def publication(self, record: PublishedDecision) -> str:
        """Return the state as supervisors read it: withheld with its reason, pending with why."""
        if record.state == PublishedDecision.State.WITHHELD:
            return _("Withheld (%(reason)s)") % {"reason": record.get_withheld_reason_display()}
        if record.state == PublishedDecision.State.PENDING:
            return _("Awaiting publication: %(problem)s") % {"problem": record.problem}
        return record.get_state_display()
