"""The supervision dashboard (效能监察): time limits by department and the late applications."""

from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from .. import selectors
from ..forms import SupervisionFilterForm


class SupervisionMixin:
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
