"""The site's URLs plus views that fail, for the tests of the error pages."""

from django.core.exceptions import PermissionDenied
from django.urls import path

from portal.urls import handler400, handler403, handler404, handler500
from portal.urls import urlpatterns as site_urlpatterns


def explode(request):
    raise RuntimeError("the kettle boiled dry")


def refuse(request):
    raise PermissionDenied


urlpatterns = [path("test-explode/", explode), path("test-refuse/", refuse), *site_urlpatterns]
__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]
