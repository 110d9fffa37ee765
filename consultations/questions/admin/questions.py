"""The staff's question queue: one admin for every role, scoped by selectors.questions_for_staff.

Nobody adds, edits or deletes a question or a message here: each step is a page of its own
(actions.py) that calls its service; the add page is "record a phone or window question".
"""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from portal import audit, roles
from portal.admin import ReadOnlyAdmin
from portal.masking import mask_mobile
from portal.models import AuditEvent

from .. import selectors, services
from ..downloads import attachment_response
from ..models import Message, Question
from .actions import STEPS, QuestionActionMixin, steps_for
from .publish import PublishMixin
from .record import RecordMixin


def staff_label(user) -> str:
    """Return a member of staff as colleagues read them: staff number and name."""
    if user is None:
        return "—"
    return f"{services.staff_badge(user)} {user.display_name or user.username}"


class MineFilter(admin.SimpleListFilter):
    """The questions the user handles now or answers for as first responder."""

    title = _("mine")
    parameter_name = "mine"

    def lookups(self, request, model_admin):
        return [("handler", _("Handled by me")), ("first", _("I am first responder"))]

    def queryset(self, request, queryset):
        if self.value() == "handler":
            return queryset.filter(handler=request.user)
        if self.value() == "first":
            return queryset.filter(first_responder=request.user)
        return queryset


class DepartmentFilter(admin.RelatedFieldListFilter):
    """The queue's department as a drop-down (22 departments), the general window as "None"."""

    template = "admin/dropdown_filter.html"


