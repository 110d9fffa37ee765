from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from portal import demo, personal_centre


class ApprovalsConfig(AppConfig):
    name = "approvals"
    verbose_name = _("Approvals")

    def ready(self):
        # Modules that import models come here: when Django imports this file, no model is loaded yet.
        from portal import page_cache  # noqa: PLC0415 - imports models
        from portal.clock import registry  # noqa: PLC0415 - imports models
        from portal.models import Department, District  # noqa: PLC0415 - imports models

        from . import clock, services  # noqa: PLC0415 - imports models
        from .demo import load_demo_catalogue  # noqa: PLC0415 - imports models
        from .demo_history import load_demo_history  # noqa: PLC0415 - imports models
        from .demo_work import load_demo_work  # noqa: PLC0415 - imports models
        from .disclosure import clock as disclosure_clock  # noqa: PLC0415 - imports models
        from .disclosure.demo import load_demo_disclosure  # noqa: PLC0415 - imports models
        from .models import Application, ServiceItem, ServiceMaterial  # noqa: PLC0415 - imports models
        from .views import my_applications_section  # noqa: PLC0415 - imports models

        # The public pages' fragments are rendered again whenever the catalogue changes.
        page_cache.watch(Department, District, ServiceItem, ServiceMaterial)

        demo.register("approvals", order=10, loader=load_demo_catalogue)
        demo.register("applications", order=30, loader=load_demo_work)
        # The last six months of concluded applications (rated by the consultations demo, counted by the statistics).
        demo.register("history", order=35, loader=load_demo_history)
        registry.register(clock.applications_clock(on_passed=services.application_accept_late_intake))
        demo.register("disclosure", order=36, loader=load_demo_disclosure)
        registry.register(disclosure_clock.publication_clock())
        personal_centre.watch(Application, owner="applicant_id")
        personal_centre.register(
            "applications",
            order=10,
            template="approvals/me_applications.html",
            context=my_applications_section,
        )
