from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApprovalsConfig(AppConfig):
    name = "approvals"
    verbose_name = _("Approvals")

    def ready(self):
        from portal import personal_centre

        from .views import my_applications_section

        personal_centre.register(
            "applications",
            order=10,
            template="approvals/me_applications.html",
            context=my_applications_section,
        )
