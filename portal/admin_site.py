"""The staff site: Django's admin with the portal's own rules for who gets in and what they see."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.contenttypes import views as contenttype_views
from django.contrib.contenttypes.models import ContentType
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from .admin_counts import CappedCountMixin
from .admin_lookups import LookupAllowListMixin

# Mixed into every model admin, ours and third-party, by PortalAdminSite.register.
SITE_MIXINS = (LookupAllowListMixin, CappedCountMixin)


def with_mixins(admin_class, *mixins):
    """Return ``admin_class`` with the mixins it lacks first in its bases, under its own name."""
    missing = tuple(mixin for mixin in mixins if not issubclass(admin_class, mixin))
    if not missing:
        return admin_class
    return type(
        admin_class.__name__,
        (*missing, admin_class),
        {"__module__": admin_class.__module__, "__qualname__": admin_class.__qualname__},
    )


class PortalAdminSite(admin.AdminSite):
    site_header = settings.PORTAL_NAME
    site_title = _("OneWindow staff")
    index_title = _("Work")
    # The app list beside every page took a quarter of a 1280 px screen from the lists' columns;
    # the home page lists the apps and each role's queues instead.
    enable_nav_sidebar = False

    def register(self, model_or_iterable, admin_class=None, **options):
        """Register as Django does, every admin (ours and third-party) with the lookup allow-list and capped counts."""
        admin_class = with_mixins(admin_class or admin.ModelAdmin, *SITE_MIXINS)
        super().register(model_or_iterable, admin_class, **options)

    def get_urls(self):
        """Return Django's admin URLs with "view on site" (``r/<ct>/<pk>/``) scoped like the change pages."""
        scoped = path(
            "r/<path:content_type_id>/<path:object_id>/", self.admin_view(self.view_on_site), name="view_on_site"
        )
        return [scoped if getattr(url, "name", None) == "view_on_site" else url for url in super().get_urls()]

    def view_on_site(self, request, content_type_id, object_id):
        """Redirect to a record's public page only if this user may view the record in the admin.

        Django's own shortcut looks the record up unscoped, and its redirect names it (an
        application's reference), so any staff account could read any record's reference
        through it. Anything the user may not see answers 404, as the change page does.
        """
        try:
            model = ContentType.objects.get_for_id(int(content_type_id)).model_class()
        except (ContentType.DoesNotExist, ValueError):
            raise Http404("No such record") from None
        model_admin = self._registry.get(model)
        if model_admin is None:
            raise Http404("No such record")
        obj = model_admin.get_object(request, unquote(object_id))
        if obj is None or not model_admin.has_view_permission(request, obj):
            raise Http404("No such record")
        return contenttype_views.shortcut(request, content_type_id, obj.pk)

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

    def password_change(self, request, extra_context=None):
        """Send staff to the portal's password change, which audits the change and tells the owner."""
        return redirect("password_change")
