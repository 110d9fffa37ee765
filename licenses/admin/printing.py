"""Admin of the printing centre: the queue of print jobs with its steps, and the printed batches."""

import csv
import io
from datetime import timedelta
from pathlib import Path

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
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from portal.admin import ReadOnlyAdmin
from portal.clock import deadlines
from portal.errors import ActionRefused

from .. import selectors, services, tasks, xlsx
from ..models import PrintBatch, PrintJob

State = PrintJob.State


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


class DropdownFilter(admin.RelatedOnlyFieldListFilter):
    """A related filter offering only the values in use, as one drop-down (72 types do not fit as links)."""

    template = "admin/licenses/dropdown_filter.html"


class ConfirmForm(forms.Form):
    """A step that needs nothing but a confirmation."""


class ReprintForm(forms.Form):
    reason = forms.CharField(label=_("Reason for the reprint"), max_length=300)


class DispatchForm(forms.Form):
    courier = forms.CharField(label=_("courier company"), max_length=50, initial="中国邮政 EMS")
    waybill = forms.CharField(label=_("waybill number"), max_length=50)


class CollectForm(forms.Form):
    collector_id_number = forms.CharField(label=_("collector ID number"), max_length=18)


class WaybillsForm(forms.Form):
    file = forms.FileField(label=_("CSV file: reference,courier,waybill"))


def _truncated(text: str):
    """Return a cell cut to the column's width by CSS, the full text in its title."""
    return format_html('<span class="ow-trunc" title="{}">{}</span>', text, text)


# The list's actions that apply to jobs in each state; a list filtered on a state offers only these.
ACTIONS_FOR_STATE = {
    State.QUEUED: {"print_selected", "manifest_csv", "manifest_xlsx"},
    State.PRINTED: {"mark_ready", "manifest_csv", "manifest_xlsx"},
    State.DISPATCHED: {"mark_delivered"},
}


