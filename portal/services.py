"""Writes of the portal core: accounts and the working-day calendar."""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import date, timedelta

import chinese_calendar
from chinese_calendar.constants import Holiday, holidays
from chinese_calendar.constants import workdays as makeup_days
from django.apps import apps
from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from . import audit, personal_data, sms
from .clock import calendar
from .errors import ActionRefused
from .fields import EncryptedCharField
from .models import AuditEvent, CalendarDay, Notification, TakeoverCode, User

logger = logging.getLogger(__name__)


def official_calendar_days() -> list[tuple[date, bool, str]]:
    """Return (date, is_workday, note) for every day of every year chinesecalendar knows."""
    chinese_names = {holiday.value: holiday.chinese for holiday in Holiday}
    first_year, last_year = min(holidays).year, max(holidays).year
    rows = []
    day = date(first_year, 1, 1)
    while day.year <= last_year:
        is_workday = chinese_calendar.is_workday(day)
        note = ""
        if day in holidays:
            note = chinese_names.get(holidays[day], holidays[day])
        elif day in makeup_days:
            note = f"{chinese_names.get(makeup_days[day], makeup_days[day])}调休上班"
        rows.append((day, is_workday, note))
        day += timedelta(days=1)
    return rows


def calendar_load_official(*, overwrite: bool = False, model=CalendarDay) -> int:
    """Load the official calendar; keep days edited in the admin unless overwrite is set.

    Returns the number of days created or changed. ``model`` lets a data migration pass
    its historical model.
    """
    rows = official_calendar_days()
    with transaction.atomic():
        existing = dict(model.objects.values_list("date", "is_workday"))
        new = [model(date=d, is_workday=w, note=n) for d, w, n in rows if d not in existing]
        model.objects.bulk_create(new, batch_size=1000)
        changed = 0
        if overwrite:
            stale = [model(date=d, is_workday=w, note=n) for d, w, n in rows if d in existing and existing[d] != w]
            model.objects.bulk_update(stale, ["is_workday", "note"], batch_size=1000)
            changed = len(stale)
    calendar.invalidate()
    return len(new) + changed


def user_register(
    *,
    kind: str,
    username: str,
    password: str,
    email: str,
    mobile: str,
    real_name: str,
    id_number: str = "",
    organization_name: str = "",
    credit_code: str = "",
) -> User:
    """Create a citizen or enterprise account (the registration form has validated every field).

    An identity that already has an account (one opened at the hall included) is never
    registered here: it goes through :func:`takeover_start` and a code sent to its mobile.
    """
    user = User(kind=kind)
    for field, value in {
        "username": username,
        "email": email,
        "mobile": mobile,
        "real_name": real_name,
        "id_number": id_number,
        "organization_name": organization_name,
        "credit_code": credit_code,
    }.items():
        setattr(user, field, value)
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    return user


@dataclass(frozen=True)
class TakeoverSent:
    """What became of the text message of a takeover code: sent, or why not."""

    code: TakeoverCode
    sent: bool
    refusal: str = ""


def _takeover_text(code: TakeoverCode, secret: str) -> str:
    if code.may_take_over:
        template = "portal/sms/takeover-code.txt"
    elif code.account.has_usable_password():
        template = "portal/sms/takeover-has-password.txt"
    else:
        template = "portal/sms/takeover-mismatch.txt"
    context = {"portal_name": settings.PORTAL_NAME, "code": secret, "minutes": settings.TAKEOVER_CODE_MINUTES}
    with translation.override(settings.LANGUAGE_CODE):
        return render_to_string(template, context).strip()


def _new_secret(code: TakeoverCode) -> str:
    """Give ``code`` a new 6-digit secret and expiry; return the secret (kept only hashed).

    An account that may not be taken over gets a secret too, never sent: its hash costs the
    same time as a real one, so the answer's timing does not tell the two kinds apart.
    """
    secret = f"{secrets.randbelow(10**6):06d}"
    code.code_hash = make_password(secret)
    code.expires_at = timezone.now() + timedelta(minutes=settings.TAKEOVER_CODE_MINUTES)
    return secret


