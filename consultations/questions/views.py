"""Public pages of online consultation: ask, follow one's questions, search the FAQ."""

from django.http import Http404


def _not_yet(*args, **kwargs):
    raise Http404


ask = faq = faq_suggest = faq_entry = question = attachment = question_by_token = attachment_by_token = _not_yet