@admin.register(PrintJob)
class PrintJobAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    """The printing centre's queue: every department's certificates, nearest deadline first."""

    list_display = ["number", "holder", "certificate_kind", "state_and_waybill", "due"]
    list_filter = [
        "state",
        "delivery_method",
        DueFilter,
        ("certificate__department", DropdownFilter),
        ("certificate__certificate_type", DropdownFilter),
    ]
    list_select_related = ["certificate", "certificate__certificate_type", "certificate__department", "application"]
    search_fields = ["=certificate__number", "=waybill", "certificate__holder_name", "=application__reference"]
    list_per_page = 100
    actions = ["print_selected", "mark_ready", "mark_delivered", "manifest_csv", "manifest_xlsx"]
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
        return format_html('<span class="ow-nowrap">{}</span>', obj.certificate.number)

    @admin.display(description=_("type"))
    def certificate_kind(self, obj):
        """Return the type over the issuing department, both cut to the column (72 types, 22 departments)."""
        return format_html(
            '{}<br><small class="ow-trunc ow-muted" title="{}">{}</small>',
            _truncated(obj.certificate.certificate_type.name),
            obj.certificate.department.name,
            obj.certificate.department.name,
        )

    @admin.display(description=_("state"), ordering="state")
    def state_and_waybill(self, obj):
        if not obj.waybill:
            return obj.get_state_display()
        return format_html('{}<br><small class="ow-muted ow-nowrap">{}</small>', obj.get_state_display(), obj.waybill)

    @admin.display(description=_("holder"), ordering="certificate__holder_name")
    def holder(self, obj):
        return _truncated(obj.certificate.holder_name)

    @admin.display(description=_("deadline (Art. 44)"), ordering="due_at")
    def due(self, obj):
        day = deadlines.day_of(obj.due_at).isoformat()
        if obj.state not in (State.QUEUED, State.PRINTED):
            return day  # the clock stopped: nothing to colour
        return format_html('<span class="ow-sla ow-sla-{}">{}</span>', obj.due_level, day)

    def get_list_display(self, request):
        """Add the recipient's columns, masked or not for this user (see selectors.print_job_delivery)."""

        @admin.display(description=_("delivery"), ordering="delivery_method")
        def delivery(obj):
            details = selectors.print_job_delivery(obj, request.user)
            method = obj.get_delivery_method_display()
            if not (details.name or details.phone or details.address):
                return method
            return format_html(
                '{}<br><span class="ow-trunc ow-name" title="{}">{}</span> <span class="ow-nowrap">{}</span><br>'
                '<small class="ow-trunc ow-address ow-muted" title="{}">{}</small>',
                method,
                details.name,
                details.name,
                details.phone,
                details.address,
                details.address or "—",
            )

        columns = list(super().get_list_display(request))
        at = columns.index("certificate_kind") + 1
        return [*columns[:at], delivery, *columns[at:]]

    def has_operate_permission(self, request):
        return request.user.has_perm("licenses.operate_printing")

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("licenses.operate_printing") or request.user.has_perm("licenses.view_printjob")

    def get_actions(self, request):
        actions = super().get_actions(request)
        state = request.GET.get("state__exact") or request.GET.get("state")  # the home page links use ?state=
        if state in State.values:
            wanted = ACTIONS_FOR_STATE.get(state, set())
            actions = {name: action for name, action in actions.items() if name in wanted}
        return actions

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/reprint/", view(self.reprint_view), name="licenses_printjob_reprint"),
            path("<int:pk>/dispatch/", view(self.dispatch_view), name="licenses_printjob_dispatch"),
            path("<int:pk>/ready/", view(self.ready_view), name="licenses_printjob_ready"),
            path("<int:pk>/deliver/", view(self.deliver_view), name="licenses_printjob_deliver"),
            path("<int:pk>/collect/", view(self.collect_view), name="licenses_printjob_collect"),
            path("waybills/", view(self.waybills_view), name="licenses_printjob_waybills"),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "can_operate": request.user.has_perm("licenses.operate_printing")}
        return super().changelist_view(request, extra_context)

    # The steps of one job: (name, label, states it starts from, delivery methods it applies to).
    STEPS = [
        ("dispatch", _("Send by courier"), (State.PRINTED,), (PrintJob.Delivery.COURIER,)),
        ("ready", _("Put at the counter for pickup"), (State.PRINTED,), (PrintJob.Delivery.PICKUP,)),
        ("deliver", _("Mark as delivered"), (State.DISPATCHED,), None),
        ("collect", _("Hand over at the counter"), (State.READY,), None),
        ("reprint", _("Reprint"), (State.PRINTED,), None),
    ]

    def _step_refusal(self, job, name) -> str:
        """Return why `name` is not offered on this job now, or "" when it is."""
        _name, _label, sources, methods = next(step for step in self.STEPS if step[0] == name)
        if job.state not in sources or (methods and job.delivery_method not in methods):
            return _("This certificate is %(state)s: that step is not possible.") % {"state": job.get_state_display()}
        if name != "deliver":  # a delivery records what the courier did; the rest hand the certificate out
            return services.certificate_out_of_force_reason(job.certificate)
        return ""

    def job_steps(self, job, user) -> list[tuple[str, str, str]]:
        """Return the steps offered on a job's page now, as (name, label, url)."""
        if not user.has_perm("licenses.operate_printing"):
            return []
        return [
            (name, label, reverse(f"admin:licenses_printjob_{name}", args=[job.pk]))
            for name, label, _sources, _methods in self.STEPS
            if not self._step_refusal(job, name)
        ]

    def _job_form_view(self, request, pk, name, form_class, run, title, done_message):
        if not request.user.has_perm("licenses.operate_printing"):
            raise PermissionDenied
        job = get_object_or_404(
            PrintJob.objects.select_related("certificate", "certificate__certificate_type", "application"), pk=pk
        )
        if request.method != "POST" and (refusal := self._step_refusal(job, name)):
            self.message_user(request, refusal, messages.WARNING)
            return redirect("admin:licenses_printjob_change", job.pk)
        form = form_class(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                run(job_id=job.pk, actor=request.user, **form.cleaned_data)
            except ActionRefused as refused:
                form.add_error(None, refused.message)
            else:
                self.message_user(request, done_message % {"number": job.certificate.number, **form.cleaned_data})
                return redirect("admin:licenses_printjob_change", job.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"{title}: {job.certificate.number}",
            "form": form,
            "job": job,
            "delivery": selectors.print_job_delivery(job, request.user),
        }
        return TemplateResponse(request, "admin/licenses/printjob/step.html", context)

    def dispatch_view(self, request, pk):
        return self._job_form_view(
            request,
            pk,
            "dispatch",
            DispatchForm,
            services.print_job_dispatch,
            _("Send by courier"),
            _("%(number)s sent by %(courier)s, waybill %(waybill)s; the holder has been told."),
        )

    def ready_view(self, request, pk):
        return self._job_form_view(
            request,
            pk,
            "ready",
            ConfirmForm,
            services.print_job_ready,
            _("Put at the counter for pickup"),
            _("%(number)s is at the counter for pickup; the holder has been told."),
        )

    def deliver_view(self, request, pk):
        return self._job_form_view(
            request,
            pk,
            "deliver",
            ConfirmForm,
            services.print_job_deliver,
            _("Mark as delivered"),
            _("%(number)s: delivered by the courier."),
        )

    def collect_view(self, request, pk):
        return self._job_form_view(
            request,
            pk,
            "collect",
            CollectForm,
            services.print_job_collect,
            _("Hand over at the counter"),
            _("%(number)s handed over at the counter."),
        )

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
        if done:
            self.message_user(request, _("%(n)d certificates changed.") % {"n": done}, messages.SUCCESS)
        if refused:
            self.message_user(
                request,
                _("%(n)d not changed: %(reasons)s") % {"n": len(refused), "reasons": "; ".join(refused[:20])},
                messages.WARNING,
            )

    @admin.action(description=_("Put the selected at the counter for pickup"), permissions=["operate"])
    def mark_ready(self, request, queryset):
        self._bulk_step(request, queryset, services.print_job_ready)

    @admin.action(description=_("Mark the selected as delivered by the courier"), permissions=["operate"])
    def mark_delivered(self, request, queryset):
        self._bulk_step(request, queryset, services.print_job_deliver)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        job = get_object_or_404(
            PrintJob.objects.select_related("certificate", "certificate__certificate_type", "application"),
            pk=object_id,
        )
        extra_context = {
            **(extra_context or {}),
            "job": job,
            "job_steps": self.job_steps(job, request.user),
            "delivery": selectors.print_job_delivery(job, request.user),
            "out_of_force": services.certificate_out_of_force_reason(job.certificate),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.action(description=_("Print the selected certificates into one PDF"), permissions=["operate"])
    def print_selected(self, request, queryset):
        queued = queryset.filter(state=State.QUEUED).select_related("certificate").order_by("due_at", "id")
        ids, skipped = [], []
        for job in queued:
            reason = services.certificate_out_of_force_reason(job.certificate)
            if reason:
                skipped.append(reason)
            else:
                ids.append(job.pk)
        if skipped:
            self.message_user(request, " ".join(skipped[:20]), messages.WARNING)
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
            if batch.status == PrintBatch.Status.DONE:
                self.message_user(
                    request,
                    _("Print batch #%(batch)s: %(n)d certificates printed. Download the PDF below.")
                    % {"batch": batch.pk, "n": batch.total},
                    messages.SUCCESS,
                )
            else:
                self.message_user(
                    request,
                    _("Print batch #%(batch)s failed: %(error)s") % {"batch": batch.pk, "error": batch.error},
                    messages.ERROR,
                )
        return redirect("admin:licenses_printbatch_change", batch.pk)

    def _manifest(self, request, queryset):
        rows, left_out = selectors.courier_manifest(queryset)
        if left_out:
            self.message_user(
                request,
                _("%(n)d left out of the manifest (not waiting to be sent by courier, or not in force): %(numbers)s")
                % {"n": len(left_out), "numbers": ", ".join(left_out[:20])},
                messages.WARNING,
            )
        if rows:
            self.message_user(request, _("Courier manifest of %(n)d certificates.") % {"n": len(rows)})
        return rows

    def _manifest_name(self, extension):
        return f"courier-manifest-{timezone.localtime():%Y%m%d-%H%M}.{extension}"

    @admin.action(description=_("Courier manifest of the selected (CSV)"), permissions=["operate"])
    def manifest_csv(self, request, queryset):
        rows = self._manifest(request, queryset)
        if not rows:
            return None
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{self._manifest_name("csv")}"'
        response.write("\ufeff")  # Excel reads UTF-8 only with a byte-order mark
        writer = csv.writer(response)
        writer.writerow(selectors.manifest_header())
        writer.writerows(rows)
        return response

    @admin.action(description=_("Courier manifest of the selected (Excel)"), permissions=["operate"])
    def manifest_xlsx(self, request, queryset):
        rows = self._manifest(request, queryset)
        if not rows:
            return None
        content = xlsx.xlsx_bytes([selectors.manifest_header(), *rows], sheet_name=str(_("Courier manifest")))
        response = HttpResponse(content, content_type=xlsx.CONTENT_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{self._manifest_name("xlsx")}"'
        return response

    def reprint_view(self, request, pk):
        """Reprint one certificate, with a reason that is logged."""
        if not request.user.has_perm("licenses.operate_printing"):
            raise PermissionDenied
        job = get_object_or_404(PrintJob.objects.select_related("certificate"), pk=pk)
        if request.method != "POST" and (refusal := self._step_refusal(job, "reprint")):
            self.message_user(request, refusal, messages.WARNING)
            return redirect("admin:licenses_printjob_change", job.pk)
        form = ReprintForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                pdf = services.print_job_reprint(job_id=job.pk, actor=request.user, reason=form.cleaned_data["reason"])
            except ActionRefused as refused:
                self.message_user(request, refused.message, messages.WARNING)
                return redirect("admin:licenses_printjob_change", job.pk)
            self.message_user(
                request, _("%(number)s reprinted; the reason is logged.") % {"number": job.certificate.number}
            )
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
        # One PDF, or for a batch of more than PRINT_BATCH_PAGES a ZIP of its PDFs in printing order.
        suffix = Path(batch.file.name).suffix or ".pdf"
        content_type = "application/zip" if suffix == ".zip" else "application/pdf"
        response = FileResponse(batch.file.open("rb"), content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="print-batch-{batch.pk}{suffix}"'
        return response
