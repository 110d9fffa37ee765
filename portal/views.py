"""Views of the portal core: home, registration, personal centre, health, error pages."""

import functools
import logging
import secrets

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.hashers import make_password
from django.http import FileResponse, HttpResponse, HttpResponseRedirect, HttpResponseServerError, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET, require_POST
from django_ratelimit.core import is_ratelimited

from . import page_cache, personal_centre, selectors, services, tasks
from .errors import ActionRefused
from .forms import CitizenRegistrationForm, EnterpriseRegistrationForm, TakeoverCodeForm
from .models import TakeoverCode, User
from .net import client_ip
from .personal_data import lookup_hash

logger = logging.getLogger(__name__)

REGISTRATION_FORMS = {
    User.Kind.CITIZEN: CitizenRegistrationForm,
    User.Kind.ENTERPRISE: EnterpriseRegistrationForm,
}


def home(request):
    render_sections = functools.partial(loader.render_to_string, "portal/_home_sections.html")
    sections = page_cache.fragment(request, "home", (), render_sections)
    return render(request, "portal/home.html", {"sections": mark_safe(sections)})  # noqa: S308 - our own HTML


def register_choice(request):
    if request.user.is_authenticated:
        return redirect("me")
    return render(request, "registration/register_choice.html")


def _registration_limited(request) -> bool:
    """Count this registration against its address and the ID number or credit code typed; True when over."""
    by_address = is_ratelimited(
        request,
        group="portal.register.address",
        key=lambda group, request: client_ip(request) or "unknown",
        rate=settings.REGISTER_RATE_LIMIT,
        increment=True,
    )
    number = request.POST.get("id_number") or request.POST.get("credit_code") or ""
    by_account = bool(lookup_hash(number)) and is_ratelimited(
        request,
        group="portal.register.account",
        key=lambda group, request: lookup_hash(number),
        rate=settings.REGISTER_ACCOUNT_RATE_LIMIT,
        increment=True,
    )
    return by_address or by_account


def register(request, kind):
    """Register a citizen or an enterprise and log them in; an identity with an account goes to the code page."""
    if request.user.is_authenticated:
        return redirect("me")
    form_class = REGISTRATION_FORMS[kind]
    form = form_class(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if _registration_limited(request):
            form.add_error(
                None,
                _("Too many registrations from your network or for this number. Please wait an hour and try again."),
            )
            status = 429
        elif form.is_valid() and form.existing_account is not None:
            return _takeover_begin(request, kind, form)
        elif form.is_valid():
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
            )
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(
                request, _("Welcome, %(name)s. Your account has been created.") % {"name": user.display_name}
            )
            return redirect("me")
    return render(
        request,
        "registration/register_form.html",
        {"form": form, "kind": kind, "kind_label": User.Kind(kind).label},
        status=status,
    )


# The registration waiting for its code: what was typed (the password only hashed) and the code's id.
TAKEOVER_SESSION_KEY = "portal.takeover"


def _takeover_begin(request, kind, form):
    """Text the existing account's mobile and keep the registration in the session until the code comes back."""
    data = form.cleaned_data
    try:
        result = services.takeover_start(
            account=form.existing_account, matches_hall_record=form.matches_hall_record, request=request
        )
    except ActionRefused as refused:
        return render(request, "registration/register_at_hall.html", {"message": refused.message})
    request.session[TAKEOVER_SESSION_KEY] = {
        "code_id": result.code.pk,
        "kind": kind,
        "username": data["username"],
        "email": data["email"],
        "real_name": data["real_name"],
        "password_hash": make_password(data["password1"]),
    }
    if not result.sent:
        messages.warning(request, result.refusal)
    return redirect("register_verify")


def _takeover_pending(request):
    """Return the registration waiting for its code and its TakeoverCode, or (None, None)."""
    state = request.session.get(TAKEOVER_SESSION_KEY)
    code = None
    if isinstance(state, dict):
        code = TakeoverCode.objects.select_related("account").filter(pk=state.get("code_id")).first()
    if code is None:
        request.session.pop(TAKEOVER_SESSION_KEY, None)
        return None, None
    return state, code


