"""Admin of the certificate database: types (administrators), certificates (read-only, with history)."""

import io

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import FileResponse, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from portal.admin import ReadOnlyAdmin
from portal.errors import ActionRefused

from . import services
from .models import Certificate, CertificateAccess, CertificateType, ItemCertificate, PrintBatch, PrintJob


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
class CertificateAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
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
        """Search every department's certificates (集中共享); look-ups of others' are logged with the purpose."""
        if not request.user.has_perm("licenses.search_certificates"):
            raise PermissionDenied
        form = ShareSearchForm(request.GET or None)
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
        return TemplateResponse(request, "admin/licenses/certificate/share.html", context)

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


class DueFilter(admin.SimpleListFilter):
    title = _("deadline (Art. 44)")
    parameter_name = "due"

    def lookups(self, request, model_admin):
        return [("overdue", _("Overdue")), ("3", _("Within 3 days")), ("7", _("Within 7 days"))]

    def queryset(self, request, queryset):
        from datetime import timedelta

        from django.utils import timezone

        now = timezone.now()
        if self.value() == "overdue":
            return queryset.filter(due_at__lt=now)
        if self.value() in ("3", "7"):
            return queryset.filter(due_at__lte=now + timedelta(days=int(self.value())))
        return queryset


class ReprintForm(forms.Form):
    reason = forms.CharField(label=_("Reason for the reprint"), max_length=300)


class DispatchForm(forms.Form):
    courier = forms.CharField(label=_("courier company"), max_length=50, initial="中国邮政 EMS")
    waybill = forms.CharField(label=_("waybill number"), max_length=50)


class CollectForm(forms.Form):
    collector_id_number = forms.CharField(label=_("collector ID number"), max_length=18)


class WaybillsForm(forms.Form):
    file = forms.FileField(label=_("CSV file: reference,courier,waybill"))


