from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OversightConfig(AppConfig):
    """Statistics and supervision (效能监察) over every app: it reads their selectors and nothing imports it."""

    name = "oversight"
    verbose_name = _("Statistics and supervision")

    def ready(self):
        # --- supervision ---
        # Modules that import models come here: when Django imports this file, no model is loaded yet.
        from .supervision import queues, tasks  # noqa: PLC0415 - imports models

        queues.register()
        assert tasks.supervision_digests_send  # imported to register the digest's beat task
