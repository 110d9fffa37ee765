"""Admin for users, departments, districts and the working-day calendar."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from .models import CalendarDay, Department, District, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = [
        "username",
        "display_name",
        "kind",
        "masked_identity",
        "masked_mobile",
        "department",
        "is_staff",
        "is_active",
    ]
    list_filter = ["kind", "department", "groups", "is_staff", "is_active"]
    list_select_related = ["department"]
    search_fields = ["username", "real_name", "organization_name", "credit_code", "email"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (
            _("Identity"),
            {"fields": ["kind", "real_name", "id_number", "organization_name", "credit_code", "mobile", "email"]},
        ),
        (_("Staff"), {"fields": ["department", "is_active", "is_staff", "is_superuser", "groups"]}),
        (_("Important dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["username", "usable_password", "password1", "password2"]}),
        (_("Identity"), {"fields": ["kind", "real_name", "id_number", "organization_name", "credit_code", "mobile"]}),
        (_("Staff"), {"fields": ["department", "is_staff", "groups"]}),
    ]
    filter_horizontal = ["groups"]

    @admin.display(description=_("ID number / credit code"))
    def masked_identity(self, obj):
        return obj.masked_id_number or obj.masked_credit_code

    @admin.display(description=_("mobile number"))
    def masked_mobile(self, obj):
        return obj.masked_mobile


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "short_name", "phone", "sort_order", "is_active"]
    list_editable = ["sort_order", "is_active"]
    search_fields = ["name", "code", "short_name"]
    list_filter = ["is_active"]


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "sort_order"]
    list_editable = ["sort_order"]
    search_fields = ["name", "code"]


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ["date", "weekday", "is_workday", "note"]
    list_filter = ["is_workday"]
    list_editable = ["is_workday", "note"]
    date_hierarchy = "date"
    search_fields = ["note"]
    list_per_page = 62

    @admin.display(description=_("weekday"))
    def weekday(self, obj):
        return date_format(obj.date, "D")


class ReadOnlyAdmin:
    """Mix into a ModelAdmin whose records change only through services: nobody adds, edits or deletes."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