@admin.register(Question)
class QuestionAdmin(RecordMixin, PublishMixin, QuestionActionMixin, ReadOnlyAdmin, admin.ModelAdmin):
    list_display = [
        "reference",
        "subject",
        "queue",
        "channel",
        "state",
        "due",
        "handler_label",
        "first_responder_label",
        "asker_name",
        "masked_mobile",
    ]
    list_display_links = ["reference", "subject"]
    list_select_related = ["item", "department", "handler", "first_responder"]
    search_fields = ["reference", "subject", "asker_name"]
    list_per_page = 50
    fieldsets = [
        (None, {"fields": ["reference", "subject", "body", "topic", "item_text", "department_text", "origin_text"]}),
        (
            _("Asker"),
            {"fields": ["asker_name", "masked_mobile", "channel", "recorded_by_label", "application_text"]},
        ),
        (
            _("Handling"),
            {
                "fields": [
                    "state",
                    "first_responder_label",
                    "handler_label",
                    "reply_kind",
                    "due",
                    "asked_at",
                    "claimed_at",
                    "answered_at",
                    "answered_on_time",
                    "forwarded_count",
                    "follow_up_until",
                ]
            },
        ),
    ]
    readonly_fields = [name for _title, options in fieldsets for name in options["fields"]]

    def get_queryset(self, request):
        return selectors.staff_queue_order(selectors.questions_for_staff(request.user), request.user)

    def get_ordering(self, request):
        # The selector's order (unclaimed first, then the user's own, each by due date), which
        # the changelist would otherwise replace by the model's newest-first.
        return list(self.get_queryset(request).query.order_by)

    def get_list_filter(self, request):
        filters = ["state", "due_level", "channel", MineFilter]
        if request.user.is_superuser or roles.SUPERVISOR in roles.user_roles(request.user):
            filters.append(("department", DepartmentFilter))
        return filters

    # --- columns -------------------------------------------------------------------------------

    @admin.display(description=_("item / department"))
    def queue(self, obj):
        department = obj.department.short_name or obj.department.name if obj.department_id else _("General window")
        if obj.item_id:
            return format_html(
                '<span class="ow-ellipsis" title="{}">{}</span><br><small>{}</small>',
                obj.item.name,
                obj.item.name,
                department,
            )
        return department

    # Relations as text on the change page: a link would lead consultation staff to pages of the
    # catalogue, departments or applications that answer them 403.
    @admin.display(description=_("item"))
    def item_text(self, obj):
        return obj.item.name if obj.item_id else "—"

    @admin.display(description=_("department now responsible"))
    def department_text(self, obj):
        return obj.department.name if obj.department_id else _("General window")

    @admin.display(description=_("department first asked"))
    def origin_text(self, obj):
        return obj.origin_department.name if obj.origin_department_id else _("General window")

    @admin.display(description=_("application concerned"))
    def application_text(self, obj):
        return obj.application.reference if obj.application_id else "—"

    @admin.display(description=_("reply due"), ordering="current_due_at")
    def due(self, obj):
        if obj.current_due_at is None:
            return "—"
        return format_html(
            '<span class="ow-sla ow-sla-{}" title="{}">{}</span>',
            obj.due_level,
            obj.get_due_level_display(),
            date_format(timezone.localtime(obj.current_due_at), "Y-m-d H:i"),
        )

    @admin.display(description=_("handler"))
    def handler_label(self, obj):
        return staff_label(obj.handler)

    @admin.display(description=_("first responder"))
    def first_responder_label(self, obj):
        return staff_label(obj.first_responder)

    @admin.display(description=_("recorded by"))
    def recorded_by_label(self, obj):
        return staff_label(obj.recorded_by) if obj.recorded_by_id else "—"

    @admin.display(description=_("asker's mobile number"))
    def masked_mobile(self, obj):
        return mask_mobile(obj.asker_mobile) or "—"

    # --- pages ---------------------------------------------------------------------------------

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("record/", view(self.record_view), name="consultations_question_record"),
            path("<int:pk>/act/<str:action>/", view(self.action_view), name="consultations_question_act"),
            path("<int:pk>/publish/", view(self.publish_view), name="consultations_question_publish"),
            path("<int:pk>/attachment/", view(self.attachment_view), name="consultations_question_attachment"),
            *super().get_urls(),
        ]

    def _get_visible(self, request, pk) -> Question:
        if not self.has_view_permission(request):
            raise PermissionDenied
        try:
            pk = int(pk)
        except (TypeError, ValueError):
            raise Http404("No such question") from None  # a mistyped address, not an error of ours
        return get_object_or_404(selectors.questions_for_staff(request.user).select_related("recorded_by"), pk=pk)

    def attachment_view(self, request, pk):
        """Stream the asker's attachment to staff who may see the question (recorded in the audit trail)."""
        question = self._get_visible(request, pk)
        response = attachment_response(question)
        audit.record(AuditEvent.Action.DOCUMENT_VIEWED, request=request, target=question, detail="attachment: admin")
        return response

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "can_record": self.may_record(request.user)}
        return super().changelist_view(request, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        question = self._get_visible(request, object_id)
        thread = selectors.thread(question, staff=True)
        open_steps = steps_for(question, request.user, thread)
        extra_context = {
            **(extra_context or {}),
            "question": question,
            "thread": thread,
            "accountable": selectors.accountable(question),
            "steps": [(name, STEPS[name].label) for name in open_steps if name in STEPS],
            "may_claim": "claim" in open_steps,
            "may_publish": "publish" in open_steps,
            # The handler of a phone question calls the asker back; nobody else needs the number.
            "full_mobile": question.asker_mobile
            if question.channel == Question.Channel.PHONE and question.handler_id == request.user.pk
            else "",
            "staff_label": staff_label,
            "answer_kinds": (Message.Kind.ANSWER, Message.Kind.CORRECTION),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def get_object(self, request, object_id, from_field=None):
        # The change page's own lookup, with what its read-only fields show, in one query.
        queryset = selectors.questions_for_staff(request.user).select_related(
            "recorded_by", "origin_department", "application"
        )
        try:
            return queryset.get(pk=int(object_id))
        except (Question.DoesNotExist, ValueError):
            return None
