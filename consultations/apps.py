from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from portal import demo


class ConsultationsConfig(AppConfig):
    name = "consultations"
    verbose_name = _("Consultations and appointments")

    def ready(self):
        # Modules that import models come here: when Django imports this file, no model is loaded yet.
        from portal.clock import registry  # noqa: PLC0415 - imports models

        from .questions import clock  # noqa: PLC0415 - imports models
        from .questions.demo import load_demo_questions  # noqa: PLC0415 - imports models

        registry.register(clock.reply_clock())
        registry.register(clock.forward_clock())
        demo.register("consultations", order=50, loader=load_demo_questions)