@never_cache
def register_verify(request):
    """Take the code texted to the mobile on file and, if it is right, complete the takeover and log in."""
    if request.user.is_authenticated:
        return redirect("me")
    state, code = _takeover_pending(request)
    if code is None:
        messages.info(request, _("Please fill in the registration form."))
        return redirect("register")
    form = TakeoverCodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.takeover_confirm(
                code_id=code.pk,
                secret=form.cleaned_data["code"],
                username=state["username"],
                email=state["email"],
                real_name=state["real_name"],
                password_hash=state["password_hash"],
                request=request,
            )
        except ActionRefused as refused:
            form.add_error(None, refused.message)
            code.refresh_from_db()
        else:
            request.session.pop(TAKEOVER_SESSION_KEY, None)
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(
                request,
                _("Welcome, %(name)s. The account opened for you at the hall is now yours online.")
                % {"name": user.display_name},
            )
            return redirect("me")
    context = {
        "form": form,
        "minutes": settings.TAKEOVER_CODE_MINUTES,
        "usable": code.completed_at is None and code.tries_left > 0,
        "register_url": reverse("register_citizen" if state["kind"] == User.Kind.CITIZEN else "register_enterprise"),
    }
    return render(request, "registration/register_verify.html", context)


@require_POST
def register_resend(request):
    """Text a new code to the mobile on file, at most once a minute and a few times a day."""
    _state, code = _takeover_pending(request)
    if code is None:
        return redirect("register")
    try:
        result = services.takeover_resend(code_id=code.pk)
    except ActionRefused as refused:
        messages.warning(request, refused.message)
    else:
        if result.sent:
            messages.success(request, _("A new code has been sent. The earlier code no longer works."))
        else:
            messages.warning(request, result.refusal)
    return redirect("register_verify")


@login_required
def me(request):
    """Show the account and every section the apps contribute (applications, appointments...)."""

    def render_held() -> str:
        notifications = list(request.user.notifications.all()[:10])
        context = {
            "sections": personal_centre.rendered(request),
            "notifications": notifications,
            "unread": sum(1 for n in notifications if n.read_at is None),
            "csrf_token": personal_centre.PLACEHOLDER_CSRF,  # the request's own token is put in by held()
        }
        return loader.render_to_string("portal/_me_held.html", context, request=request)

    held = mark_safe(personal_centre.held(request, render_held))  # noqa: S308 - the portal's own templates
    return render(request, "portal/me.html", {"held": held})


@login_required
@require_POST
def notifications_read(request):
    """Mark every notification of the user as read."""
    services.notifications_mark_read(user=request.user)
    return redirect("me")


def bench_hello(request):
    """Answer "Hello, world": the floor scripts/bench_pages.py measures the pages against (BENCH_HELLO only)."""
    return HttpResponse("Hello, world", content_type="text/plain")


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


class PasswordChangeView(auth_views.PasswordChangeView):
    """Change one's own password; the owner is told and the change audited."""

    def form_valid(self, form):
        response = super().form_valid(form)
        services.password_change_record(user=form.user, how=services.PasswordChange.OWN, request=self.request)
        return response


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Choose a new password from the e-mailed link; the owner is told and the reset audited."""

    def form_valid(self, form):
        response = super().form_valid(form)
        services.password_change_record(user=form.user, how=services.PasswordChange.RESET_LINK, request=self.request)
        return response


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


def csrf_failure(request, reason=""):
    """Answer a refused form (CSRF) with a page a citizen understands, instead of Django's English one."""
    reference = _error_reference()
    logger.warning("CSRF failure %s ref=%s: %s", request.path, reference, reason)
    return render(request, "403_csrf.html", {"reference": reference}, status=403)


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
