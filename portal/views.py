"""Views of the portal core: home, registration, personal centre, health, error pages."""

import logging
import secrets

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpResponseRedirect, HttpResponseServerError, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET, require_POST
from django_ratelimit.core import is_ratelimited

from . import personal_centre, selectors, services, tasks
from .forms import CitizenRegistrationForm, EnterpriseRegistrationForm
from .models import User

logger = logging.getLogger(__name__)

REGISTRATION_FORMS = {
    User.Kind.CITIZEN: CitizenRegistrationForm,
    User.Kind.ENTERPRISE: EnterpriseRegistrationForm,
}


def home(request):
    return render(request, "portal/home.html")


def register_choice(request):
    if request.user.is_authenticated:
        return redirect("me")
    return render(request, "registration/register_choice.html")


def register(request, kind):
    """Register a citizen or an enterprise, then log them in."""
    if request.user.is_authenticated:
        return redirect("me")
    form_class = REGISTRATION_FORMS[kind]
    form = form_class(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        user = services.user_register(
            kind=kind,
            username=data["username"],
            password=data["password1"],
            email=data["email"],
            mobile=data["mobile"],
            real_name=data["real_name"],
            id_number=data.get("id_number", ""),
            organization_name=data.get("organization_name", ""),
            credit_code=data.get("credit_code", ""),
            walk_in_account=form.walk_in_account,
        )
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("Welcome, %(name)s. Your account has been created.") % {"name": user.display_name})
        return redirect("me")
    return render(
        request,
        "registration/register_form.html",
        {"form": form, "kind": kind, "kind_label": User.Kind(kind).label},
    )


@login_required
def me(request):
    """Show the account and every section the apps contribute (applications, appointments...)."""
    sections = [{"template": s.template, **s.context(request)} for s in personal_centre.sections()]
    notifications = list(request.user.notifications.all()[:10])
    unread = sum(1 for n in notifications if n.read_at is None)
    return render(request, "portal/me.html", {"sections": sections, "notifications": notifications, "unread": unread})


@login_required
@require_POST
def notifications_read(request):
    """Mark every notification of the user as read."""
    services.notifications_mark_read(user=request.user)
    return redirect("me")


@require_GET
@never_cache
def healthz(request):
    """Report the state of the database and the broker; 503 when one of them is down."""
    checks = {"database": selectors.health_database(), "broker": selectors.health_broker()}
    healthy = all(state == "ok" for state in checks.values())
    body = {"status": "ok" if healthy else "error", **checks}
    return JsonResponse(body, status=200 if healthy else 503)


class LoginView(auth_views.LoginView):
    """Log in; staff land on their work queues in the admin, everyone else on the personal centre."""

    def get_default_redirect_url(self):
        if self.request.user.is_staff:
            return reverse("admin:index")
        return super().get_default_redirect_url()


class PasswordResetView(auth_views.PasswordResetView):
    """Send reset links on the configured public address, rate-limited, telling nothing about accounts.

    Every valid request gets the same "sent if the address is known" page, whether the address
    belongs to an account, and whether a limit was hit (per client address and per e-mail
    address): a limited request sends nothing. The mail is sent by a Celery worker, so the
    answer takes no longer for a known address than for an unknown one.
    """

    def form_valid(self, form):
        email = form.cleaned_data["email"].strip().casefold()
        limited_address = is_ratelimited(
            self.request,
            group="portal.password_reset.ip",
            key="ip",
            rate=settings.PASSWORD_RESET_RATE_LIMIT_IP,
            increment=True,
        )
        limited_email = is_ratelimited(
            self.request,
            group="portal.password_reset.email",
            key=lambda group, request: email,
            rate=settings.PASSWORD_RESET_RATE_LIMIT_EMAIL,
            increment=True,
        )
        if limited_address or limited_email:
            logger.info("Password reset request over the limit (address=%s e-mail=%s)", limited_address, limited_email)
        else:
            _password_reset_email_queue(email, self.request.LANGUAGE_CODE)
        return HttpResponseRedirect(self.get_success_url())


def _password_reset_email_queue(email: str, language: str) -> None:
    """Hand the reset mail to a worker; with the broker down, send it now rather than lose it."""
    try:
        tasks.password_reset_email_send.apply_async(args=[email, language], retry=False)
    except Exception:  # a broker outage must not lose the mail nor answer 500
        logger.warning("Broker unreachable: sending the password reset mail in the request", exc_info=True)
        tasks.password_reset_email_send.apply(args=[email, language])


@require_GET
@cache_control(max_age=7 * 24 * 3600, public=True)
def favicon(request):
    """Serve the site icon at /favicon.ico, where browsers look for it without a <link>."""
    return FileResponse((settings.BASE_DIR / "static" / "favicon.ico").open("rb"), content_type="image/x-icon")


def _error_reference() -> str:
    """Return a short reference that ties an error page to its line in the server log."""
    return secrets.token_hex(4)


def bad_request(request, exception=None):
    """Answer 400 with a page in the visitor's language and a reference that is also logged."""
    reference = _error_reference()
    logger.warning("Bad request %s ref=%s: %s", request.path, reference, exception)
    return render(request, "400.html", {"reference": reference}, status=400)


def permission_denied(request, exception=None):
    """Answer 403 with a page in the visitor's language and a reference that is also logged."""
    reference = _error_reference()
    logger.warning("Permission denied %s ref=%s user=%s", request.path, reference, getattr(request.user, "pk", None))
    return render(request, "403.html", {"reference": reference}, status=403)


def page_not_found(request, exception=None):
    """Answer 404 with a page in the visitor's language and a reference that is also logged."""
    reference = _error_reference()
    logger.info("Not found %s ref=%s", request.path, reference)
    return render(request, "404.html", {"reference": reference, "request_path": request.path}, status=404)


def server_error(request):
    """Answer 500 with a standalone page (no database, no context processors) and a logged reference.

    Django calls this inside the except block of the failed request, so the exception and its
    traceback are logged with the reference the visitor is shown.
    """
    reference = _error_reference()
    logger.exception("Server error %s ref=%s", request.path, reference)
    try:
        body = loader.render_to_string("500.html", {"reference": reference})
    except Exception:  # the error page itself must never fail
        logger.exception("The 500 page failed to render ref=%s", reference)
        body = f"<!doctype html><title>500</title><p>服务器内部错误。编号 / Reference: {reference}</p>"
    return HttpResponseServerError(body)
