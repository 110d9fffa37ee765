from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsultationsConfig(AppConfig):
    name = "consultations"
    verbose_name = _("Consultations and appointments")

    def ready(self):
        # Modules that import models come here: when Django imports this file, no model is loaded yet.
        from portal import work_queues  # noqa: PLC0415 - imports models
        from portal.clock import registry  # noqa: PLC0415 - imports models

        from .questions import clock, selectors  # noqa: PLC0415 - imports models

        registry.register(clock.reply_clock())
        registry.register(clock.forward_clock())
        # The staff queue on the admin's home page (window clerks and consultation staff).
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


def reverse(name: str) -> str:
    from django.urls import reverse as django_reverse  # noqa: PLC0415 - the URLconf loads after the apps

    return django_reverse(name)
