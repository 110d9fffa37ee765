"""The daily check that the working-day calendar covers the coming weeks."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from portal import roles
from portal.models import Notification, User
from portal.services import notification_send

from . import calendar

logger = logging.getLogger(__name__)


def calendar_coverage_check(*, days: int = 60) -> list:
    """Alert supervisors and administrators (once a day) if the calendar lacks data for the coming days."""
    today = timezone.localdate()
    missing = calendar.missing_dates(today, today + timedelta(days=days))
    if not missing:
        return []
    with translation.override(settings.LANGUAGE_CODE):
        title = _("The working-day calendar has no official data from %(date)s") % {"date": missing[0].isoformat()}
        body = _(
            "Until it is entered, deadlines after that date count Monday to Friday as working days, less the "
            "statutory holidays already known; make-up working days are missing. Enter the State Council's "
            "holiday schedule in the admin (calendar days) or run manage.py load_calendar after updating "
            "chinesecalendar."
        )
    users = User.objects.filter(is_active=True, groups__name__in=[roles.SUPERVISOR, roles.ADMINISTRATOR]).distinct()
    start_of_day = timezone.make_aware(datetime.combine(today, datetime.min.time()))
    for user in users:
        already = Notification.objects.filter(user=user, kind="calendar_incomplete", created_at__gte=start_of_day)
        if not already.exists():
            notification_send(
                user=user,
                kind="calendar_incomplete",
                title=title,
                body=body,
                link=reverse("admin:portal_calendarday_changelist"),
            )
    logger.warning("Working-day calendar: %d of the next %d days have no official data", len(missing), days)
    return missing
