"""The admin on a host name of its own (settings.ADMIN_HOST): other hosts answer 404 for it, and it serves nothing else.

A separate host lets the operator put the staff site behind its own firewall rule or VPN,
and keeps the public host from answering at the admin's address at all.
"""

from django.conf import settings
from django.http import Http404, HttpResponseRedirect
from django.http.request import split_domain_port
from django.urls import reverse

# Besides the admin and the static files, what the admin host serves: logging in and out,
# the language switch, the icon and the health probe.
# The password change is where a password set by the security administrator sends its owner.
_ADMIN_HOST_PAGES = ("login", "logout", "password_change", "password_change_done", "set_language", "favicon", "healthz")


def is_admin_path(path: str) -> bool:
    """Return whether a request path is under the admin's prefix (settings.ADMIN_URL_PATH)."""
    return path.startswith(reverse("admin:index"))


def _allowed_on_admin_host(path: str) -> bool:
    if is_admin_path(path) or path.startswith("/" + settings.STATIC_URL.lstrip("/")):
        return True
    return path in {reverse(name) for name in _ADMIN_HOST_PAGES}


class AdminHostMiddleware:
    """Answer 404 for the admin on any host but ADMIN_HOST, and for anything but the admin on ADMIN_HOST."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        admin_host = settings.ADMIN_HOST
        if admin_host:
            host, _port = split_domain_port(request.get_host())
            if host != admin_host:
                if is_admin_path(request.path):
                    raise Http404("The staff site is not served on this host.")
            elif request.path == "/":
                return HttpResponseRedirect(reverse("admin:index"))
            elif not _allowed_on_admin_host(request.path):
                raise Http404("The staff host serves only the staff site.")
        return self.get_response(request)
