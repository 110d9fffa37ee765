"""The steps a member of staff takes on a question, each through its service, and who may take which."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal import errors

from .. import clock, services
from ..models import Message, Question, ReplyKind
from . import forms

ANSWER = "consultations.answer_question"


@dataclass(frozen=True)
class Step:
    name: str
    label: str
    run: Callable
    form: type | None = None


def _claim(question, actor, data):
    return services.question_claim(question_id=question.pk, actor=actor)


def _classify(question, actor, data):
    return services.question_classify(question_id=question.pk, actor=actor, kind=data["kind"])


def _answer(question, actor, data):
    return services.question_answer(question_id=question.pk, actor=actor, **data)


def _forward(question, actor, data):
    return services.question_forward(question_id=question.pk, actor=actor, to=data["to"], note=data["note"])


def _release(question, actor, data):
    return services.question_release(question_id=question.pk, actor=actor)


def _correct(question, actor, data):
    return services.question_correct(question_id=question.pk, actor=actor, **data)


STEPS = {
    step.name: step
    for step in [
        Step("claim", _("Take up"), _claim),
        Step("classify", _("Classify the kind of reply"), _classify, forms.ClassifyForm),
        Step("answer", _("Answer"), _answer, forms.AnswerForm),
        Step("forward", _("Forward"), _forward, forms.ForwardForm),
        Step("release", _("Put back in the queue"), _release),
        Step("correct", _("Correct the answer"), _correct, forms.CorrectForm),
    ]
}


def steps_for(question: Question, user, messages_: list[Message] | None = None) -> list[str]:
    """Return the names of the steps open to this member of staff now (publishing included)."""
    if not (user.is_active and user.has_perm(ANSWER)):
        return []  # supervisors and everyone else without the role read only
    if question.state == Question.State.QUEUED:
        return ["claim"] if services.may_take_up(user, question) else []
    if question.state == Question.State.IN_PROGRESS:
        if question.handler_id == user.pk:
            return ["classify", "answer", "forward", "release"]
        # A handler who left or moved on leaves the question to the queue's staff.
        return ["release"] if services.handler_gone(question) and services.may_take_up(user, question) else []
    open_ = []
    thread = messages_ if messages_ is not None else list(question.messages.all())
    if any(m.kind == Message.Kind.ANSWER and m.author_id == user.pk for m in thread):
        open_.append("correct")
    own = not services.faq_department_only(user) or question.department_id == user.department_id
    if user.has_perm("consultations.add_faqentry") and own and not _published(question):
        open_.append("publish")
    return open_


def _published(question: Question) -> bool:
    try:
        return question.faq_entry is not None
    except Question.faq_entry.RelatedObjectDoesNotExist:
        return False


def due_by_kind(question: Question) -> dict:
    """Return, for each kind of reply, the local deadline it would give the question now."""
    return {kind: timezone.localtime(clock.deadline_for(kind, question.queued_at)) for kind in ReplyKind.values}


class QuestionActionMixin:
    """Show one step's form (or confirmation) and run it through its service."""

    def action_view(self, request, pk, action):
        question = self._get_visible(request, pk)
        if not request.user.has_perm(ANSWER):
            raise PermissionDenied
        step = STEPS.get(action)
        if step is None:
            raise Http404("No such step")
        change_url = reverse("admin:consultations_question_change", args=[question.pk])
        is_open = action in steps_for(question, request.user)
        # A claim that lost the race still goes to the service: its message names who won.
        if not is_open and action != "claim":
            self.message_user(
                request,
                _("This step is not open to you: question %(reference)s is now %(state)s.")
                % {"reference": question.reference, "state": question.get_state_display()},
                messages.WARNING,
            )
            return redirect(change_url)
        form = None
        if step.form is not None:
            extra = {"due_by_kind": due_by_kind(question)} if action == "classify" else {}
            form = step.form(request.POST if request.method == "POST" else None, question=question, **extra)
        if request.method == "POST" and (form is None or form.is_valid()):
            try:
                step.run(question, request.user, form.cleaned_data if form is not None else {})
            except errors.ActionRefused as refused:
                self.message_user(request, refused.message, messages.WARNING)
            else:
                question.refresh_from_db()
                self.message_user(request, self._done_message(action, question, request.user), messages.SUCCESS)
            return redirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "question": question,
            "action": action,
            "action_label": step.label,
            "form": form,
            "title": f"{step.label}: {question.reference}",
        }
        return TemplateResponse(request, "admin/consultations/question/action.html", context)

    @staticmethod
    def _done_message(action: str, question: Question, user) -> str:
        if action == "classify" and question.current_due_at:
            return _("%(reference)s: now due %(due)s.") % {
                "reference": question.reference,
                "due": f"{timezone.localtime(question.current_due_at):%Y-%m-%d %H:%M}",
            }
        if action == "forward" and question.first_responder_id != user.pk:
            return _("%(reference)s forwarded to %(queue)s; its first responder stays accountable.") % {
                "reference": question.reference,
                "queue": question.department.name if question.department_id else _("the hall's general window"),
            }
        if action == "forward":
            return _("%(reference)s forwarded to %(queue)s; you stay its first responder.") % {
                "reference": question.reference,
                "queue": question.department.name if question.department_id else _("the hall's general window"),
            }
        return _("%(reference)s: done, the question is now %(state)s.") % {
            "reference": question.reference,
            "state": question.get_state_display(),
        }
