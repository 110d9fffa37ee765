"""Enrol, verify and reset a staff account's second factor; every outcome is written to the audit trail."""

import re
from base64 import b32decode, b32encode
from dataclasses import dataclass
from datetime import datetime

import django_otp
import segno
from django.conf import settings
from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from .. import audit
from ..audit.models import AuditEvent

TOTP_DEVICE_NAME = "authenticator"
RECOVERY_DEVICE_NAME = "recovery"
_TOTP_CODE = re.compile(r"^\d{6}$")


def second_factor_required(user) -> bool:
    """Return whether this account must pass a second factor before the staff site (every active staff member)."""
    return bool(user.is_authenticated and user.is_active and user.is_staff)


def totp_device_of(user) -> TOTPDevice | None:
    """Return the account's confirmed authenticator, or None before enrolment."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def recovery_codes_left(user) -> int:
    """Return how many unused recovery codes the account has."""
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def totp_key_new() -> str:
    """Return a new random TOTP secret (20 bytes, hex as TOTPDevice stores it)."""
    return random_hex(20)


def totp_key_valid(key) -> bool:
    """Return whether a value is a TOTP secret as totp_key_new makes them."""
    return isinstance(key, str) and re.fullmatch(r"[0-9a-f]{40}", key) is not None


def totp_secret_base32(key: str) -> str:
    """Return the secret as an authenticator app asks for it typed in (base32, in groups of four)."""
    secret = b32encode(bytes.fromhex(key)).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def totp_qr_svg(*, user, key: str) -> str:
    """Return the otpauth:// address of this secret as an inline SVG QR code."""
    url = TOTPDevice(user=user, key=key).config_url
    # No size attributes: the page's CSS scales it to the screen; a light background for dark themes.
    return segno.make(url, error="m").svg_inline(scale=5, border=3, light="#fff", svgclass="qr", omitsize=True)


def normalize_code(code: str) -> str:
    """Return a typed code without spaces and in lower case (recovery codes are shown in groups)."""
    return re.sub(r"\s+", "", code or "").lower()


def _recovery_codes_new(user) -> list[str]:
    """Replace the account's recovery codes with new ones; return them (they are never shown again)."""
    device, _ = StaticDevice.objects.get_or_create(user=user, name=RECOVERY_DEVICE_NAME, defaults={"confirmed": True})
    StaticDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    if not device.confirmed:
        device.confirmed = True
        device.save(update_fields=["confirmed"])
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(settings.SECOND_FACTOR_RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def _verified(request, device) -> None:
    """Mark this session as verified by the device; a new session key, as after a login."""
    request.session.cycle_key()
    django_otp.login(request, device)


def second_factor_enrol(*, request, user, key: str, code: str) -> list[str] | None:
    """Confirm a new authenticator by a code it shows; return the new recovery codes, or None if the code is wrong.

    The secret was generated for this enrolment and kept in the session, never in the
    database, until the code proves the app holds it: a password alone never shows a
    secret that the account's owner later confirms.
    """
    with transaction.atomic():
        device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, key=key, confirmed=True)
        if not device.verify_token(normalize_code(code)):
            transaction.set_rollback(True)
            device = None
        else:
            TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
            codes = _recovery_codes_new(user)
    if device is None:
        audit.record(
            AuditEvent.Action.SECOND_FACTOR,
            request=request,
            outcome=AuditEvent.Outcome.FAILURE,
            detail="enrolment: wrong code",
        )
        return None
    _verified(request, device)
    audit.record(
        AuditEvent.Action.SECOND_FACTOR, request=request, target=user, detail="enrolment: authenticator confirmed"
    )
    return codes


@dataclass(frozen=True)
class Verification:
    """The outcome of one code typed at the second-factor step."""

    ok: bool
    recovery_code_used: bool = False
    locked_until: datetime | None = None
    failures: int = 0


def second_factor_verify(*, request, user, code: str) -> Verification:
    """Check a code from the authenticator (6 digits) or a recovery code; on success verify the session.

    Each device locks itself for 1, 2, 4, 8... seconds (times OTP_TOTP_THROTTLE_FACTOR)
    after each wrong code in a row (django-otp's throttling); a locked device refuses even
    the right code until then.
    """
    code = normalize_code(code)
    is_totp = bool(_TOTP_CODE.match(code))
    kind = "authenticator" if is_totp else "recovery code"
    model = TOTPDevice if is_totp else StaticDevice
    with transaction.atomic():
        device = model.objects.select_for_update().filter(user=user, confirmed=True).order_by("pk").first()
        if device is None:
            result = Verification(ok=False)
        else:
            allowed, info = device.verify_is_allowed()
            if not allowed:
                result = Verification(
                    ok=False,
                    locked_until=(info or {}).get("locked_until"),
                    failures=(info or {}).get("failure_count", 0),
                )
            elif device.verify_token(code):
                result = Verification(ok=True, recovery_code_used=not is_totp)
            else:
                result = Verification(ok=False, failures=device.throttling_failure_count)
    if result.ok:
        _verified(request, device)
        audit.record(AuditEvent.Action.SECOND_FACTOR, request=request, detail=kind)
    else:
        why = "locked after wrong codes" if result.locked_until else "wrong code"
        audit.record(
            AuditEvent.Action.SECOND_FACTOR,
            request=request,
            outcome=AuditEvent.Outcome.FAILURE,
            detail=f"{kind}: {why}",
        )
    return result


def second_factor_recovery_codes_renew(*, request, user) -> list[str]:
    """Replace a verified account's recovery codes with new ones; return them."""
    with transaction.atomic():
        codes = _recovery_codes_new(user)
    audit.record(AuditEvent.Action.SECOND_FACTOR, request=request, target=user, detail="recovery codes renewed")
    return codes


def second_factor_reset(*, request, user) -> None:
    """Remove an account's authenticator and recovery codes: it enrols again at its next login.

    Sessions verified by the removed devices are no longer verified (django-otp finds no device).
    """
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
    audit.record(AuditEvent.Action.SECOND_FACTOR, request=request, target=user, detail="second factor reset")


def _demo_key(totp_secret_base32: str) -> str:
    return b32decode(totp_secret_base32.replace(" ", "")).hex()


def demo_second_factor_set(*, user, totp_secret_base32: str, recovery_code: str) -> None:
    """Give a demo account a known authenticator secret and one known recovery code (seed_demo, DEBUG only)."""
    key = _demo_key(totp_secret_base32)
    with transaction.atomic():
        device, _ = TOTPDevice.objects.update_or_create(
            user=user, name=TOTP_DEVICE_NAME, defaults={"key": key, "confirmed": True}
        )
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        recovery, _ = StaticDevice.objects.update_or_create(
            user=user, name=RECOVERY_DEVICE_NAME, defaults={"confirmed": True}
        )
        StaticDevice.objects.filter(user=user).exclude(pk=recovery.pk).delete()
        recovery.token_set.get_or_create(token=recovery_code)


def demo_second_factor_clear(*, user, totp_secret_base32: str, recovery_code: str) -> None:
    """Remove the known demo secret and recovery code from an account, if it has them (seed_demo with DEBUG off)."""
    TOTPDevice.objects.filter(user=user, key=_demo_key(totp_secret_base32)).delete()
    StaticToken.objects.filter(device__user=user, token=recovery_code).delete()
