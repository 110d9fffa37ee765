"""Walk-in applications filed by a window clerk for a visitor at the hall."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from portal import errors

from .. import services
from ..forms import ApplicationForm, WalkInForm
from ..models import Application


class WalkInMixin:
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
