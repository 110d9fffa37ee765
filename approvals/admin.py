"""Admin: the service catalogue, intake by window clerks, review and batch approval by reviewers."""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from portal import errors
from portal.admin import ReadOnlyAdmin

from . import deadlines, schema, selectors, services, tasks
from .forms import (
    ApplicationForm,
    CorrectionFormSet,
    ExtendForm,
    ReasonForm,
    SupervisionFilterForm,
    SuspendForm,
    WalkInForm,
    correction_targets,
)
from .models import Application, BatchJob, ServiceItem, ServiceMaterial, State, remedy_text


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
        (_("Guide"), {"fields": ["legal_basis", "conditions", "process", "place", "hours", "phone"]}),
        (_("Extra fields of the application form"), {"fields": ["extra_fields"]}),
    ]


# --- applications: intake (window clerks) and review (department reviewers) ---------------


class StateFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [(value, label) for value, label in State.choices if value != State.DRAFT]

    def queryset(self, request, queryset):
        return queryset.filter(state=self.value()) if self.value() else queryset


@admin.register(Application)
class ApplicationAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    """One admin for every role; what a user sees is decided by selectors.applications_for_staff."""

    list_display = [
        "reference",
        "item_name",
        "applicant_name",
        "department",
        "state_badge",
        "channel",
        "submitted_at",
        "waited",
        "due",
        "handler",
    ]
    list_select_related = ["item", "department", "handler"]
    list_filter = [StateFilter, "channel"]
    search_fields = ["reference", "applicant_name", "=applicant_id_number", "item__name"]
    list_per_page = 50
    actions = ["batch_approve"]
    fieldsets = [
        (None, {"fields": ["reference", "item", "department", "channel", "state", "handler"]}),
        (
            _("Time limits"),
            {"fields": ["sla_level", "intake_due_at", "due_at", "statutory_due_at", "auto_accepted"]},
        ),
        (_("Applicant"), {"fields": ["applicant_name", "identity", "contact_name", "masked_contact_phone"]}),
        (
            _("Receiving the result"),
            {"fields": ["delivery_method", "delivery_address", "agent_name", "agent_identity"]},
        ),
        (
            _("Dates and decision"),
            {
                "fields": [
                    "submitted_at",
                    "accepted_at",
                    "decided_at",
                    "decision_reason",
                    "extension_days",
                    "extension_reason",
                    "extension_approved_by",
                    "flagged_for_supervision",
                ]
            },
        ),
    ]
    readonly_fields = [name for _title, options in fieldsets for name in options["fields"]]

    # Scope: every list, search, filter, count and URL goes through this queryset.
    def get_queryset(self, request):
        return selectors.applications_for_staff(request.user)

    def get_list_filter(self, request):
        if request.user.has_perm("approvals.intake_application") or request.user.has_perm(
            "approvals.approve_second_correction"
        ):
            return [StateFilter, "channel", "department"]
        return [StateFilter, "channel"]

    def get_ordering(self, request):
        if request.user.has_perm("approvals.intake_application"):
            return ["submitted_at", "id"]  # the clerk's queue: oldest first
        # The reviewer's queue: the nearest deadline first; cases without a running clock last.
        return [F("sla_due_at").asc(nulls_last=True), "submitted_at", "id"]

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not request.user.has_perm("approvals.review_application"):
            actions.pop("batch_approve", None)
        return actions

    @admin.display(description=_("item"), ordering="item__name")
    def item_name(self, obj):
        return obj.item.name

    @admin.display(description=_("state"), ordering="state")
    def state_badge(self, obj):
        return format_html('<span class="ow-state ow-state-{}">{}</span>', obj.state, obj.get_state_display())

    @admin.display(description=_("due"), ordering="sla_due_at")
    def due(self, obj):
        if obj.sla_due_at is None:
            return "—"
        return format_html(
            '<span class="ow-sla ow-sla-{}">{}</span>', obj.sla_level, deadlines.day_of(obj.sla_due_at).isoformat()
        )

    @admin.display(description=_("working days waited"))
    def waited(self, obj):
        if obj.state not in (State.SUBMITTED, State.ACCEPTED):
            return "—"
        return selectors.working_days_waited(obj)

    @admin.display(description=_("ID number or credit code"))
    def identity(self, obj):
        return obj.masked_id_number

    @admin.display(description=_("agent's ID number"))
    def agent_identity(self, obj):
        from portal.masking import mask_id_number

        return mask_id_number(obj.agent_id_number)

    @admin.display(description=_("contact phone"))
    def masked_contact_phone(self, obj):
        return obj.masked_contact_phone

    def get_list_display(self, request):
        if request.user.has_perm("approvals.intake_application") or request.user.has_perm(
            "approvals.approve_second_correction"
        ):
            return self.list_display
        # A reviewer's list holds their own department only.
        return [name for name in self.list_display if name not in ("department", "channel")]

    # --- extra pages -----------------------------------------------------------------------

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("walk-in/", view(self.walk_in_view), name="approvals_application_walk_in"),
            path("supervision/", view(self.supervision_view), name="approvals_application_supervision"),
            path("<int:pk>/fill/", view(self.walk_in_fill_view), name="approvals_application_fill"),
            path("<int:pk>/act/<str:action>/", view(self.action_view), name="approvals_application_act"),
            path(
                "<int:pk>/material/<int:file_pk>/",
                view(self.material_view),
                name="approvals_application_material",
            ),
            *super().get_urls(),
        ]

    def _get_visible(self, request, pk) -> Application:
        if not self.has_view_permission(request):
            raise PermissionDenied
        return get_object_or_404(self.get_queryset(request), pk=pk)

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "can_file_walk_in": request.user.has_perm("approvals.intake_application"),
            "can_supervise": request.user.has_perm("approvals.approve_second_correction"),
        }
        return super().changelist_view(request, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        application = self._get_visible(request, object_id)
        fields = [
            (f["label"], schema.display_value(f, application.form_data.get(f["key"], "")))
            for f in application.item.extra_fields
        ]
        extra_context = {
            **(extra_context or {}),
            "application": application,
            "extra_fields": fields,
            "files": application.files.select_related("material"),
            "provided": self._provided(application),
            "notices": application.correction_notices.prefetch_related("items__material"),
            "pauses": application.pauses.all(),
            "log": selectors.staff_log(application),
            "staff_actions": [
                (name, ACTION_LABELS[name]) for name in selectors.staff_actions_for(application, request.user)
            ],
            "show_full_identity": request.user.has_perm("approvals.intake_application"),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    @staticmethod
    def _provided(application):
        from .material_sources import provided_materials

        names = {m.pk: m.name for m in application.item.materials.all()}
        return [(names.get(pk, ""), source) for pk, source in provided_materials(application).items()]

    def material_view(self, request, pk, file_pk):
        """Stream an uploaded material to staff who may see the application."""
        application = self._get_visible(request, pk)
        record = get_object_or_404(application.files, pk=file_pk)
        try:
            handle = record.file.open("rb")
        except FileNotFoundError:
            raise Http404("File missing from storage") from None
        response = FileResponse(handle, filename=record.original_name, content_type=record.content_type)
        response["X-Content-Type-Options"] = "nosniff"
        response["Content-Security-Policy"] = "sandbox"
        response["Cache-Control"] = "private, no-store"
        return response

    def action_view(self, request, pk, action):
        """Show the form of one action (or a confirmation) and run it through the service."""
        application = self._get_visible(request, pk)
        change_url = reverse("admin:approvals_application_change", args=[application.pk])
        if action not in selectors.STAFF_ACTIONS:
            raise Http404("No such action")
        if action not in selectors.staff_actions_for(application, request.user):
            self.message_user(
                request,
                _("This application was already handled or the step is not open to you: it is now %(state)s.")
                % {"state": application.get_state_display()},
                messages.WARNING,
            )
            return redirect(change_url)
        form = self._action_form(action, application, request.POST if request.method == "POST" else None)
        if request.method == "POST" and (form is None or form.is_valid()):
            try:
                self._run_action(action, application, request.user, form)
            except errors.ActionRefused as refused:
                self.message_user(request, refused.message, messages.WARNING)
            else:
                application.refresh_from_db()
                self.message_user(
                    request,
                    _("%(reference)s: done, the application is now %(state)s.")
                    % {"reference": application.reference, "state": application.get_state_display()},
                    messages.SUCCESS,
                )
            return redirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "application": application,
            "action": action,
            "action_label": ACTION_LABELS[action],
            "form": form,
            "title": f"{ACTION_LABELS[action]}: {application.reference}",
            "remedy": remedy_text() if action in ("reject", "deny") else "",
        }
        return TemplateResponse(request, "admin/approvals/application/action.html", context)

    @staticmethod
    def _action_form(action, application, data):
        if action in ("reject", "deny"):
            return ReasonForm(data)
        if action == "suspend":
            return SuspendForm(data)
        if action == "extend":
            return ExtendForm(data)
        if action == "request_correction":
            return CorrectionFormSet(data, form_kwargs={"targets": correction_targets(application.item)})
        return None

    @staticmethod
    def _run_action(action, application, user, form):
        pk = application.pk
        if action == "request_correction":
            materials = {m.pk: m for m in application.item.materials.all()}
            items = []
            for row in form.cleaned_data:
                target = row.get("target")
                if not target:
                    continue
                kind, _, value = target.partition(":")
                material = materials.get(int(value)) if kind == "m" else None
                items.append((material, value if kind == "f" else "", row["reason"]))
            services.application_request_correction(application_id=pk, actor=user, items=items)
        elif action in ("reject", "deny"):
            call = services.application_reject if action == "reject" else services.application_deny
            call(application_id=pk, actor=user, reason=form.cleaned_data["reason"])
        elif action == "suspend":
            services.application_suspend(application_id=pk, actor=user, **form.cleaned_data)
        elif action == "extend":
            services.application_extend(application_id=pk, actor=user, **form.cleaned_data)
        else:
            getattr(services, f"application_{action}")(application_id=pk, actor=user)

    # --- supervision (效能监察) ------------------------------------------------------------------

    def supervision_view(self, request):
        """Per-department time-limit figures and the late applications, for supervisors."""
        if not (request.user.is_superuser or request.user.has_perm("approvals.approve_second_correction")):
            raise PermissionDenied
        form = SupervisionFilterForm(request.GET or None)
        start = end = None
        if form.is_bound and form.is_valid():
            start, end = form.cleaned_data["start"], form.cleaned_data["end"]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Supervision: time limits by department"),
            "form": form,
            **selectors.supervision_figures(start=start, end=end),
        }
        return TemplateResponse(request, "admin/approvals/application/supervision.html", context)

    # --- walk-in applications ----------------------------------------------------------------

    def walk_in_view(self, request):
        if not request.user.has_perm("approvals.intake_application"):
            raise PermissionDenied
        form = WalkInForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                application = services.application_start_walk_in(
                    clerk=request.user,
                    item=data["item"],
                    kind=data["applicant_kind"],
                    id_number=data["id_number"],
                    name=data["name"],
                    contact_name=data["contact_name"],
                    mobile=data["mobile"],
                )
            except errors.ActionRefused as refused:
                form.add_error(None, refused.message)
            else:
                return redirect("admin:approvals_application_fill", application.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "form": form,
            "title": _("File a walk-in application"),
        }
        return TemplateResponse(request, "admin/approvals/application/walk_in.html", context)

    def walk_in_fill_view(self, request, pk):
        """Step 2 of a walk-in application: the item's form and materials, then submit."""
        if not request.user.has_perm("approvals.intake_application"):
            raise PermissionDenied
        application = self._get_visible(request, pk)
        if application.channel != Application.Channel.WINDOW or not application.editable_by_applicant:
            return redirect("admin:approvals_application_change", application.pk)
        item = application.item
        form = ApplicationForm(
            request.POST if request.method == "POST" else None,
            item=item,
            initial=ApplicationForm.initial_for(application),
        )
        file_errors, missing = [], []
        if request.method == "POST":
            try:
                file_errors = services.application_add_uploads(
                    application=application, files=request.FILES, actor=request.user
                )
                if form.is_valid():
                    services.application_update(application=application, actor=request.user, data=form.draft_data())
            except errors.ActionRefused as refused:
                self.message_user(request, refused.message, messages.WARNING)
                return redirect("admin:approvals_application_change", application.pk)
            if form.is_valid() and not file_errors and request.POST.get("action") == "submit":
                try:
                    application = services.application_submit(application_id=application.pk, actor=request.user)
                except services.ApplicationIncomplete as incomplete:
                    missing = incomplete.missing
                except errors.ActionRefused as refused:
                    self.message_user(request, refused.message, messages.WARNING)
                else:
                    self.message_user(
                        request,
                        _("Walk-in application %(reference)s submitted.") % {"reference": application.reference},
                        messages.SUCCESS,
                    )
                    return redirect("admin:approvals_application_change", application.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "application": application,
            "form": form,
            "extra_fields": [form[name] for name in form.extra_field_names()],
            "materials": self._materials_with_files(application),
            "file_errors": file_errors,
            "missing": missing,
            "title": _("Walk-in application: %(item)s") % {"item": item.name},
        }
        return TemplateResponse(request, "admin/approvals/application/walk_in_fill.html", context)

    @staticmethod
    def _materials_with_files(application):
        """Return (material, its uploaded files) pairs with two queries, whatever the number of materials."""
        files = list(application.files.all())
        return [(m, [f for f in files if f.material_id == m.pk]) for m in application.item.materials.all()]

    # --- batch approval ----------------------------------------------------------------------

    @admin.action(description=_("Approve the selected applications"), permissions=["review"])
    def batch_approve(self, request, queryset):
        selected = list(queryset.values_list("pk", flat=True))
        in_review = queryset.filter(state=State.IN_REVIEW, department_id=request.user.department_id).count()
        if request.POST.get("confirmed") != "yes":
            context = {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": _("Approve in batch"),
                "selected": selected,
                "count": len(selected),
                "in_review": in_review,
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
        skipped = job.items.filter(approved=False).select_related("application")
        message = _("%(done)d approved, %(skipped)d skipped.") % {"done": job.done, "skipped": job.failed}
        reasons = "; ".join(f"{item.application.reference}: {item.message}" for item in skipped[:20])
        self.message_user(
            request, f"{message} {reasons}".strip(), messages.SUCCESS if not job.failed else messages.WARNING
        )
        return None

    def has_review_permission(self, request):
        return request.user.has_perm("approvals.review_application")


ACTION_LABELS = {
    "accept": _("Accept"),
    "request_correction": _("Request correction (one-time notice)"),
    "reject": _("Reject (不予受理)"),
    "claim": _("Claim for review"),
    "suspend": _("Suspend the clock"),
    "resume": _("Resume"),
    "extend": _("Extend the time limit"),
    "approve": _("Approve"),
    "deny": _("Deny (不予许可)"),
}


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
            "skipped": job.items.filter(approved=False).select_related("application")[:200],
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
