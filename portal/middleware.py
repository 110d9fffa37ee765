"""Language selection, browser-feature and cache headers, and session time limits."""

import time

from django.conf import settings
from django.contrib import auth, messages
from django.contrib.auth.signals import user_logged_in
from django.contrib.auth.views import redirect_to_login
from django.dispatch import receiver
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import gettext as _


class PortalLanguageMiddleware:
    """Activate the language from the language cookie, else LANGUAGE_CODE.

    Django's LocaleMiddleware would follow the browser's Accept-Language header, so a
    clerk's English-language browser would show an English portal; the city's portal is
    Chinese first and English only by choice.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.available = {code for code, _ in settings.LANGUAGES}

    def __call__(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in self.available:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        patch_vary_headers(response, ["Cookie"])
        response.headers.setdefault("Content-Language", language)
        return response


class PermissionsPolicyMiddleware:
    """Switch off browser features the portal never uses (camera, microphone, location, payment...)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if settings.PERMISSIONS_POLICY:
            response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


def private_path_prefixes() -> tuple[str, ...]:
    """Return the paths under which every page is private: the staff site (at ADMIN_URL_PATH) and /me/."""
    return (reverse("admin:index"), reverse("me"))


class PrivateCacheMiddleware:
    """Forbid storing any page of a logged-in person, and any staff or personal-centre page.

    A shared computer's browser cache, or a proxy, must not keep an applicant's data or a
    clerk's work queue after they leave. Static files never reach this (WhiteNoise answers
    them first), and public pages seen anonymously stay cacheable.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated) or request.path.startswith(private_path_prefixes()):
            patch_cache_control(response, no_store=True, private=True, no_cache=True, must_revalidate=True, max_age=0)
            response.headers.pop("Expires", None)
        return response


SESSION_STARTED_KEY = "_ow_login_at"
SESSION_ACTIVITY_KEY = "_ow_active_at"
# Recording the last activity saves the session; once a minute is precise enough for a 30-minute limit.
ACTIVITY_WRITE_SECONDS = 60


def session_limits_exceeded(session, *, is_staff: bool, now: float) -> str | None:
    """Return "idle" or "max" when the logged-in session has run out, else None."""
    started = session.get(SESSION_STARTED_KEY)
    active = session.get(SESSION_ACTIVITY_KEY)
    if started is not None and now - started > settings.SESSION_MAX_HOURS * 3600:
        return "max"
    idle_minutes = settings.SESSION_IDLE_MINUTES_STAFF if is_staff else settings.SESSION_IDLE_MINUTES_PUBLIC
    if active is not None and now - active > idle_minutes * 60:
        return "idle"
    return None


class SessionTimeoutMiddleware:
    """Log out a session left idle too long (staff 30 minutes, others 2 hours) or older than the maximum.

    The last activity is kept in the session and written at most once a minute, so most
    requests save nothing. An expired session is logged out and sent to the login page
    with a message saying why.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return self.get_response(request)
        now = time.time()
        session = request.session
        expired = session_limits_exceeded(session, is_staff=user.is_staff, now=now)
        if expired:
            auth.logout(request)
            if expired == "idle":
                message = _("For your security, you were logged out after a long time without activity.")
            else:
                message = _("For your security, you were logged out: your login reached its longest duration.")
            messages.info(request, message)
            return redirect_to_login(request.get_full_path())
        session.setdefault(SESSION_STARTED_KEY, now)
        if now - session.get(SESSION_ACTIVITY_KEY, 0) >= ACTIVITY_WRITE_SECONDS:
            session[SESSION_ACTIVITY_KEY] = now
        return self.get_response(request)


@receiver(user_logged_in)
def _session_limits_start(sender, request, user, **kwargs):
    """Start the absolute and idle clocks afresh at every login."""
    if request is not None and hasattr(request, "session"):
        now = time.time()
        request.session[SESSION_STARTED_KEY] = now
        request.session[SESSION_ACTIVITY_KEY] = now


class PasswordChangeRequiredMiddleware:
    """Lead a user whose password an administrator set to the password change, from every page.

    The password was chosen by someone else, so it must not stay in use: until the owner
    picks their own, only the password change itself, logging out, the language switch, the
    health check and static files are served.
    """

    ALLOWED_URL_NAMES = (
        "password_change",
        "password_change_done",
        "logout",
        "admin:logout",
        "set_language",
        "favicon",
        "healthz",
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.must_change_password and not self._allowed(request):
            return redirect("password_change")
        return self.get_response(request)

    def _allowed(self, request) -> bool:
        path = request.path_info
        static_url = settings.STATIC_URL or ""
        if static_url.startswith("/") and path.startswith(static_url):
            return True
        return path in {reverse(name) for name in self.ALLOWED_URL_NAMES}
