from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LicensesConfig(AppConfig):
    name = "licenses"
    verbose_name = _("Certificates and printing")

    def ready(self):
        from approvals import material_sources
        from portal import demo, personal_centre
        from portal.clock import registry

        from .clock import print_clock
        from .demo import load_demo_certificate_types
        from .services import certificates_standing_in
        from .views import my_certificates_section

        demo.register("licenses", order=20, loader=load_demo_certificate_types)
        material_sources.register("certificates", certificates_standing_in)
        registry.register(print_clock())
        personal_centre.register(
            "certificates", order=20, template="licenses/me_certificates.html", context=my_certificates_section
        )
