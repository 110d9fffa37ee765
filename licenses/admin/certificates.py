"""Admin of the certificate database: types (administrators), certificates (read-only, with history), look-ups."""

import io

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from portal.admin import ReadOnlyAdmin
from portal.admin_id_search import IdSearchMixin
from portal.errors import ActionRefused

from .. import services
from ..models import Certificate, CertificateAccess, CertificateType, ItemCertificate


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


class StatusChangeForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3, "cols": 80}), max_length=1000)


class ShareSearchForm(forms.Form):
    q = forms.CharField(label=_("Number, holder ID number or name"), max_length=100)
    purpose = forms.CharField(
        label=_("Purpose of the look-up"), max_length=300, help_text=_("Recorded with your name.")
    )


class ImportForm(forms.Form):
    file = forms.FileField(label=_("CSV file (UTF-8)"))


class CorrectionForm(StatusChangeForm):
    holder_name = forms.CharField(label=_("Corrected holder name"), max_length=200)


@admin.register(Certificate)
class CertificateAdmin(IdSearchMixin, ReadOnlyAdmin, SimpleHistoryAdmin):
    list_display = ["number", "certificate_type", "holder_name", "masked_holder", "status", "valid_until", "issued_at"]
    list_filter = ["status", "certificate_type__department"]
    list_select_related = ["certificate_type"]
    search_fields = ["=number", "holder_name"]
    # The holder's ID number is found by the list's POSTed "find by" form, never in a URL.
    id_search_fields = ("holder_id_number",)
    id_search_label = _("holder ID number or credit code")
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

    actions = ["revoke", "suspend", "reinstate", "renew", "correct"]

    @admin.display(description=_("holder ID number or credit code"))
    def masked_holder(self, obj):
        return obj.masked_holder_id

    def get_urls(self):
        return [
            path("import/", self.admin_site.admin_view(self.import_view), name="licenses_certificate_import"),
            path("share/", self.admin_site.admin_view(self.share_view), name="licenses_certificate_share"),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "can_import": request.user.has_perm("licenses.add_certificatetype"),
            "can_share": request.user.has_perm("licenses.search_certificates"),
        }
        return super().changelist_view(request, extra_context)

    def share_view(self, request):
        """Search every department's certificates (集中共享); look-ups of others' are logged with the purpose.

        By POST: the query is often an ID number, which must not enter a URL (access logs, history).
        """
        if not request.user.has_perm("licenses.search_certificates"):
            raise PermissionDenied
        form = ShareSearchForm(request.POST if request.method == "POST" else None)
        results = None
        if form.is_bound and form.is_valid():
            try:
                results = services.certificates_search(
                    user=request.user, query=form.cleaned_data["q"], purpose=form.cleaned_data["purpose"]
                )
            except ActionRefused as refused:
                form.add_error(None, refused.message)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Certificate sharing: search every department"),
            "form": form,
            "results": results,
        }
        response = TemplateResponse(request, "admin/licenses/certificate/share.html", context)
        add_never_cache_headers(response)
        return response

    def import_view(self, request):
        """Import existing certificates from a CSV file, row by row, and show the report."""
        if not request.user.has_perm("licenses.add_certificatetype"):
            raise PermissionDenied
        form = ImportForm(request.POST or None, request.FILES or None)
        report = None
        if request.method == "POST" and form.is_valid():
            content = form.cleaned_data["file"].read().decode("utf-8-sig", errors="replace")
            report = services.certificates_import(io.StringIO(content))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Import certificates"),
            "form": form,
            "report": report,
            "columns": services.IMPORT_COLUMNS,
        }
        return TemplateResponse(request, "admin/licenses/certificate/import.html", context)

    def get_queryset(self, request):
        qs = super().get_queryset(request).select_related("certificate_type", "department")
        user = request.user
        if user.is_superuser or user.has_perm("approvals.approve_second_correction"):
            return qs
        if user.department_id:
            return qs.filter(department_id=user.department_id)
        # Everyone else finds other departments' certificates through the logged search.
        return qs.none()

    # The history is read-only and scoped like the list: no one reverts a certificate from
    # a past version (changes go through the services), no one reads another department's.
    def history_view(self, request, object_id, extra_context=None):
        get_object_or_404(self.get_queryset(request), pk=object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        get_object_or_404(self.get_queryset(request), pk=object_id)
        if request.method != "GET":
            return HttpResponseNotAllowed(["GET"])
        return super().history_form_view(request, object_id, version_id, extra_context)

    def has_manage_permission(self, request):
        return request.user.has_perm("licenses.manage_certificate")

    def _status_action(self, request, queryset, service, title, form_class=StatusChangeForm):
        form = form_class(request.POST if request.POST.get("confirmed") else None)
        if form.is_bound and form.is_valid():
            done, refused = 0, []
            # The service decides who may change which certificate; refusals are reported per certificate.
            for certificate in queryset:
                try:
                    service(certificate_id=certificate.pk, actor=request.user, **form.cleaned_data)
                    done += 1
                except ActionRefused as error:
                    refused.append(f"{certificate.number}: {error.message}")
            message = _("%(n)d certificates changed.") % {"n": done} + " " + "; ".join(refused[:20])
            self.message_user(request, message.strip(), messages.WARNING if refused else messages.SUCCESS)
            return None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": title,
            "form": form,
            "certificates": queryset,
            "action": request.POST.get("action"),
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/licenses/certificate/status_change.html", context)

    @admin.action(description=_("Revoke the selected certificates"), permissions=["manage"])
    def revoke(self, request, queryset):
        return self._status_action(request, queryset, services.certificate_revoke, _("Revoke certificates"))

    @admin.action(description=_("Suspend the selected certificates"), permissions=["manage"])
    def suspend(self, request, queryset):
        return self._status_action(request, queryset, services.certificate_suspend, _("Suspend certificates"))

    @admin.action(description=_("Renew the selected certificates"), permissions=["manage"])
    def renew(self, request, queryset):
        return self._status_action(request, queryset, services.certificate_renew, _("Renew certificates"))

    @admin.action(description=_("Correct the holder name (issues a new version)"), permissions=["manage"])
    def correct(self, request, queryset):
        return self._status_action(
            request, queryset, services.certificate_correct, _("Correct certificates"), CorrectionForm
        )

    @admin.action(description=_("Reinstate the selected certificates"), permissions=["manage"])
    def reinstate(self, request, queryset):
        return self._status_action(request, queryset, services.certificate_reinstate, _("Reinstate certificates"))


@admin.register(CertificateAccess)
class CertificateAccessAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    """The log of cross-department look-ups, for supervisors to review."""

    list_display = ["created_at", "user", "certificate", "purpose"]
    list_select_related = ["user", "certificate", "certificate__certificate_type"]
    list_filter = ["certificate__department"]
    search_fields = ["purpose", "certificate__number", "user__username", "user__real_name"]
    date_hierarchy = "created_at"
