"""Batch claim and batch approval: the actions on the applications list, and the batches with their progress."""

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from portal import errors
from portal.admin import ReadOnlyAdmin

from .. import services, tasks
from ..models import BatchJob

MESSAGE_REASONS = 20  # skipped references named in a result message; the batch page lists them all


def _with_reasons(summary: str, skipped: list[tuple[str, str]], more: str = "") -> str:
    """Return a result message: the summary, then each skipped reference with its reason."""
    reasons = "; ".join(f"{reference}: {reason}" for reference, reason in skipped[:MESSAGE_REASONS])
    return " ".join(part for part in (str(summary), reasons, more if len(skipped) > MESSAGE_REASONS else "") if part)


class BatchApproveMixin:
    """The batch claim and batch approval actions of the applications list (reviewers only)."""

    @admin.action(description=_("Approve the selected applications"), permissions=["review"])
    def batch_approve(self, request, queryset):
        selected = list(queryset.values_list("pk", flat=True))
        if request.POST.get("confirmed") != "yes":
            preview = services.batch_preview(actor=request.user, application_ids=selected)
            context = {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": _("Approve in batch"),
                "selected": selected,
                "count": len(selected),
                "ready": len(preview.ready),
                "to_claim": preview.to_claim,
                "skipped": preview.skipped,
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
                "sync_limit": settings.BATCH_APPROVE_SYNC_LIMIT,
            }
            return TemplateResponse(request, "admin/approvals/application/batch_confirm.html", context)
        try:
            job = services.batch_job_create(actor=request.user, application_ids=selected)
        except errors.ActionRefused as refused:
            self.message_user(request, refused.message, messages.ERROR)
            return None
        if job.total > settings.BATCH_APPROVE_SYNC_LIMIT:
            transaction.on_commit(lambda: tasks.batch_approve_run.delay(job.pk))
            self.message_user(request, _("%(n)d applications are being approved in the background.") % {"n": job.total})
            return redirect("admin:approvals_batchjob_change", job.pk)
        job = services.batch_job_run(job_id=job.pk)
        skipped = [
            (item.application.reference, item.message)
            for item in job.items.filter(approved=False).select_related("application").order_by("pk")
        ]
        self.message_user(
            request,
            _with_reasons(
                _("%(done)d approved, %(skipped)d skipped.") % {"done": job.done, "skipped": job.failed},
                skipped,
                _("See batch #%(id)d for the others.") % {"id": job.pk},
            ),
            messages.SUCCESS if not job.failed else messages.WARNING,
        )
        return None

    @admin.action(description=_("Claim the selected applications"), permissions=["review"])
    def batch_claim(self, request, queryset):
        try:
            outcome = services.batch_claim(
                actor=request.user, application_ids=list(queryset.values_list("pk", flat=True))
            )
        except errors.ActionRefused as refused:
            self.message_user(request, refused.message, messages.ERROR)
            return
        summary = _("%(claimed)d claimed, %(skipped)d skipped.") % {
            "claimed": len(outcome.claimed),
            "skipped": len(outcome.skipped),
        }
        self.message_user(
            request,
            _with_reasons(
                summary, outcome.skipped, _("%(n)d more skipped.") % {"n": len(outcome.skipped) - MESSAGE_REASONS}
            ),
            messages.SUCCESS if not outcome.skipped else messages.WARNING,
        )

    def has_review_permission(self, request):
        return request.user.has_perm("approvals.review_application")


@admin.register(BatchJob)
class BatchJobAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ["id", "created_by", "department", "status", "total", "done", "failed", "created_at", "finished_at"]
    list_select_related = ["created_by", "department"]
    readonly_fields = ["created_by", "department", "status", "total", "done", "failed", "created_at", "finished_at"]
    fields = readonly_fields
    actions = ["resume_jobs"]

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser or request.user.has_perm("approvals.approve_second_correction"):
            return qs
        if request.user.has_perm("approvals.review_application") and request.user.department_id:
            return qs.filter(department_id=request.user.department_id)
        return qs.none()

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("approvals.review_application") or request.user.has_perm(
            "approvals.approve_second_correction"
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        job = get_object_or_404(self.get_queryset(request), pk=object_id)
        extra_context = {
            **(extra_context or {}),
            "job": job,
            "skipped": job.items.filter(approved=False).select_related("application").order_by("pk")[:200],
        }
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.action(description=_("Resume the selected unfinished batches"), permissions=["review"])
    def resume_jobs(self, request, queryset):
        resumed, refused = 0, []
        for pk in queryset.order_by("pk").values_list("pk", flat=True):
            try:
                services.batch_job_resume(job_id=pk, actor=request.user)
                resumed += 1
            except errors.ActionRefused as error:
                refused.append(f"#{pk}: {error.message}")
        if resumed or not refused:
            self.message_user(request, _("%(n)d batches resumed.") % {"n": resumed}, messages.SUCCESS)
        if refused:
            self.message_user(request, "; ".join(refused[:20]), messages.WARNING)

    def has_review_permission(self, request):
        return request.user.has_perm("approvals.review_application")
