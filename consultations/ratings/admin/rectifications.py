"""The departments' rectifications (整改) of bad reviews, with the return visit, the closing and the appeal.

One admin for every role, scoped by selectors.rectifications_for_staff: open ones first, by the
deadline that matters now. Nothing is edited in the change form: each step is a page of its own
that calls its service (a form inside the admin's change form would be ignored by the browser).
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from portal import audit, errors
from portal.admin import ReadOnlyAdmin
from portal.clock.levels import Level
from portal.models import AuditEvent

from .. import selectors, services
from ..models import Rectification
from . import display
from .forms import CHANNELS, CloseForm, VisitForm


class StatusFilter(admin.SimpleListFilter):
    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [("open", _("Open")), ("closed", _("Closed"))]

    def queryset(self, request, queryset):
        if self.value() == "open":
            return queryset.filter(closed_at__isnull=True)
        if self.value() == "closed":
            return queryset.filter(closed_at__isnull=False)
        return queryset


class OverdueFilter(admin.SimpleListFilter):
    title = _("time limit")
    parameter_name = "late"

    def lookups(self, request, model_admin):
        return [("overdue", _("Overdue")), ("warning", _("Due soon"))]

    def queryset(self, request, queryset):
        if self.value() == "overdue":
            return queryset.filter(selectors.OVERDUE, closed_at__isnull=True)
        if self.value() == "warning":
            soon = Q(visited_at__isnull=True, visit_level=Level.WARNING) | Q(due_level=Level.WARNING)
            return queryset.filter(soon, closed_at__isnull=True).exclude(selectors.OVERDUE)
        return queryset


class DepartmentFilter(admin.RelatedFieldListFilter):
    template = "admin/dropdown_filter.html"


@admin.register(Rectification)
class RectificationAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ["due", "status", "level", "comment_text", "tags_text", "service", "department_text", "rater_text"]
    list_display_links = ["due"]
    list_per_page = 50
    fieldsets = [
        (_("Review"), {"fields": ["level", "tags_text", "comment", "department_text", "rater_text"]}),
        (
            _("Return visit"),
            {"fields": ["visit_due", "visited_at_text", "channel_text", "visit_notes", "visited_by"]},
        ),
        (
            _("Rectification"),
            {
                "fields": [
                    "rectification_due",
                    "outcome",
                    "outcome_text",
                    "closed_at_text",
                    "closed_by",
                    "closed_on_time",
                    "appeal",
                    "rater_satisfied",
                ]
            },
        ),
    ]
    readonly_fields = [name for _title, options in fieldsets for name in options["fields"]]
    actions = None

    def get_queryset(self, request):
        return selectors.rectifications_for_staff(request.user).select_related(
            "visited_by", "closed_by", "rating__department"
        )

    def get_ordering(self, request):
        return list(self.get_queryset(request).query.order_by)  # the selector's, not the model's

    def get_list_filter(self, request):
        filters = [StatusFilter, OverdueFilter, "outcome", "appeal"]
        if selectors.sees_everything(request.user):
            filters.append(("department", DepartmentFilter))
        return filters

    def get_list_display(self, request):
        # A department's staff know their department: the column is for those who see every department.
        names = [n for n in self.list_display if n != "department_text" or selectors.sees_everything(request.user)]
        return [display.service_column(request.user) if name == "service" else name for name in names]

    def get_actions(self, request):
        return {}

    # --- columns -------------------------------------------------------------------------------

    @admin.display(description=_("due"), ordering="next_due_at")
    def due(self, obj):
        if obj.closed_at is not None:
            return display.local(obj.closed_at)
        if obj.visited_at is None:
            return display.due(obj.visit_due_at, obj.visit_level, _("Return visit due"))
        return display.due(obj.current_due_at, obj.due_level, _("Rectification due"))

    @admin.display(description=_("status"))
    def status(self, obj):
        if obj.closed_at is not None:
            text = obj.get_outcome_display()
            return f"{text} · {obj.get_appeal_display()}" if obj.appeal else text
        return _("Return visit to make") if obj.visited_at is None else _("Being rectified")

    @admin.display(description=_("level"))
    def level(self, obj):
        return obj.rating.get_level_display()

    @admin.display(description=_("comment"))
    def comment_text(self, obj):
        return display.comment(obj.rating)

    @admin.display(description=_("comment"))
    def comment(self, obj):
        return obj.rating.comment or "—"

    @admin.display(description=_("tags"))
    def tags_text(self, obj):
        return display.tags_in_words(obj.rating)

    @admin.display(description=_("service"))
    def service(self, obj):
        return display.service_label(obj.rating)  # replaced per request by a linked column (get_list_display)

    @admin.display(description=_("department"))
    def department_text(self, obj):
        return obj.department.name if obj.department_id else _("General window")

    @admin.display(description=_("rater"))
    def rater_text(self, obj):
        return display.rater(obj.rating)

    @admin.display(description=_("return visit due"))
    def visit_due(self, obj):
        return display.due(obj.visit_due_at, obj.visit_level, obj.get_visit_level_display())

    @admin.display(description=_("rectification due"))
    def rectification_due(self, obj):
        return display.due(obj.current_due_at, obj.due_level, obj.get_due_level_display())

    @admin.display(description=_("visited"))
    def visited_at_text(self, obj):
        return display.local(obj.visited_at)

    @admin.display(description=_("how"))
    def channel_text(self, obj):
        return CHANNELS.get(obj.visit_channel, obj.visit_channel) or "—"

    @admin.display(description=_("closed"))
    def closed_at_text(self, obj):
        return display.local(obj.closed_at)

    # --- pages ---------------------------------------------------------------------------------

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/visit/", view(self.visit_view), name="consultations_rectification_visit"),
            path("<int:pk>/close/", view(self.close_view), name="consultations_rectification_close"),
            path("<int:pk>/appeal/", view(self.appeal_view), name="consultations_rectification_appeal"),
            *super().get_urls(),
        ]

    def get_object(self, request, object_id, from_field=None):
        try:
            return self.get_queryset(request).get(pk=int(object_id))
        except (Rectification.DoesNotExist, ValueError, TypeError):
            return None

    def _get_visible(self, request, pk) -> Rectification:
        if not self.has_view_permission(request):
            raise PermissionDenied
        return get_object_or_404(self.get_queryset(request), pk=pk)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        rectification = self.get_object(request, object_id)
        if rectification is None:
            raise Http404("No such rectification")  # another department's, or none
        handles = selectors.may_handle(request.user, rectification)
        contact = None
        # The return visit needs the rater's contact, anonymous or not: shown to who handles it
        # while it is open, and each showing is recorded in the audit trail.
        if handles and rectification.closed_at is None:
            rater = rectification.rating.rater
            contact = {"name": rater.display_name, "mobile": rater.mobile}
            audit.record(
                AuditEvent.Action.PERSONAL_DATA_SHOWN,
                request=request,
                target=rectification,
                detail="rater's name and mobile: return visit",
            )
        extra_context = {
            **(extra_context or {}),
            "rectification": rectification,
            "contact": contact,
            "service_link": display.service(rectification.rating, request.user),
            "may_visit": handles and rectification.visited_at is None and rectification.closed_at is None,
            "may_close": handles and rectification.closed_at is None,
            "may_decide": request.user.has_perm("consultations.decide_appeal")
            and rectification.appeal == Rectification.Appeal.PENDING,
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def _step(self, request, rectification, *, title, form, template_context, run):
        change_url = reverse("admin:consultations_rectification_change", args=[rectification.pk])
        if request.method == "POST" and (form is None or form.is_valid()):
            try:
                run(form.cleaned_data if form is not None else {})
            except errors.ActionRefused as refused:  # AlreadyHandled too: a double submit, a colleague first
                self.message_user(request, refused.message, messages.WARNING)
            else:
                self.message_user(request, _("Done: %(title)s.") % {"title": title}, messages.SUCCESS)
                return redirect(change_url)
            if form is None:
                return redirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "rectification": rectification,
            "form": form,
            "title": title,
            "change_url": change_url,
            **template_context,
        }
        return TemplateResponse(request, "admin/consultations/rectification/step.html", context)

    def _handled(self, request, pk) -> Rectification:
        rectification = self._get_visible(request, pk)
        if not selectors.may_handle(request.user, rectification):
            raise PermissionDenied
        return rectification

    def visit_view(self, request, pk):
        """Record the return visit (回访) through its service."""
        rectification = self._handled(request, pk)
        form = VisitForm(request.POST if request.method == "POST" else None)

        def run(data):
            services.return_visit_record(
                rectification_id=rectification.pk,
                actor=request.user,
                channel=data["channel"],
                notes=data["notes"],
            )

        return self._step(
            request, rectification, title=_("Record the return visit"), form=form, template_context={}, run=run
        )

    def close_view(self, request, pk):
        """Close the rectification with its outcome; a real-name review without a return visit is refused."""
        rectification = self._handled(request, pk)
        form = CloseForm(request.POST if request.method == "POST" else None)
        refusal = ""
        if not rectification.rating.anonymous and rectification.visited_at is None:
            refusal = _(
                "This review was given under the rater's name: it is closed only after the return visit is recorded."
            )

        def run(data):
            services.rectification_close(
                rectification_id=rectification.pk, actor=request.user, outcome=data["outcome"], text=data["text"]
            )

        return self._step(
            request,
            rectification,
            title=_("Close the rectification"),
            form=form,
            template_context={"refusal": refusal},
            run=run,
        )

    def appeal_view(self, request, pk):
        """The supervisor accepts or rejects an appeal through its service."""
        rectification = self._get_visible(request, pk)
        if not request.user.has_perm("consultations.decide_appeal"):
            raise PermissionDenied
        accept = request.POST.get("decision") == "accept"

        def run(data):
            services.appeal_decide(rectification_id=rectification.pk, actor=request.user, accept=accept)

        if request.method == "POST" and request.POST.get("decision") not in ("accept", "reject"):
            self.message_user(request, _("Accept or reject the appeal."), messages.WARNING)
            return redirect("admin:consultations_rectification_appeal", rectification.pk)
        return self._step(
            request,
            rectification,
            title=_("Decide the appeal"),
            form=None,
            template_context={"appeal": True},
            run=run,
        )
