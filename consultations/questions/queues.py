"""The questions' entries on the admin's home page: the waiting count and "record a question"."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal import work_queues

from . import selectors


def register() -> None:
    """Register the window clerks' and consultation staff's queue and button."""
    work_queues.register(
        work_queues.Queue(
            name="questions.waiting",
            order=60,
            label=_("Questions waiting to be taken up"),
            permission="consultations.answer_question",
            url=lambda user: reverse("admin:consultations_question_changelist") + "?state__exact=queued",
            count=selectors.waiting_count,
        )
    )
    work_queues.register(
        work_queues.Queue(
            name="questions.record",
            order=60,
            label=_("Record a phone or window question"),
            permission="consultations.answer_question",
            url=lambda user: reverse("admin:consultations_question_record"),
            button=True,
        )
    )
