"""The staff site: Django's admin with the portal's own rules for who gets in and what they see."""

from django.conf import settings
from django.contrib import admin
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _

from .admin_lookups import with_lookup_allow_list


class PortalAdminSite(admin.AdminSite):
    site_header = settings.PORTAL_NAME
    site_title = _("OneWindow staff")
    index_title = _("Work")
    # The app list beside every page took a quarter of a 1280 px screen from the lists' columns;
    # the home page lists the apps and each role's queues instead.
    enable_nav_sidebar = False

    def register(self, model_or_iterable, admin_class=None, **options):
        """Register as Django does, every admin (ours and third-party) with the lookup allow-list."""
        admin_class = with_lookup_allow_list(admin_class or admin.ModelAdmin)
        super().register(model_or_iterable, admin_class, **options)

    def password_change(self, request, extra_context=None):
        """Send staff to the portal's password change, which audits the change and tells the owner."""
        return redirect("password_change")
