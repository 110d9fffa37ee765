"""Language selection: Chinese unless the visitor chose English with the language switch."""

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_vary_headers


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
