"""The applications' admin: the clerk's intake queue and the reviewer's queue, one admin for every role.

The extra pages are mixins, one file each: staff actions, walk-in filing and batch approval.
(The supervision dashboard is oversight's: oversight/supervision/.)
"""

import functools
from html import escape

from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.views.main import SEARCH_VAR, ChangeList
from django.core.exceptions import PermissionDenied
from django.db.models import F
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from portal import audit
from portal.admin import ReadOnlyAdmin
from portal.admin_id_search import PARAMETER as ID_SEARCH_PARAMETER
from portal.admin_id_search import IdSearchFilter, IdSearchMixin
from portal.admin_reveal import RevealMixin
from portal.clock import deadlines
from portal.masking import mask_id_number, mask_mobile
from portal.models import AuditEvent

from .. import schema, selectors
from ..material_sources import provided_materials
from ..models import Application, State
from ..selectors import staff_actions_for
from .batch import BatchApproveMixin
from .staff_actions import StaffActionMixin
from .walk_in import WalkInMixin


# The list's cells are built with the standard library's escape and one f-string, not format_html:
# 500 cells a page, and format_html's lazy-string checks were most of a cell's cost (profiled).
def _ellipsis(text: str, *, title: str = "", short: bool = False):
    """Return text cut to the column's width with an ellipsis, the full text in its title."""
    css = "ow-ellipsis ow-ellipsis-short" if short else "ow-ellipsis"
    return mark_safe(f'<span class="{css}" title="{escape(title or text)}">{escape(text)}</span>')  # noqa: S308


@functools.cache
def _state_badge(state: str, language: str):
    return mark_safe(  # noqa: S308 - escaped
        f'<span class="ow-state ow-state-{escape(state)}">{escape(str(State(state).label))}</span>'
    )


# What the list never shows: the encrypted identifiers (a decryption per row and field), the form
# data and the long texts. The change page, actions and exports read their own querysets.
LIST_DEFERRED = [
    "form_data",
    "applicant_id_number",
    "contact_phone",
    "delivery_phone",
    "agent_id_number",
    "delivery_address",
    "decision_reason",
    "decision_remedy",
    "extension_reason",
]


class ApplicationChangeList(ChangeList):
    """The list's rows with the relations it shows only (no applicant account) and no deferred columns."""

    def get_queryset(self, request, exclude_parameters=None):
        queryset = super().get_queryset(request, exclude_parameters)
        return queryset.select_related(None).select_related(*self.list_select_related).defer(*LIST_DEFERRED)


def _may_view(user, model) -> bool:
    meta = model._meta
    return user.has_perm(f"{meta.app_label}.view_{meta.model_name}")


class StateFilter(admin.SimpleListFilter):
    """Filter by state; the window clerk's list opens on the submissions waiting for intake.

    The default holds only when nothing else narrows the list (no state, queue or search):
    "All" is then an explicit choice (state=all), so every state is still one click away.
    """

    title = _("state")
    parameter_name = "state"
    ALL = "all"

    def __init__(self, request, params, model, model_admin):
        super().__init__(request, params, model, model_admin)
        if self.parameter_name not in self.used_parameters and self._opens_on_intake(request):
            self.used_parameters[self.parameter_name] = State.SUBMITTED.value

    @staticmethod
    def _opens_on_intake(request) -> bool:
        if not request.user.has_perm("approvals.intake_application"):
            return False
        return not any(key in request.GET for key in (QueueFilter.parameter_name, SEARCH_VAR, ID_SEARCH_PARAMETER))

    def lookups(self, request, model_admin):
        return [(value, label) for value, label in State.choices if value != State.DRAFT]

    def queryset(self, request, queryset):
        if self.value() in (None, self.ALL):
            return queryset
        return queryset.filter(state=self.value())

    def choices(self, changelist):
        choices = list(super().choices(changelist))
        choices[0]["selected"] = self.value() in (None, self.ALL)
        choices[0]["query_string"] = changelist.get_query_string({self.parameter_name: self.ALL})
        return choices


class QueueFilter(admin.SimpleListFilter):
    """The work queues of the user's role (selectors.WORK_QUEUES), as on the admin's home page."""

    title = _("work queue")
    parameter_name = "queue"

    def lookups(self, request, model_admin):
        return [(queue.name, queue.label) for queue in selectors.work_queues_for(request.user)]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        return selectors.work_queue(request.user, self.value(), queryset)


class DropdownRelatedFilter(admin.RelatedFieldListFilter):
    """A related-field filter as a drop-down: 22 departments would push the list's columns out of view."""

    template = "admin/dropdown_filter.html"


