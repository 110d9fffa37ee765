"""The staff site: Django's admin with the portal's own rules for who gets in and what they see."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import admin
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class PortalAdminSite(admin.AdminSite):
    site_header = settings.PORTAL_NAME
    site_title = _("OneWindow staff")
    index_title = _("Work")
    # The app list beside every page took a quarter of a 1280 px screen from the lists' columns;
    # the home page lists the apps and each role's queues instead.
    enable_nav_sidebar = False

    def has_permission(self, request):
        """Let in active staff whose session passed the second factor (django-otp), not a password alone."""
        is_verified = getattr(request.user, "is_verified", None)
        return super().has_permission(request) and callable(is_verified) and is_verified()

    def login(self, request, extra_context=None):
        """Send staff who typed their password but no code yet to the second-factor step."""
        user = request.user
        if user.is_authenticated and user.is_active and user.is_staff and not self.has_permission(request):
            next_url = (
                request.POST.get("next") or request.GET.get("next") or reverse("admin:index", current_app=self.name)
            )
            return HttpResponseRedirect(f"{reverse('two_factor:verify')}?{urlencode({'next': next_url})}")
        return super().login(request, extra_context)
