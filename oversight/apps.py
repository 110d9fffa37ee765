from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OversightConfig(AppConfig):
    """Statistics and supervision (效能监察) over every app: it reads their selectors and nothing imports it."""

    name = "oversight"
    verbose_name = _("Statistics and supervision")