@admin.register(PrintJob)
class PrintJobAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    """The printing centre's queue: every department's certificates, nearest deadline first."""

    list_display = ["number", "type_name", "department", "holder", "delivery_method", "state", "due_at", "waybill"]
    list_filter = [
        "state",
        "certificate__department",
        "certificate__certificate_type",
        "delivery_method",
        DueFilter,
    ]
    list_select_related = ["certificate", "certificate__certificate_type", "certificate__department"]
    search_fields = ["=certificate__number", "=waybill", "certificate__holder_name"]
    list_per_page = 100
    actions = ["print_selected", "mark_ready", "mark_delivered"]
    readonly_fields = [
        "certificate",
        "state",
        "due_at",
        "delivery_method",
        "batch",
        "printed_at",
        "courier",
        "waybill",
        "dispatched_at",
        "delivered_at",
        "collected_at",
    ]
    fields = readonly_fields

    @admin.display(description=_("number"), ordering="certificate__number")
    def number(self, obj):
        return obj.certificate.number

    @admin.display(description=_("type"))
    def type_name(self, obj):
        return obj.certificate.certificate_type.name

    @admin.display(description=_("issuing department"))
    def department(self, obj):
        return obj.certificate.department.name

    @admin.display(description=_("holder"))
    def holder(self, obj):
        return obj.certificate.holder_name

    def has_operate_permission(self, request):
        return request.user.has_perm("licenses.operate_printing")

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("licenses.operate_printing") or request.user.has_perm("licenses.view_printjob")

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/reprint/", view(self.reprint_view), name="licenses_printjob_reprint"),
            path("<int:pk>/dispatch/", view(self.dispatch_view), name="licenses_printjob_dispatch"),
            path("<int:pk>/collect/", view(self.collect_view), name="licenses_printjob_collect"),
            path("waybills/", view(self.waybills_view), name="licenses_printjob_waybills"),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "can_operate": request.user.has_perm("licenses.operate_printing")}
        return super().changelist_view(request, extra_context)

    def _job_form_view(self, request, pk, form_class, run, title):
        if not request.user.has_perm("licenses.operate_printing"):
            raise PermissionDenied
        job = get_object_or_404(PrintJob.objects.select_related("certificate"), pk=pk)
        form = form_class(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                run(job_id=job.pk, actor=request.user, **form.cleaned_data)
            except ActionRefused as refused:
                form.add_error(None, refused.message)
            else:
                self.message_user(request, _("%(number)s: done.") % {"number": job.certificate.number})
                return redirect("admin:licenses_printjob_change", job.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"{title}: {job.certificate.number}",
            "form": form,
            "job": job,
        }
        return TemplateResponse(request, "admin/licenses/printjob/step.html", context)

    def dispatch_view(self, request, pk):
        from . import printing

        return self._job_form_view(request, pk, DispatchForm, printing.print_job_dispatch, _("Send by courier"))

    def collect_view(self, request, pk):
        from . import printing

        return self._job_form_view(request, pk, CollectForm, printing.print_job_collect, _("Hand over at the counter"))

    def waybills_view(self, request):
        """Dispatch many certificates from a CSV of reference,courier,waybill; bad rows are listed by line."""
        from . import printing

        if not request.user.has_perm("licenses.operate_printing"):
            raise PermissionDenied
        form = WaybillsForm(request.POST or None, request.FILES or None)
        result = None
        if request.method == "POST" and form.is_valid():
            text = form.cleaned_data["file"].read().decode("utf-8-sig", errors="replace")
            result = printing.waybills_import(io.StringIO(text), actor=request.user)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Upload waybills"),
            "form": form,
            "result": result,
        }
        return TemplateResponse(request, "admin/licenses/printjob/waybills.html", context)

    def _bulk_step(self, request, queryset, run):
        done, refused = 0, []
        for job in queryset.select_related("certificate"):
            try:
                run(job_id=job.pk, actor=request.user)
                done += 1
            except ActionRefused as error:
                refused.append(f"{job.certificate.number}: {error.message}")
        self.message_user(request, _("%(n)d certificates changed.") % {"n": done} + " " + "; ".join(refused[:20]))

    @admin.action(description=_("Put the selected at the counter for pickup"), permissions=["operate"])
    def mark_ready(self, request, queryset):
        from . import printing

        self._bulk_step(request, queryset, printing.print_job_ready)

    @admin.action(description=_("Mark the selected as delivered by the courier"), permissions=["operate"])
    def mark_delivered(self, request, queryset):
        from . import printing

        self._bulk_step(request, queryset, printing.print_job_deliver)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "can_reprint": request.user.has_perm("licenses.operate_printing"),
            "reprint_url": reverse("admin:licenses_printjob_reprint", args=[object_id]),
            "dispatch_url": reverse("admin:licenses_printjob_dispatch", args=[object_id]),
            "collect_url": reverse("admin:licenses_printjob_collect", args=[object_id]),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.action(description=_("Print the selected certificates into one PDF"), permissions=["operate"])
    def print_selected(self, request, queryset):
        from django.conf import settings

        from . import printing, tasks

        ids = list(queryset.filter(state=PrintJob.State.QUEUED).order_by("due_at", "id").values_list("pk", flat=True))
        if not ids:
            self.message_user(
                request, _("None of the selected certificates is waiting to be printed."), messages.WARNING
            )
            return None
        batch = printing.print_batch_create(actor=request.user, job_ids=ids)
        if len(ids) > settings.PRINT_BATCH_SYNC_LIMIT:
            transaction.on_commit(lambda: tasks.print_batch_run.delay(batch.pk))
            self.message_user(request, _("%(n)d certificates are being printed in the background.") % {"n": len(ids)})
        else:
            batch = printing.print_batch_run(batch_id=batch.pk)
        return redirect("admin:licenses_printbatch_change", batch.pk)

    def reprint_view(self, request, pk):
        """Reprint one certificate, with a reason that is logged."""
        from . import printing

        if not request.user.has_perm("licenses.operate_printing"):
            raise PermissionDenied
        job = get_object_or_404(PrintJob.objects.select_related("certificate"), pk=pk)
        form = ReprintForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                pdf = printing.print_job_reprint(job_id=job.pk, actor=request.user, reason=form.cleaned_data["reason"])
            except ActionRefused as refused:
                self.message_user(request, refused.message, messages.WARNING)
                return redirect("admin:licenses_printjob_change", job.pk)
            response = HttpResponse(pdf, content_type="application/pdf")
            response["Content-Disposition"] = f'attachment; filename="reprint-{job.certificate.number}.pdf"'
            return response
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Reprint %(number)s") % {"number": job.certificate.number},
            "form": form,
            "job": job,
        }
        return TemplateResponse(request, "admin/licenses/printjob/reprint.html", context)


@admin.register(PrintBatch)
class PrintBatchAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ["id", "created_by", "created_at", "total", "status", "finished_at"]
    list_select_related = ["created_by"]
    readonly_fields = ["created_by", "created_at", "total", "done", "status", "error", "finished_at"]
    fields = readonly_fields

    def get_urls(self):
        view = self.admin_site.admin_view
        return [path("<int:pk>/pdf/", view(self.pdf_view), name="licenses_printbatch_pdf"), *super().get_urls()]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        batch = get_object_or_404(PrintBatch, pk=object_id)
        extra_context = {**(extra_context or {}), "batch": batch}
        return super().change_view(request, object_id, form_url, extra_context)

    def pdf_view(self, request, pk):
        """Download a printed batch again: the same file, nothing is reprinted or re-marked."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        batch = get_object_or_404(PrintBatch, pk=pk, status=PrintBatch.Status.DONE)
        response = FileResponse(batch.file.open("rb"), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="print-batch-{batch.pk}.pdf"'
        return response


@admin.register(CertificateAccess)
class CertificateAccessAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    """The log of cross-department look-ups, for supervisors to review."""

    list_display = ["created_at", "user", "certificate", "purpose"]
    list_select_related = ["user", "certificate", "certificate__certificate_type"]
    list_filter = ["certificate__department"]
    search_fields = ["purpose", "certificate__number", "user__username", "user__real_name"]
    date_hierarchy = "created_at"