def _takeover_wrong_tries_today(account: User, now) -> int:
    """Return the wrong codes typed for the account in the last 24 hours, all its codes together.

    Tries are counted on their code, not timed one by one: every try comes before the code's
    expiry, so a code that expired more than a day ago holds none of them. A code resent over
    several days counts all its tries (at most TAKEOVER_CODE_TRIES): the count errs on the safe side.
    """
    totals = TakeoverCode.objects.filter(account=account, expires_at__gt=now - timedelta(days=1)).aggregate(
        tries=models.Sum("attempts"), right=models.Count("completed_at")
    )
    return (totals["tries"] or 0) - totals["right"]


def _takeover_tries_used_up() -> str:
    return gettext(
        "Too many wrong codes have been typed for this account today. To protect it, no code is accepted until "
        "tomorrow. Please try again tomorrow, or come to the government service hall with your ID card "
        "(or business licence)."
    )


def _takeover_sms(code: TakeoverCode, secret: str) -> TakeoverSent:
    """Text the account's mobile within the limits (one a minute, a few a day); save ``code``.

    The caller holds the account's row lock, so two requests at once cannot both pass the limits.
    """
    now = timezone.now()
    account = code.account
    last = (
        TakeoverCode.objects.filter(account=account, last_sent_at__isnull=False)
        .order_by("-last_sent_at")
        .values_list("last_sent_at", flat=True)
        .first()
    )
    wait = settings.TAKEOVER_SMS_INTERVAL_SECONDS - (now - last).total_seconds() if last else 0
    day_ago = now - timedelta(days=1)
    sent_today = (
        TakeoverCode.objects.filter(account=account)
        .filter(Q(created_at__gte=day_ago) | Q(last_sent_at__gte=day_ago))
        .aggregate(n=models.Sum("sms_count"))["n"]
        or 0
    )
    refusal = ""
    if _takeover_wrong_tries_today(account, now) >= settings.TAKEOVER_TRIES_PER_DAY:
        # No code could be used today: sending one would only spend the owner's messages.
        refusal = _takeover_tries_used_up()
    elif sent_today >= settings.TAKEOVER_SMS_PER_DAY:
        refusal = gettext(
            "Today's text messages to this mobile number are used up. Please try again tomorrow, "
            "or come to the hall with your ID card."
        )
    elif wait > 0:
        refusal = gettext("A code was sent a moment ago. You can ask for a new one in %(seconds)d seconds.") % {
            "seconds": int(wait) + 1
        }
    else:
        try:
            sms.send_sms(account.mobile, _takeover_text(code, secret))
        except sms.SmsError:
            logger.exception("Takeover code %s: the text message could not be sent", code.pk)
            refusal = gettext("The text message could not be sent just now. Please ask for a new code in a minute.")
        else:
            code.sms_count += 1
            code.last_sent_at = now
    code.save()
    return TakeoverSent(code=code, sent=not refusal, refusal=refusal)


def takeover_start(*, account: User, matches_hall_record: bool, request=None) -> TakeoverSent:
    """Answer a registration naming an existing account's identity: text a code or a warning to its mobile.

    Only an account opened at the hall (no password) whose name and mobile the person typed
    as the clerk recorded them may be taken over; its mobile gets the code. An account with
    a password, or a hall account typed with other details, gets a warning instead, and
    its code can never succeed. The caller shows the same page in every case.
    """
    with transaction.atomic():
        account = User.objects.select_for_update().get(pk=account.pk)
        if not account.mobile:
            raise ActionRefused(
                gettext(
                    "This identity cannot be confirmed online. Please come to the government service hall with "
                    "your ID card (or business licence), where a clerk will set up your online account."
                )
            )
        code = TakeoverCode(account=account, may_take_over=matches_hall_record and not account.has_usable_password())
        secret = _new_secret(code)
        if not code.may_take_over:
            reason = "has a password" if account.has_usable_password() else "name or mobile differ from the hall record"
            audit.record(
                AuditEvent.Action.ACCOUNT_TAKEOVER,
                request=request,
                outcome=AuditEvent.Outcome.DENIED,
                target=account,
                username=account.username,
                detail=f"Registration onto an existing account refused ({reason}); the owner is warned by SMS.",
            )
        return _takeover_sms(code, secret)


