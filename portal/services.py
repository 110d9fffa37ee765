"""Writes of the portal core: accounts and the working-day calendar."""

from __future__ import annotations

import logging
from datetime import date, timedelta

import chinese_calendar
from chinese_calendar.constants import Holiday, holidays
from chinese_calendar.constants import workdays as makeup_days
from django.conf import settings
from django.core.mail import send_mail
from django.db import models, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from . import audit
from .clock import calendar
from .models import AuditEvent, CalendarDay, Notification, User

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
    walk_in_account: User | None = None,
) -> User:
    """Create a citizen or enterprise account (the registration form has validated every field).

    With ``walk_in_account`` (opened without a password for a visitor at the hall, whose
    name and mobile the form matched) that account is taken over, with its applications.
    """
    user = walk_in_account or User(kind=kind)
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


def notification_send(*, user: User, kind: str, title: str, body: str = "", link: str = "") -> Notification:
    """Record a notification for the user and e-mail it once the current transaction commits."""
    notification = Notification.objects.create(user=user, kind=kind, title=title, body=body, link=link)
    if user.email:
        transaction.on_commit(lambda: queue_notification_email(notification.pk))
    return notification


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
    return notification_send(user=user, kind="password_changed", title=title, body=body, link="/me/")
