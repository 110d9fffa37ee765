from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LicensesConfig(AppConfig):
    name = "licenses"
    verbose_name = _("Certificates and printing")

    def ready(self):
        from portal import demo

        from .demo import load_demo_certificate_types

        demo.register("licenses", order=20, loader=load_demo_certificate_types)