def takeover_resend(*, code_id: int) -> TakeoverSent:
    """Send a new code for the same takeover (the old one stops working), within the SMS limits."""
    with transaction.atomic():
        code = TakeoverCode.objects.select_for_update().get(pk=code_id)
        code.account = User.objects.select_for_update().get(pk=code.account_id)
        if code.completed_at is not None or code.tries_left == 0:
            raise ActionRefused(gettext("This code can no longer be used. Please fill in the registration again."))
        previous_hash, previous_expiry = code.code_hash, code.expires_at
        secret = _new_secret(code)
        result = _takeover_sms(code, secret)
        if not result.sent:
            # Nothing reached the phone: the code already sent stays the valid one.
            code.code_hash, code.expires_at = previous_hash, previous_expiry
            code.save(update_fields=["code_hash", "expires_at"])
    return result


def _takeover_check(code: TakeoverCode, secret: str, *, day_left: int) -> tuple[str, str]:
    """Check one code typed for ``code`` (a try counts once the code is sent and in time).

    ``day_left`` is how many wrong codes the account may still take today, this one included.

    Return what failed, for the audit row, and the message for the person; both empty if it is right.
    """
    if not code.was_sent:
        # Every registration makes a code, also when no message could go out (the daily limit, within a
        # minute of the last one): nobody was ever shown it, and taking guesses at it would give every
        # registration its own tries.
        return "no text message was sent with this code", gettext(
            "No code has been sent for this registration yet, so none can be accepted. Use “Send a new code” "
            "once the waiting time has passed."
        )
    if code.is_expired:
        return "code expired", gettext(
            "The code has expired. Ask for a new code and type it within %(minutes)d minutes."
        ) % {"minutes": settings.TAKEOVER_CODE_MINUTES}
    code.attempts += 1
    code.save(update_fields=["attempts"])
    right = check_password(secret, code.code_hash)
    if right and code.may_take_over and not code.account.has_usable_password():
        return "", ""
    failure = f"wrong code (try {code.attempts} of {settings.TAKEOVER_CODE_TRIES})"
    left = min(code.tries_left, day_left - 1)
    if left:
        return failure, ngettext(
            "The code is not right. You may try %(count)d more time.",
            "The code is not right. You may try %(count)d more times.",
            left,
        ) % {"count": left}
    if code.tries_left:
        return failure, _takeover_tries_used_up()
    return failure, gettext("The code is not right, and no tries are left. Please fill in the registration again.")


def takeover_confirm(
    *, code_id: int, secret: str, username: str, email: str, real_name: str, password_hash: str, request=None
) -> User:
    """Take over the hall account if ``secret`` is its code, in time and within the tries; log either way.

    The account keeps the name, identity and mobile the clerk recorded; it gains the
    username, e-mail and password typed at registration (and a contact person if it had none).
    Past TAKEOVER_TRIES_PER_DAY wrong codes for the account in 24 hours, every code is refused unchecked.
    """
    with transaction.atomic():
        code = TakeoverCode.objects.select_for_update().get(pk=code_id)
        # The account's row too: the day's tries are counted over all its codes, so one try at a time.
        code.account = account = User.objects.select_for_update().get(pk=code.account_id)
        if code.completed_at is not None or code.tries_left == 0:
            raise ActionRefused(gettext("This code can no longer be used. Please fill in the registration again."))
        wrong_today = _takeover_wrong_tries_today(account, timezone.now())
        if wrong_today >= settings.TAKEOVER_TRIES_PER_DAY:
            outcome, message = AuditEvent.Outcome.DENIED, _takeover_tries_used_up()
            failure = (
                f"code refused unchecked: {wrong_today} wrong codes for this account in 24 hours "
                f"(at most {settings.TAKEOVER_TRIES_PER_DAY})"
            )
        else:
            outcome = AuditEvent.Outcome.FAILURE
            failure, message = _takeover_check(code, secret, day_left=settings.TAKEOVER_TRIES_PER_DAY - wrong_today)
        if not failure:
            account.username = username
            account.email = email
            account.password = password_hash
            if not account.real_name:
                account.real_name = real_name
            try:
                account.full_clean(exclude=["password"])
                with transaction.atomic():
                    account.save()
            except (ValidationError, IntegrityError):
                raise ActionRefused(
                    gettext("The username was taken in the meantime. Please fill in the registration again.")
                ) from None
            code.completed_at = timezone.now()
            code.save(update_fields=["completed_at"])
            audit.record(
                AuditEvent.Action.ACCOUNT_TAKEOVER,
                request=request,
                actor=account,
                target=account,
                detail=f"Hall account taken over online with the code sent to the mobile ending {account.mobile[-4:]}.",
            )
            return account
        audit.record(
            AuditEvent.Action.ACCOUNT_TAKEOVER,
            request=request,
            outcome=outcome,
            target=account,
            username=account.username,
            detail=failure,
        )
    raise ActionRefused(message)


