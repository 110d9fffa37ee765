"""The applications' admin: the clerk's intake queue and the reviewer's queue, one admin for every role.

The extra pages are mixins, one file each: staff actions, walk-in filing, supervision and
batch approval.
"""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import F
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from portal.admin import ReadOnlyAdmin
from portal.clock import deadlines
from portal.masking import mask_id_number

from .. import schema, selectors
from ..material_sources import provided_materials
from ..models import Application, State
from ..selectors import staff_actions_for
from .batch import BatchApproveMixin
from .staff_actions import StaffActionMixin
from .supervision import SupervisionMixin
from .walk_in import WalkInMixin


class StateFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [(value, label) for value, label in State.choices if value != State.DRAFT]

    def queryset(self, request, queryset):
        return queryset.filter(state=self.value()) if self.value() else queryset


@admin.register(Application)
class ApplicationAdmin(
    StaffActionMixin, WalkInMixin, SupervisionMixin, BatchApproveMixin, ReadOnlyAdmin, admin.ModelAdmin
):
    """One admin for every role; what a user sees is decided by selectors.applications_for_staff."""

    list_display = [
        "reference",
        "item_name",
        "applicant_name",
        "department",
        "state_badge",
        "channel",
        "submitted_at",
        "waited",
        "due",
        "handler",
    ]
    list_select_related = ["item", "department", "handler"]
    list_filter = [StateFilter, "channel"]
    search_fields = ["reference", "applicant_name", "=applicant_id_number", "item__name"]
    list_per_page = 50
    actions = ["batch_claim", "batch_approve"]
    fieldsets = [
        (None, {"fields": ["reference", "item", "department", "channel", "state", "handler"]}),
        (
            _("Time limits"),
            {"fields": ["due_level", "intake_due_at", "promised_due_at", "statutory_due_at", "auto_accepted"]},
        ),
        (_("Applicant"), {"fields": ["applicant_name", "identity", "contact_name", "masked_contact_phone"]}),
        (
            _("Receiving the result"),
            {"fields": ["delivery_method", "delivery_address", "agent_name", "agent_identity"]},
        ),
        (
            _("Dates and decision"),
            {
                "fields": [
                    "submitted_at",
                    "accepted_at",
                    "decided_at",
                    "decision_reason",
                    "extension_days",
                    "extension_reason",
                    "extension_approved_by",
                    "flagged_for_supervision",
                ]
            },
        ),
    ]
    readonly_fields = [name for _title, options in fieldsets for name in options["fields"]]

    # Scope: every list, search, filter, count and URL goes through this queryset.
    def get_queryset(self, request):
        return selectors.applications_for_staff(request.user)

    def get_list_filter(self, request):
        if request.user.has_perm("approvals.intake_application") or request.user.has_perm(
            "approvals.approve_second_correction"
        ):
            return [StateFilter, "channel", "department"]
        return [StateFilter, "channel"]

    def get_ordering(self, request):
        if request.user.has_perm("approvals.intake_application"):
            return ["submitted_at", "id"]  # the clerk's queue: oldest first
        # The reviewer's queue: the nearest deadline first; cases without a running clock last.
        return [F("current_due_at").asc(nulls_last=True), "submitted_at", "id"]

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not request.user.has_perm("approvals.review_application"):
            actions.pop("batch_approve", None)
            actions.pop("batch_claim", None)
        return actions

    @admin.display(description=_("item"), ordering="item__name")
    def item_name(self, obj):
        return obj.item.name

    @admin.display(description=_("state"), ordering="state")
    def state_badge(self, obj):
        return format_html('<span class="ow-state ow-state-{}">{}</span>', obj.state, obj.get_state_display())

    @admin.display(description=_("due"), ordering="current_due_at")
    def due(self, obj):
        if obj.current_due_at is None:
            return "—"
        return format_html(
            '<span class="ow-sla ow-sla-{}">{}</span>', obj.due_level, deadlines.day_of(obj.current_due_at).isoformat()
        )

    @admin.display(description=_("working days waited"))
    def waited(self, obj):
        if obj.state not in (State.SUBMITTED, State.ACCEPTED):
            return "—"
        return selectors.working_days_waited(obj)

    @admin.display(description=_("ID number or credit code"))
    def identity(self, obj):
        return obj.masked_id_number

    @admin.display(description=_("agent's ID number"))
    def agent_identity(self, obj):
        return mask_id_number(obj.agent_id_number)

    @admin.display(description=_("contact phone"))
    def masked_contact_phone(self, obj):
        return obj.masked_contact_phone

    def get_list_display(self, request):
        if request.user.has_perm("approvals.intake_application") or request.user.has_perm(
            "approvals.approve_second_correction"
        ):
            return self.list_display
        # A reviewer's list holds their own department only.
        return [name for name in self.list_display if name not in ("department", "channel")]

    # --- extra pages -----------------------------------------------------------------------

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("walk-in/", view(self.walk_in_view), name="approvals_application_walk_in"),
            path("supervision/", view(self.supervision_view), name="approvals_application_supervision"),
            path("<int:pk>/fill/", view(self.walk_in_fill_view), name="approvals_application_fill"),
            path("<int:pk>/act/<str:action>/", view(self.action_view), name="approvals_application_act"),
            path(
                "<int:pk>/material/<int:file_pk>/",
                view(self.material_view),
                name="approvals_application_material",
            ),
            *super().get_urls(),
        ]

    def _get_visible(self, request, pk) -> Application:
        if not self.has_view_permission(request):
            raise PermissionDenied
        return get_object_or_404(self.get_queryset(request), pk=pk)

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "can_file_walk_in": request.user.has_perm("approvals.intake_application"),
            "can_supervise": request.user.has_perm("approvals.approve_second_correction"),
        }
        return super().changelist_view(request, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        application = self._get_visible(request, object_id)
        fields = [
            (f["label"], schema.display_value(f, application.form_data.get(f["key"], "")))
            for f in application.item.extra_fields
        ]
        extra_context = {
            **(extra_context or {}),
            "application": application,
            "extra_fields": fields,
            "files": application.files.select_related("material"),
            "provided": self._provided(application),
            "notices": application.correction_notices.prefetch_related("items__material"),
            "pauses": application.pauses.all(),
            "log": selectors.staff_log(application),
            "staff_actions": [(step.name, step.label) for step in staff_actions_for(application, request.user)],
            "show_full_identity": request.user.has_perm("approvals.intake_application"),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    @staticmethod
    def _provided(application):
        names = {m.pk: m.name for m in application.item.materials.all()}
        return [(names.get(pk, ""), source) for pk, source in provided_materials(application).items()]

    def material_view(self, request, pk, file_pk):
        """Stream an uploaded material to staff who may see the application."""
        application = self._get_visible(request, pk)
        record = get_object_or_404(application.files, pk=file_pk)
        try:
            handle = record.file.open("rb")
        except FileNotFoundError:
            raise Http404("File missing from storage") from None
        response = FileResponse(handle, filename=record.original_name, content_type=record.content_type)
        response["X-Content-Type-Options"] = "nosniff"
        response["Content-Security-Policy"] = "sandbox"
        response["Cache-Control"] = "private, no-store"
        return response