@admin.register(Application)
class ApplicationAdmin(
    IdSearchMixin,
    RevealMixin,
    StaffActionMixin,
    WalkInMixin,
    BatchApproveMixin,
    ReadOnlyAdmin,
    admin.ModelAdmin,
):
    """One admin for every role; what a user sees is decided by selectors.applications_for_staff."""

    list_display = [
        "reference",
        "item_name",
        "applicant_short",
        "department_name",
        "state_badge",
        "channel",
        "submitted",
        "waited",
        "due",
        "handler_name",
    ]
    list_select_related = ["item", "department", "handler"]
    list_filter = [StateFilter, QueueFilter, "channel"]
    # No ID number here: a search is a GET, in every access log; "find by ID number" POSTs it.
    search_fields = ["reference", "applicant_name", "item__name"]
    id_search_fields = ("applicant_id_number",)
    id_search_label = _("ID number or credit code")
    reveal_fields = {
        "applicant_id_number": mask_id_number,
        "contact_phone": mask_mobile,
        "agent_id_number": mask_id_number,
    }
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
            return [StateFilter, QueueFilter, "channel", ("department", DropdownRelatedFilter), IdSearchFilter]
        return [StateFilter, QueueFilter, "channel", IdSearchFilter]

    def get_changelist(self, request, **kwargs):
        return ApplicationChangeList

    def action_checkbox(self, obj):
        """Return Django's action checkbox without rendering a form widget's template for every row."""
        label = escape(gettext("Select this object for an action - {}").format(obj))
        return mark_safe(  # noqa: S308 - escaped
            f'<input type="checkbox" name="{ACTION_CHECKBOX_NAME}" value="{obj.pk}" class="action-select" '
            f'aria-label="{label}">'
        )

    def get_ordering(self, request):
        # Every queue: the nearest deadline first (for the clerk, intake due today and overdue
        # on top); cases without a running clock last, oldest first.
        return [F("current_due_at").asc(nulls_last=True), "submitted_at", "id"]

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not request.user.has_perm("approvals.review_application"):
            actions.pop("batch_approve", None)
            actions.pop("batch_claim", None)
        return actions

    @admin.display(description=_("item"), ordering="item__name")
    def item_name(self, obj):
        return _ellipsis(obj.item.name)

    @admin.display(description=_("applicant name"), ordering="applicant_name")
    def applicant_short(self, obj):
        return _ellipsis(obj.applicant_name, short=True)

    @admin.display(description=_("department"), ordering="department__sort_order")
    def department_name(self, obj):
        return _ellipsis(obj.department.short_name or obj.department.name, title=obj.department.name, short=True)

    @admin.display(description=_("submitted"), ordering="submitted_at")
    def submitted(self, obj):
        if not obj.submitted_at:
            return "—"
        moment = timezone.localtime(obj.submitted_at)
        # Numeric formats, the same in every language: strftime, not date_format's per-letter formatter.
        return mark_safe(f'<span title="{moment:%Y-%m-%d %H:%M}">{moment:%Y-%m-%d}</span>')  # noqa: S308

    @admin.display(description=_("handler"), ordering="handler__real_name")
    def handler_name(self, obj):
        return _ellipsis(obj.handler.display_name or obj.handler.username, short=True) if obj.handler else "—"

    # Plain-text stand-ins for the change page's relations, for users who may not open the target.
    @admin.display(description=_("item"))
    def item_text(self, obj):
        return obj.item.name

    @admin.display(description=_("department"))
    def department_text(self, obj):
        return obj.department.name

    @admin.display(description=_("handler"))
    def handler_text(self, obj):
        return (obj.handler.display_name or obj.handler.username) if obj.handler else "—"

    TEXT_FOR = {"item": "item_text", "department": "department_text", "handler": "handler_text"}

    def get_fieldsets(self, request, obj=None):
        """Show a relation as text when the user may not open its page (a link would answer 403)."""
        hidden = {
            name: text
            for name, text in self.TEXT_FOR.items()
            if not _may_view(request.user, Application._meta.get_field(name).related_model)
        }
        return [
            (title, {**options, "fields": [hidden.get(name, name) for name in options["fields"]]})
            for title, options in self.fieldsets
        ]

    def get_readonly_fields(self, request, obj=None):
        return [*self.readonly_fields, *self.TEXT_FOR.values()]

    @admin.display(description=_("state"), ordering="state")
    def state_badge(self, obj):
        return _state_badge(obj.state, get_language())

    @admin.display(description=_("due"), ordering="current_due_at")
    def due(self, obj):
        if obj.current_due_at is None:
            return "—"
        day = deadlines.day_of(obj.current_due_at).isoformat()
        return mark_safe(f'<span class="ow-sla ow-sla-{escape(obj.due_level)}">{day}</span>')  # noqa: S308

    @admin.display(description=_("working days waited"))
    def waited(self, obj):
        if obj.state not in (State.SUBMITTED, State.ACCEPTED):
            return "—"
        return selectors.working_days_waited(obj)

    @admin.display(description=_("ID number or credit code"))
    def identity(self, obj):
        return self.masked_with_show(obj, "applicant_id_number")

    @admin.display(description=_("agent's ID number"))
    def agent_identity(self, obj):
        return self.masked_with_show(obj, "agent_id_number")

    @admin.display(description=_("contact phone"))
    def masked_contact_phone(self, obj):
        return self.masked_with_show(obj, "contact_phone")

    def get_list_display(self, request):
        if request.user.has_perm("approvals.intake_application") or request.user.has_perm(
            "approvals.approve_second_correction"
        ):
            return self.list_display
        # A reviewer's list holds their own department only.
        return [name for name in self.list_display if name not in ("department_name", "channel")]

    # --- extra pages -----------------------------------------------------------------------

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("walk-in/", view(self.walk_in_view), name="approvals_application_walk_in"),
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
        audit.record(
            AuditEvent.Action.DOCUMENT_VIEWED, request=request, target=application, detail=f"file {record.pk}: admin"
        )
        response = FileResponse(handle, filename=record.download_name, content_type=record.served_content_type)
        response["X-Content-Type-Options"] = "nosniff"
        response["Content-Security-Policy"] = "sandbox"
        response["Cache-Control"] = "private, no-store"
        return response
