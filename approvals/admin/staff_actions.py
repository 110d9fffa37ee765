"""The page of one staff action on an application: its form or confirmation, then its service."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal import errors

from ..actions import STAFF_ACTIONS
from ..models import remedy_text
from ..selectors import staff_actions_for


class StaffActionMixin:
    """Run the actions of the table in approvals.actions, each through its service."""

    def action_view(self, request, pk, action):
        """Show the form of one action (or a confirmation) and run it through the service."""
        application = self._get_visible(request, pk)
        change_url = reverse("admin:approvals_application_change", args=[application.pk])
        step = STAFF_ACTIONS.get(action)
        if step is None:
            raise Http404("No such action")
        if step not in staff_actions_for(application, request.user):
            self.message_user(
                request,
                _("This application was already handled or the step is not open to you: it is now %(state)s.")
                % {"state": application.get_state_display()},
                messages.WARNING,
            )
            return redirect(change_url)
        form = step.form(request.POST if request.method == "POST" else None, application) if step.form else None
        if request.method == "POST" and (form is None or form.is_valid()):
            try:
                step.run(application, request.user, form.cleaned_data if form is not None else {})
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
            "action_label": step.label,
            "form": form,
            "title": f"{step.label}: {application.reference}",
            "remedy": remedy_text() if step.states_remedy else "",
        }
        return TemplateResponse(request, "admin/approvals/application/action.html", context)
