from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApprovalsConfig(AppConfig):
    name = "approvals"
    verbose_name = _("Approvals")

    def ready(self):
        from portal import demo, personal_centre
        from portal.clock import registry

        from . import clock, services
        from .demo import load_demo_catalogue
        from .views import my_applications_section

        demo.register("approvals", order=10, loader=load_demo_catalogue)
        registry.register(clock.applications_clock(on_passed=services.application_accept_late_intake))
        personal_centre.register(
            "applications",
            order=10,
            template="approvals/me_applications.html",
            context=my_applications_section,
        )
