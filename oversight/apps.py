"""Statistics and supervision (效能监察) over every app: it reads their selectors and nothing imports it."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from portal import demo


class OversightConfig(AppConfig):
    """Statistics and supervision (效能监察) over every app: it reads their selectors and nothing imports it."""

    name = "oversight"
    verbose_name = _("Statistics and supervision")

    def ready(self):
        # --- statistics ---
        # Late (90): the snapshot counts what every other demo loader made.
        from .stats.demo import load_demo_statistics  # noqa: PLC0415 - imports models

        demo.register("statistics", order=90, loader=load_demo_statistics)

        # --- supervision ---
        # Modules that import models come here: when Django imports this file, no model is loaded yet.
        from .supervision import queues, tasks  # noqa: PLC0415 - imports models

        queues.register()
        assert tasks.supervision_digests_send  # imported to register the digest's beat task
