"""URLs of the whole site; each app adds its own module."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from . import views
from .models import User

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("me/", views.me, name="me"),
    path("me/notifications/read/", views.notifications_read, name="notifications_read"),
    path("", include("approvals.urls")),
    path("", include("licenses.urls")),
    path("", include("consultations.urls")),
    path("", include("oversight.urls")),
    path("accounts/register/", views.register_choice, name="register"),
    path("accounts/register/citizen/", views.register, {"kind": User.Kind.CITIZEN}, name="register_citizen"),
    path(
        "accounts/register/enterprise/",
        views.register,
        {"kind": User.Kind.ENTERPRISE},
        name="register_enterprise",
    ),
    path("accounts/register/verify/", views.register_verify, name="register_verify"),
    path("accounts/register/verify/resend/", views.register_resend, name="register_resend"),
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/password_reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("accounts/password_change/", views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "accounts/reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    # The staff site, at the prefix the operator chose (ADMIN_URL_PATH); its second-factor step
    # under the same prefix, so a separate admin host (ADMIN_HOST) serves it as well.
    path(f"{settings.ADMIN_URL_PATH}second-factor/", include("portal.two_factor.urls")),
    path(settings.ADMIN_URL_PATH, admin.site.urls),
]

if settings.BENCH_HELLO:
    urlpatterns.append(path("bench/hello/", views.bench_hello))

handler400 = "portal.views.bad_request"
handler403 = "portal.views.permission_denied"
handler404 = "portal.views.page_not_found"
handler500 = "portal.views.server_error"
