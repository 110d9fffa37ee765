"""The hall's windows with their opening rule, and the closures: administrators edit, clerks and supervisors read.

Saving a rule regenerates the window's future unbooked slots (services.rule_changed); a closure is
added through services.closure_add only, which closes the slots and tells the holders. A closure
is neither edited nor deleted here: moving or removing it would leave the closed slots and the
holders' notices behind.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from portal import errors
from portal.forms import DateInput

from .. import services
from ..models import Appointment, Closure, Counter, OpeningRule


class OpeningRuleInline(admin.StackedInline):
    model = OpeningRule
    can_delete = False
    min_num = 0
    max_num = 1
    extra = 1
    fields = [
        "weekdays",
        "hours",
        "slot_minutes",
        ("book_from_days", "book_until_days"),
        ("online_capacity", "staff_capacity"),
    ]


@admin.register(Counter)
class CounterAdmin(admin.ModelAdmin):
    inlines = [OpeningRuleInline]
    list_display = ["number", "name", "prefix", "location", "rule_hours", "rule_capacity", "is_active"]
    list_display_links = ["number", "name"]
    list_filter = ["is_active"]
    list_select_related = ["rule"]
    search_fields = ["number", "name"]
    filter_horizontal = ["items", "departments"]
    fields = ["number", "name", "prefix", "location", "is_active", "items", "departments"]

    @admin.display(description=_("hours"))
    def rule_hours(self, obj):
        rule = getattr(obj, "rule", None)
        return f"{rule.hours} / {rule.slot_minutes}′" if rule else "—"

    @admin.display(description=_("places per slot (online + staff)"))
    def rule_capacity(self, obj):
        rule = getattr(obj, "rule", None)
        return f"{rule.online_capacity} + {rule.staff_capacity}" if rule else "—"

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        rule_changed = any(formset.model is OpeningRule and formset.has_changed() for formset in formsets)
        counter = form.instance
        if rule_changed and OpeningRule.objects.filter(counter=counter).exists():
            counter.refresh_from_db()
            services.rule_changed(counter=counter)
            self.message_user(
                request,
                _("The future slots of window %(number)s nobody booked were made anew from the rule.")
                % {"number": counter.number},
                messages.INFO,
            )


class ClosureForm(forms.Form):
    counter = forms.ModelChoiceField(
        label=_("window"),
        queryset=Counter.objects.all(),
        required=False,
        empty_label=_("The whole hall"),
    )
    day = forms.DateField(label=_("day"), widget=DateInput())
    reason = forms.CharField(
        label=_("reason"),
        max_length=200,
        help_text=_("Sent to everyone who booked that day, with the request to choose a new time."),
    )


@admin.register(Closure)
class ClosureAdmin(admin.ModelAdmin):
    list_display = ["day", "counter_label", "reason", "flagged", "created_by", "created_at"]
    list_filter = ["counter"]
    list_select_related = ["counter", "created_by"]
    date_hierarchy = "day"
    readonly_fields = ["counter", "day", "reason", "created_by", "created_at"]

    def get_queryset(self, request):
        whole_hall = Appointment.objects.filter(day=OuterRef("day"), closure_flagged=True)
        one_window = whole_hall.filter(counter=OuterRef("counter"))

        def counted(queryset):
            return Subquery(
                queryset.order_by().values("day").annotate(n=Count("pk")).values("n")[:1],
                output_field=IntegerField(),
            )

        return (
            super()
            .get_queryset(request)
            .annotate(
                flagged_window=Coalesce(counted(one_window), 0),
                flagged_hall=Coalesce(counted(whole_hall), 0),
            )
        )

    @admin.display(description=_("window"))
    def counter_label(self, obj):
        return str(obj.counter) if obj.counter_id else _("The whole hall")

    @admin.display(description=_("bookings flagged"))
    def flagged(self, obj):
        return obj.flagged_window if obj.counter_id else obj.flagged_hall

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def add_view(self, request, form_url="", extra_context=None):
        """Close a window or the hall for a day through the service, and say how many bookings it flagged."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = ClosureForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                closure = services.closure_add(
                    counter=data["counter"], day=data["day"], reason=data["reason"], actor=request.user
                )
            except errors.ActionRefused as refused:
                form.add_error(None, refused.message)
            else:
                flagged = Appointment.objects.filter(day=closure.day, closure_flagged=True)
                if closure.counter_id:
                    flagged = flagged.filter(counter_id=closure.counter_id)
                count = flagged.count()
                self.message_user(
                    request,
                    ngettext(
                        "Closed: %(closure)s. %(count)s booking was flagged, its holder asked to choose anew.",
                        "Closed: %(closure)s. %(count)s bookings were flagged, their holders asked to choose anew.",
                        count,
                    )
                    % {"closure": closure, "count": count},
                    messages.SUCCESS,
                )
                return redirect("admin:consultations_closure_changelist")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "form": form,
            "title": _("Close a window for a day"),
        }
        return TemplateResponse(request, "admin/consultations/closure/add.html", context)
