from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Portal core")

    def ready(self):
        from . import checks, signals  # noqa: F401, PLC0415 - registers checks, connects receivers; imports models
