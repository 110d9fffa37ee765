"""Admin of the service catalogue (事项) and the materials each item requires."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .. import schema
from ..models import ServiceItem, ServiceMaterial


class ServiceMaterialInline(admin.TabularInline):
    model = ServiceMaterial
    extra = 0
    fields = ["sort_order", "name", "required", "formats", "max_size_mb", "explanation"]
    formfield_overrides = {
        ServiceMaterial._meta.get_field("explanation").__class__: {"widget": forms.Textarea(attrs={"rows": 2})}
    }


class ServiceItemForm(forms.ModelForm):
    class Meta:
        model = ServiceItem
        fields = [
            "code",
            "name",
            "department",
            "district",
            "kind",
            "is_active",
            "statutory_days",
            "promised_days",
            "extension_days",
            "fee",
            "online_depth",
            "offline_reason",
            "disclosure_exemption",
            "legal_basis",
            "conditions",
            "process",
            "place",
            "hours",
            "phone",
            "extra_fields",
        ]
        widgets = {"extra_fields": forms.Textarea(attrs={"rows": 8, "cols": 100, "style": "font-family: monospace"})}

    def clean_extra_fields(self):
        value = self.cleaned_data.get("extra_fields")
        if value in (None, "", {}):
            return []  # an emptied box means "no extra fields"
        schema.validate_schema(value)
        return value


@admin.register(ServiceItem)
class ServiceItemAdmin(admin.ModelAdmin):
    form = ServiceItemForm
    inlines = [ServiceMaterialInline]
    list_display = [
        "code",
        "name",
        "department",
        "district",
        "kind",
        "online_depth",
        "promised_days",
        "statutory_days",
        "is_active",
    ]
    list_filter = ["department", "kind", "online_depth", "is_active", "district"]
    list_select_related = ["department", "district"]
    search_fields = ["code", "name"]
    fieldsets = [
        (None, {"fields": ["code", "name", "department", "district", "kind", "is_active"]}),
        (
            _("Time limits and fee"),
            {"fields": ["statutory_days", "promised_days", "extension_days", "fee"]},
        ),
        (_("Online handling"), {"fields": ["online_depth", "offline_reason"]}),
        (_("Public disclosure of decisions"), {"fields": ["disclosure_exemption"]}),
        (_("Guide"), {"fields": ["legal_basis", "conditions", "process", "place", "hours", "phone"]}),
        (_("Extra fields of the application form"), {"fields": ["extra_fields"]}),
    ]
