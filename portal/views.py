"""Views of the portal core: home, registration, personal centre, health."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET, require_POST

from . import personal_centre, selectors, services
from .forms import CitizenRegistrationForm, EnterpriseRegistrationForm
from .models import User

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
    """Send reset links on the configured public address, never the request's Host header."""

    def form_valid(self, form):
        self.extra_email_context = {"base_url": settings.PORTAL_BASE_URL}
        return super().form_valid(form)


@require_GET
@cache_control(max_age=7 * 24 * 3600, public=True)
def favicon(request):
    """Serve the site icon at /favicon.ico, where browsers look for it without a <link>."""
    return FileResponse((settings.BASE_DIR / "static" / "favicon.ico").open("rb"), content_type="image/x-icon")