def notification_send(*, user: User, kind: str, title: str, body: str = "", link: str = "") -> Notification:
    """Record a notification for the user and e-mail it once the current transaction commits."""
    return notifications_send([Notification(user=user, kind=kind, title=title, body=body, link=link)])[0]


def notifications_send(notifications: list[Notification]) -> list[Notification]:
    """Record many notifications (unsaved Notification objects) in one insert; e-mail each once the transaction commits.

    The bulk form of notification_send, for batches and the clock sweep: the same rows, the same e-mails.
    """
    if not notifications:
        return []
    created = Notification.objects.bulk_create(notifications)
    to_mail = [notification.pk for notification in created if notification.user.email]
    if to_mail:
        transaction.on_commit(lambda: [queue_notification_email(pk) for pk in to_mail])
    return created


def queue_notification_email(notification_id: int) -> None:
    """Hand the e-mail to a Celery worker; if the broker is down the outbox sweep sends it later."""
    from .tasks import notification_email_send  # noqa: PLC0415  (tasks imports this module)

    try:
        notification_email_send.apply_async(args=[notification_id], retry=False)
    except Exception:  # a broker outage must never break the request that caused the notice
        logger.warning("Broker unreachable: notification %s stays in the outbox", notification_id, exc_info=True)


def notification_email_deliver(*, notification_id: int) -> bool:
    """Send one notification's e-mail unless it was sent already; return whether it was sent now.

    The row is claimed first (so two workers never send it together) and marked sent only
    after the mail server took it; a claim older than ten minutes, left by a worker that
    died while sending, is taken over by the next attempt.
    """

    now = timezone.now()
    claimed = (
        Notification.objects.filter(pk=notification_id, email_sent_at__isnull=True)
        .filter(Q(email_sending_since__isnull=True) | Q(email_sending_since__lt=now - timedelta(minutes=10)))
        .update(email_sending_since=now, email_attempts=models.F("email_attempts") + 1)
    )
    if not claimed:
        return False
    notification = Notification.objects.select_related("user").get(pk=notification_id)
    context = {"notification": notification, "base_url": settings.PORTAL_BASE_URL}
    try:
        with translation.override(settings.LANGUAGE_CODE):
            subject = render_to_string("portal/email/notification-subject.txt", context).strip()
            body = render_to_string("portal/email/notification-body.txt", context)
        send_mail(subject, body, None, [notification.user.email])
    except Exception:
        Notification.objects.filter(pk=notification_id).update(email_sending_since=None)
        raise
    Notification.objects.filter(pk=notification_id).update(email_sent_at=timezone.now(), email_sending_since=None)
    return True


def notifications_mark_read(*, user: User) -> int:
    """Mark the user's unread notifications as read; return how many."""
    return user.notifications.filter(read_at__isnull=True).update(read_at=timezone.now())


@dataclass
class RotationCount:
    """What one model's rotation did: rows read, tokens re-encrypted, hashes recomputed."""

    model: str
    rows: int = 0
    reencrypted: int = 0
    rehashed: int = 0


def encrypted_fields() -> list[tuple[type[models.Model], list[str]]]:
    """Return every concrete model with encrypted fields, and the names of those fields."""
    found = []
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        names = [f.name for f in model._meta.local_concrete_fields if isinstance(f, EncryptedCharField)]
        if names:
            found.append((model, names))
    return found


def _stored(name: str) -> models.ExpressionWrapper:
    """Return the column as stored (the token itself), not decrypted."""
    return models.ExpressionWrapper(models.F(name), output_field=models.TextField())


