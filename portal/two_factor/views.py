"""The second-factor step between the password and the staff site: enrol an authenticator, or type its code."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache

from . import services
from .forms import EnrolmentForm, VerificationForm

# The secret being enrolled lives in the session until a code confirms it; the recovery
# codes too, until the page that shows them once.
ENROL_KEY_SESSION_KEY = "two_factor_enrol_key"
RECOVERY_CODES_SESSION_KEY = "two_factor_recovery_codes"


def _next_url(request) -> str:
    """Return the page to go on to: a local ?next=, else the staff site's home."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("admin:index")


def _with_next(viewname: str, next_url: str) -> str:
    return f"{reverse(viewname)}?{urlencode({'next': next_url})}"


@never_cache
@login_required
def verify(request):
    """Ask a staff member for the code of their authenticator, or a recovery code."""
    user = request.user
    if not services.second_factor_required(user):
        return redirect("me")
    next_url = _next_url(request)
    if user.is_verified():
        return redirect(next_url)
    if services.totp_device_of(user) is None:
        return redirect(_with_next("two_factor:enrol", next_url))
    form = VerificationForm(request.POST if request.method == "POST" else None)
    locked_until = None
    if request.method == "POST" and form.is_valid():
        result = services.second_factor_verify(request=request, user=user, code=form.cleaned_data["code"])
        if result.ok:
            if result.recovery_code_used:
                left = services.recovery_codes_left(user)
                messages.warning(
                    request,
                    ngettext(
                        "You used a recovery code; %(left)d is left. Renew them in the staff site's account menu.",
                        "You used a recovery code; %(left)d are left. Renew them in the staff site's account menu.",
                        left,
                    )
                    % {"left": left},
                )
            return redirect(next_url)
        if result.locked_until:
            locked_until = result.locked_until
            form.add_error(
                None,
                ngettext(
                    "%(count)d wrong code in a row: checking is paused until %(time)s. Wait, then type the code "
                    "the app shows at that moment.",
                    "%(count)d wrong codes in a row: checking is paused until %(time)s. Wait, then type the code "
                    "the app shows at that moment.",
                    result.failures,
                )
                % {"count": result.failures, "time": timezone.localtime(result.locked_until).strftime("%H:%M:%S")},
            )
        else:
            form.add_error(
                "code",
                _(
                    "This code is not right. Type the 6 digits the app shows now (check that the phone's clock is "
                    "correct), or an unused recovery code. Each wrong code makes the next try wait longer."
                ),
            )
    return render(request, "two_factor/verify.html", {"form": form, "next": next_url, "locked_until": locked_until})


@never_cache
@login_required
def enrol(request):
    """Show a new authenticator secret as a QR code and confirm it by the first code the app shows."""
    user = request.user
    if not services.second_factor_required(user):
        return redirect("me")
    next_url = _next_url(request)
    if services.totp_device_of(user) is not None:
        return redirect(_with_next("two_factor:verify", next_url))
    key = request.session.get(ENROL_KEY_SESSION_KEY)
    if not services.totp_key_valid(key):
        key = services.totp_key_new()
        request.session[ENROL_KEY_SESSION_KEY] = key
    form = EnrolmentForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        codes = services.second_factor_enrol(request=request, user=user, key=key, code=form.cleaned_data["code"])
        if codes is not None:
            request.session.pop(ENROL_KEY_SESSION_KEY, None)
            request.session[RECOVERY_CODES_SESSION_KEY] = codes
            return redirect(_with_next("two_factor:recovery_codes", next_url))
        form.add_error(
            "code",
            _(
                "This code is not right. Check that you scanned the code on this page (or typed the key exactly), "
                "that the phone's clock is correct, and type the 6 digits the app shows now."
            ),
        )
    return render(
        request,
        "two_factor/enrol.html",
        {
            "form": form,
            "next": next_url,
            "qr_svg": services.totp_qr_svg(user=user, key=key),
            "secret": services.totp_secret_base32(key),
        },
    )


@never_cache
@login_required
def recovery_codes(request):
    """Show new recovery codes once (after enrolment or renewal); renew them on POST."""
    user = request.user
    if not (services.second_factor_required(user) and user.is_verified()):
        return redirect(_with_next("two_factor:verify", _next_url(request)))
    next_url = _next_url(request)
    if request.method == "POST":
        request.session[RECOVERY_CODES_SESSION_KEY] = services.second_factor_recovery_codes_renew(
            request=request, user=user
        )
        return redirect(_with_next("two_factor:recovery_codes", next_url))
    codes = request.session.pop(RECOVERY_CODES_SESSION_KEY, None)
    return render(
        request,
        "two_factor/recovery_codes.html",
        {
            "codes": [f"{c[:4]} {c[4:]}" for c in codes] if codes else None,
            "left": services.recovery_codes_left(user),
            "next": next_url,
        },
    )
