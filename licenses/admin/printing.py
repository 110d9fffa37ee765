"""Admin of the printing centre: the queue of print jobs with its steps, and the printed batches."""

import io
from datetime import timedelta

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.admin import ReadOnlyAdmin
from portal.errors import ActionRefused

from .. import services, tasks
from ..models import PrintBatch, PrintJob


class DueFilter(admin.SimpleListFilter):
    title = _("deadline (Art. 44)")
    parameter_name = "due"

    def lookups(self, request, model_admin):
        return [("overdue", _("Overdue")), ("3", _("Within 3 days")), ("7", _("Within 7 days"))]

    def queryset(self, request, queryset):
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
        return self._job_form_view(request, pk, DispatchForm, services.print_job_dispatch, _("Send by courier"))

    def collect_view(self, request, pk):
        return self._job_form_view(request, pk, CollectForm, services.print_job_collect, _("Hand over at the counter"))

    def waybills_view(self, request):
        """Dispatch many certificates from a CSV of reference,courier,waybill; bad rows are listed by line."""
        if not request.user.has_perm("licenses.operate_printing"):
            raise PermissionDenied
        form = WaybillsForm(request.POST or None, request.FILES or None)
        result = None
        if request.method == "POST" and form.is_valid():
            text = form.cleaned_data["file"].read().decode("utf-8-sig", errors="replace")
            result = services.waybills_import(io.StringIO(text), actor=request.user)
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
        self._bulk_step(request, queryset, services.print_job_ready)

    @admin.action(description=_("Mark the selected as delivered by the courier"), permissions=["operate"])
    def mark_delivered(self, request, queryset):
        self._bulk_step(request, queryset, services.print_job_deliver)

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
        ids = list(queryset.filter(state=PrintJob.State.QUEUED).order_by("due_at", "id").values_list("pk", flat=True))
        if not ids:
            self.message_user(
                request, _("None of the selected certificates is waiting to be printed."), messages.WARNING
            )
            return None
        batch = services.print_batch_create(actor=request.user, job_ids=ids)
        if len(ids) > settings.PRINT_BATCH_SYNC_LIMIT:
            transaction.on_commit(lambda: tasks.print_batch_run.delay(batch.pk))
            self.message_user(request, _("%(n)d certificates are being printed in the background.") % {"n": len(ids)})
        else:
            batch = services.print_batch_run(batch_id=batch.pk)
        return redirect("admin:licenses_printbatch_change", batch.pk)

    def reprint_view(self, request, pk):
        """Reprint one certificate, with a reason that is logged."""
        if not request.user.has_perm("licenses.operate_printing"):
            raise PermissionDenied
        job = get_object_or_404(PrintJob.objects.select_related("certificate"), pk=pk)
        form = ReprintForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                pdf = services.print_job_reprint(job_id=job.pk, actor=request.user, reason=form.cleaned_data["reason"])
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
