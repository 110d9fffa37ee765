from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Portal core")

    def ready(self):
        from . import checks, personal_centre, signals  # noqa: F401, PLC0415 - registers checks, connects receivers; imports models
        from .audit import checks as audit_checks  # noqa: F401, PLC0415 - registers the retention check
        from .audit import receivers  # noqa: F401, PLC0415 - records logins, lock-outs and admin changes
        from .models import Notification  # noqa: PLC0415

        personal_centre.watch(Notification, owner="user_id")


class PortalAdminConfig(AdminConfig):
    """The Django admin, served by the portal's own admin site (portal/admin_site.py)."""

    default_site = "portal.admin_site.PortalAdminSite"