def personal_data_rotate(*, rehash: bool = False, batch_size: int = 500) -> list[RotationCount]:
    """Re-encrypt every token not made with the first key of PERSONAL_DATA_KEYS; with ``rehash``,
    recompute every ``<field>_hash`` that differs from the keyed hash of the decrypted value.

    Rows are read in primary-key batches, locked while rewritten, so a change made meanwhile
    through the site is not overwritten; a second run finds nothing to do.
    """
    counts = []
    for model, names in encrypted_fields():
        hashes = [f"{name}_hash" for name in names]
        stored = {f"stored_{column}": _stored(column) for column in [*names, *hashes]}
        rows = model._base_manager.only("pk", *names, *hashes).annotate(**stored).order_by("pk")
        count = RotationCount(model=model._meta.label)
        last = None
        while True:
            with transaction.atomic():
                page = rows.select_for_update()
                batch = list((page if last is None else page.filter(pk__gt=last))[:batch_size])
                if not batch:
                    break
                last = batch[-1].pk
                changed, fields = [], set()
                for row in batch:
                    stale = [name for name in names if not personal_data.is_current(getattr(row, f"stored_{name}"))]
                    stale_hashes = [
                        f"{name}_hash"
                        for name in names
                        if rehash
                        and getattr(row, f"stored_{name}_hash") != personal_data.lookup_hash(getattr(row, name))
                    ]
                    count.reencrypted += bool(stale)
                    count.rehashed += bool(stale_hashes)
                    if stale or stale_hashes:
                        changed.append(row)
                        fields.update(stale, stale_hashes)
                count.rows += len(batch)
                if changed:
                    # Writing a field encrypts its plain text with the first key; a hash field is
                    # derived from its source's current value (portal/fields.py).
                    model._base_manager.bulk_update(changed, sorted(fields))
        counts.append(count)
    return counts


class PasswordChange(models.TextChoices):
    """How a password came to change (kept in the audit row and told to the owner)."""

    OWN = "own", _("changed by the account holder")
    RESET_LINK = "reset_link", _("reset through the link sent by e-mail")
    ADMINISTRATOR = "administrator", _("set by an administrator")


PASSWORD_CHANGE_NOTICES = {
    PasswordChange.OWN: _(
        "The password of your account %(username)s was changed at %(time)s. If you did not change it, "
        "reset your password at once and tell the service hall."
    ),
    PasswordChange.RESET_LINK: _(
        "The password of your account %(username)s was reset at %(time)s through the link sent by e-mail. "
        "If you did not ask for it, reset your password at once and tell the service hall."
    ),
    PasswordChange.ADMINISTRATOR: _(
        "An administrator set a new password for your account %(username)s at %(time)s. You will be asked "
        "to choose a password of your own at your next login. If you did not ask for it, tell the service hall at once."
    ),
}


def password_change_record(*, user: User, how: str, request=None, actor: User | None = None) -> Notification:
    """Audit a password change or reset and tell the account's owner (personal centre and e-mail).

    A password set by an administrator is known to someone else, so the owner must choose a
    new one at the next login (``must_change_password``); the owner's own change clears it.
    """
    forced = how == PasswordChange.ADMINISTRATOR and user.has_usable_password()
    User.objects.filter(pk=user.pk).update(must_change_password=forced)
    user.must_change_password = forced
    with translation.override(settings.LANGUAGE_CODE):
        audit.record(
            AuditEvent.Action.PASSWORD_CHANGED,
            request=request,
            actor=actor or user,
            target=user,
            detail=str(PasswordChange(how).label),
        )
        title = gettext("Your password was changed")
        when = timezone.localtime().strftime("%Y-%m-%d %H:%M")
        body = str(PASSWORD_CHANGE_NOTICES[how]) % {"username": user.get_username(), "time": when}
    notification = notification_send(user=user, kind="password_changed", title=title, body=body, link="/me/")
    if not user.email and user.mobile:
        # No mailbox: the owner hears of it by text message, or not at all outside the portal.
        transaction.on_commit(lambda: _password_change_sms(user.mobile, body))
    return notification


def _password_change_sms(mobile: str, body: str) -> None:
    try:
        sms.send_sms(mobile, body)
    except sms.SmsError:
        logger.warning("Password change notice not texted", exc_info=True)
