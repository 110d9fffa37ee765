"""Publish an answered question to the FAQ: edit, preview with personal details flagged, confirm, publish.

The preview is a required step: it signs the text it showed, and only that text is published;
an edit after the preview needs a new one. Passages that look like an ID number, a phone
number or the asker's name are highlighted and listed; publishing with flags left needs an
explicit confirmation (a number in an answer may be a fee or a document's, not a person's).
"""

from __future__ import annotations

import re

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.html import escape, format_html, mark_safe
from django.utils.translation import gettext_lazy as _

from portal import errors

from .. import faq, services
from ..models import Message, Question
from .actions import steps_for
from .forms import PublishForm

SALT = "consultations.faq-preview"


def preview_signature(question: Question, text: str) -> str:
    return salted_hmac(SALT, f"{question.pk}\n{text}").hexdigest()


def highlight(text: str, flags: list[faq.Flag]):
    """Return the text escaped, each flagged passage marked."""
    html = escape(text)
    for flag in flags:
        if flag.text.endswith("…"):  # a surname followed by 先生/女士/同志
            pattern = re.escape(escape(flag.text[:-1])) + "(?:先生|女士|同志)"
        else:
            pattern = re.escape(escape(flag.text))
        html = re.sub(pattern, lambda m: f'<mark class="ow-flag">{m.group(0)}</mark>', html)
    return mark_safe(html)  # noqa: S308 - escaped above, only <mark> added


def initial_for(question: Question) -> dict:
    """Return the entry as first proposed: the question as asked and the last answer with its basis."""
    answer = question.messages.filter(kind=Message.Kind.ANSWER).order_by("-created_at", "-id").first()
    basis = " ".join(part for part in (answer.basis_document, answer.basis_article) if part) if answer else ""
    limit = PublishForm.base_fields["question_text"].max_length
    return {
        "question_text": question.body[:limit],
        "answer_text": answer.text if answer else "",
        "basis": basis,
        "item": question.item_id,
    }


class PublishMixin:
    def publish_view(self, request, pk):
        question = self._get_visible(request, pk)
        change_url = reverse("admin:consultations_question_change", args=[question.pk])
        if not request.user.has_perm("consultations.add_faqentry"):
            raise PermissionDenied
        if "publish" not in steps_for(question, request.user):
            self.message_user(
                request,
                _("Question %(reference)s cannot be published: it is not answered yet or already in the FAQ.")
                % {"reference": question.reference},
                messages.WARNING,
            )
            return redirect(change_url)
        form = PublishForm(
            request.POST or None, user=request.user, initial=None if request.method == "POST" else initial_for(question)
        )
        preview = None
        if request.method == "POST" and form.is_valid():
            text = form.publishable_text()
            flags = faq.personal_details(text, names=[question.asker_name])
            signature = preview_signature(question, text)
            seen = constant_time_compare(form.cleaned_data["previewed"], signature)
            if request.POST.get("step") == "publish" and not seen:
                form.add_error(None, _("The text changed since the preview: check the new preview, then publish."))
            elif request.POST.get("step") == "publish" and flags and not form.cleaned_data["confirm"]:
                form.add_error(
                    "confirm", _("Some passages still look like personal details: edit them out, or confirm.")
                )
            elif request.POST.get("step") == "publish":
                return self._publish(request, question, form)
            # The preview (or the same page again after a refusal), signed for the text it shows.
            form.data = form.data.copy()
            form.data["previewed"] = signature
            preview = {
                "flags": flags,
                "question_text": highlight(form.cleaned_data["question_text"], flags),
                "answer_text": highlight(form.cleaned_data["answer_text"], flags),
                "basis": highlight(form.cleaned_data["basis"], flags),
            }
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "question": question,
            "form": form,
            "preview": preview,
            "title": _("Publish to the FAQ: %(reference)s") % {"reference": question.reference},
        }
        return TemplateResponse(request, "admin/consultations/question/publish.html", context)

    def _publish(self, request, question, form):
        data = form.cleaned_data
        change_url = reverse("admin:consultations_question_change", args=[question.pk])
        try:
            entry = services.faq_publish(
                actor=request.user,
                question_text=data["question_text"],
                answer_text=data["answer_text"],
                basis=data["basis"],
                item=data["item"],
                department=question.department or question.origin_department,
                source=question,
            )
        except errors.ActionRefused as refused:
            self.message_user(request, refused.message, messages.WARNING)
            return redirect(change_url)
        self.message_user(
            request,
            format_html(
                '{} <a href="{}">{}</a>',
                _("Published in the FAQ."),
                reverse("admin:consultations_faqentry_change", args=[entry.pk]),
                _("Open the entry"),
            ),
            messages.SUCCESS,
        )
        return redirect(change_url)
