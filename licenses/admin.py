"""Admin of the certificate database: types (administrators), certificates (read-only, with history)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import Certificate, CertificateType, ItemCertificate, PrintJob


class ItemCertificateInline(admin.TabularInline):
    model = ItemCertificate
    extra = 0
    autocomplete_fields = ["item"]


@admin.register(CertificateType)
class CertificateTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "department", "validity_years", "number_prefix", "is_active"]
    list_filter = ["department", "is_active"]
    list_select_related = ["department"]
    search_fields = ["name", "code"]
    inlines = [ItemCertificateInline]


@admin.register(Certificate)
class CertificateAdmin(SimpleHistoryAdmin):
    list_display = ["number", "certificate_type", "holder_name", "masked_holder", "status", "valid_until", "issued_at"]
    list_filter = ["status", "certificate_type__department"]
    list_select_related = ["certificate_type"]
    search_fields = ["=number", "holder_name"]
    readonly_fields = [
        "number",
        "certificate_type",
        "holder_name",
        "masked_holder",
        "department",
        "data",
        "issued_at",
        "valid_from",
        "valid_until",
        "status",
        "status_reason",
        "source_application",
        "replaces",
    ]
    fields = readonly_fields

    @admin.display(description=_("holder ID number or credit code"))
    def masked_holder(self, obj):
        return obj.masked_holder_id

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PrintJob)
class PrintJobAdmin(admin.ModelAdmin):
    list_display = ["certificate", "state", "due_at", "created_at"]
    list_filter = ["state"]
    list_select_related = ["certificate", "certificate__certificate_type"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
