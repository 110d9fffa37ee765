"""The slots and the bookings, read-only for every role: they change through the pages and the hall desk."""

from datetime import timedelta

from django.contrib import admin
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from portal.admin import ReadOnlyAdmin
from portal.admin_id_search import IdSearchMixin
from portal.masking import mask_id_number

from ..models import Appointment, Slot


class DayFilter(admin.SimpleListFilter):
    """Today, tomorrow, the coming week or the past, counted in the hall's time zone."""

    title = _("day")
    parameter_name = "when"

    def lookups(self, request, model_admin):
        return [
            ("today", _("Today")),
            ("tomorrow", _("Tomorrow")),
            ("week", _("The next 7 days")),
            ("past", _("Past days")),
        ]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "today":
            return queryset.filter(day=today)
        if self.value() == "tomorrow":
            return queryset.filter(day=today + timedelta(days=1))
        if self.value() == "week":
            return queryset.filter(day__range=(today, today + timedelta(days=7)))
        if self.value() == "past":
            return queryset.filter(day__lt=today)
        return queryset


def local_time(moment) -> str:
    return date_format(timezone.localtime(moment), "Y-m-d H:i")


@admin.register(Slot)
class SlotAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ["day", "counter", "time", "online", "staff", "free", "is_closed"]
    list_filter = [DayFilter, "counter", "is_closed"]
    list_select_related = ["counter"]
    date_hierarchy = "day"
    list_per_page = 100
    ordering = ["day", "counter__number", "starts_at"]
    fields = ["counter", "day", "starts_at", "ends_at", "online", "staff", "is_closed"]
    readonly_fields = fields

    @admin.display(description=_("time"), ordering="starts_at")
    def time(self, obj):
        start, end = timezone.localtime(obj.starts_at), timezone.localtime(obj.ends_at)
        return f"{start:%H:%M}–{end:%H:%M}"

    @admin.display(description=_("booked online / places"))
    def online(self, obj):
        return f"{obj.booked_online} / {obj.online_capacity}"

    @admin.display(description=_("booked by staff / places"))
    def staff(self, obj):
        return f"{obj.booked_staff} / {obj.staff_capacity}"

    @admin.display(description=_("free"))
    def free(self, obj):
        if obj.is_closed:
            return 0
        return obj.online_capacity - obj.booked_online + obj.staff_capacity - obj.booked_staff


@admin.register(Appointment)
class AppointmentAdmin(IdSearchMixin, ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ["code", "holder_name", "masked_id", "counter", "time", "item_name", "channel", "state"]
    list_filter = [DayFilter, "counter", "state", "channel", "closure_flagged"]
    list_select_related = ["holder", "counter", "slot", "item"]
    date_hierarchy = "day"
    search_fields = ["code"]
    list_per_page = 50
    # Found by the holder's whole ID number through a POST (never a GET, never a prefix).
    id_search_fields = ("holder__id_number",)
    id_search_label = _("the holder's ID number")
    fields = [
        "code",
        "holder_name",
        "masked_id",
        "counter",
        "time",
        "item_name",
        "application_reference",
        "channel",
        "booked_by_label",
        "state",
        "booked_at",
        "cancelled_at",
        "checked_in_at",
        "reminder_sent_at",
        "closure_flagged",
    ]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("holder", "counter", "slot", "item", "application")

    @admin.display(description=pgettext_lazy("appointment", "holder"))
    def holder_name(self, obj):
        return obj.holder.display_name

    @admin.display(description=_("ID number"))
    def masked_id(self, obj):
        holder = obj.holder
        return mask_id_number(holder.credit_code if holder.kind == holder.Kind.ENTERPRISE else holder.id_number)

    @admin.display(description=_("time"), ordering="slot__starts_at")
    def time(self, obj):
        return local_time(obj.slot.starts_at)

    @admin.display(description=_("item"))
    def item_name(self, obj):
        return obj.item.name if obj.item_id else "—"

    @admin.display(description=_("application"))
    def application_reference(self, obj):
        return obj.application.reference if obj.application_id else "—"

    @admin.display(description=_("booked by"))
    def booked_by_label(self, obj):
        return obj.booked_by.display_name or obj.booked_by.username if obj.booked_by_id else "—"
