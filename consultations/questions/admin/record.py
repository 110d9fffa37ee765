"""A question received by phone or at the window, recorded by the member of staff who took it."""

import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from portal import errors

from .. import services
from .forms import RecordForm


class RecordMixin:
    @staticmethod
    def may_record(user) -> bool:
        return user.is_active and user.is_staff and user.has_perm("consultations.answer_question")

    def record_view(self, request):
        """Record the question through the service and open it (taken up at once when in one's own queue)."""
        if not self.may_record(request.user):
            raise PermissionDenied
        form = RecordForm(request.POST if request.method == "POST" else None, initial={"form_token": uuid.uuid4()})
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                question = services.question_record(
                    actor=request.user,
                    channel=data["channel"],
                    name=data["name"],
                    mobile=data["mobile"],
                    item=data["item"],
                    department=data["department"],
                    topic=data["topic"],
                    subject=data["subject"],
                    body=data["body"],
                    form_token=data["form_token"] or None,
                )
            except errors.ActionRefused as refused:
                form.add_error(None, refused.message)
            else:
                if getattr(question, "already_sent", False):
                    self.message_user(
                        request,
                        _("This question was already sent (reference %(reference)s).")
                        % {"reference": question.reference},
                        messages.WARNING,
                    )
                    return redirect("admin:consultations_question_change", question.pk)
                self.message_user(
                    request,
                    _("Question %(reference)s recorded; you are its first responder.")
                    % {"reference": question.reference},
                )
                return redirect("admin:consultations_question_change", question.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "form": form,
            "title": _("Record a question received by phone or at the window"),
        }
        return TemplateResponse(request, "admin/consultations/question/record.html", context)
