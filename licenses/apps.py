from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from approvals import material_sources
from portal import demo, personal_centre


class LicensesConfig(AppConfig):
    name = "licenses"
    verbose_name = _("Certificates and printing")

    def ready(self):
        # Modules that import models come here: when Django imports this file, no model is loaded yet.
        from portal.clock import registry  # noqa: PLC0415 - imports models

        from . import queues  # noqa: PLC0415 - imports models
        from .clock import print_clock  # noqa: PLC0415 - imports models
        from .demo import load_demo_certificate_types, load_demo_print_work  # noqa: PLC0415 - imports models
        from .models import Certificate, PrintJob  # noqa: PLC0415 - imports models
        from .services import certificates_standing_in  # noqa: PLC0415 - imports models
        from .views import my_certificates_section  # noqa: PLC0415 - imports models

        demo.register("licenses", order=20, loader=load_demo_certificate_types)
        demo.register("printing", order=40, loader=load_demo_print_work)
        material_sources.register("certificates", certificates_standing_in)
        registry.register(print_clock())
        queues.register()
        personal_centre.watch(Certificate, owner="holder_id")
        personal_centre.watch(PrintJob, owner="certificate__holder_id")
        personal_centre.register(
            "certificates", order=20, template="licenses/me_certificates.html", context=my_certificates_section
        )
