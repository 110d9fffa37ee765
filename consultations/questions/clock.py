"""The reply clock of questions (限时答复), registered with the core clock.

A question's deadline runs from its arrival in the current queue (asked, recorded, forwarded)
or from the asker's follow-up, by the kind of reply its handler chose:

- within the department's own scope: ``QUESTION_REPLY_WORKING_DAYS`` working days (2);
- needing another department or joint handling: ``QUESTION_JOINT_REPLY_WORKING_DAYS`` (3);
- outside the department's remit: forwarded within ``QUESTION_FORWARD_WORKING_HOURS``
  working hours of the hall (3), counted from the arrival in the queue.

A ``ReplyLimit`` row in the admin overrides a setting. The day of arrival does not count and a
limit in days ends at the end of its working day, as every limit of the legal clock; hours
count only the hall's opening hours on working days. Two clocks are registered, one in days and
one in hours, so each warns at its own distance from the deadline; each arrival or follow-up
starts a new round, which alerts once per level.
"""

from __future__ import annotations

from datetime import datetime, time

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from portal import roles
from portal.clock import calendar as calendars
from portal.clock import deadlines, hours, sweep
from portal.clock.levels import Level
from portal.clock.registry import Clock, Notice
from portal.clock.roster import Roster
from portal.models import User

from .models import Question, ReplyKind, ReplyLimit

REPLY = "question_replies"
FORWARD = "question_forwards"
OPEN_STATES = (Question.State.QUEUED, Question.State.IN_PROGRESS)


def defaults() -> dict[str, int]:
    """Return the limits the settings give each kind of reply."""
    return {
        ReplyKind.IN_SCOPE: settings.QUESTION_REPLY_WORKING_DAYS,
        ReplyKind.JOINT: settings.QUESTION_JOINT_REPLY_WORKING_DAYS,
        ReplyKind.OUTSIDE_REMIT: settings.QUESTION_FORWARD_WORKING_HOURS,
    }


def limits() -> dict[str, int]:
    """Return the limit of each kind of reply: the admin's where set, else the settings'."""
    return defaults() | dict(ReplyLimit.objects.values_list("kind", "amount"))


def deadline_for(kind: str, start: datetime, *, limit: int | None = None) -> datetime:
    """Return when a question of this kind, arrived at `start`, must be answered (or forwarded)."""
    limit = limits()[kind] if limit is None else limit
    if kind == ReplyKind.OUTSIDE_REMIT:
        return hours.add_working_hours(start, limit)
    return deadlines.end_of_day(calendars.get_calendar().add_working_days(deadlines.day_of(start), limit))


def clock_for(question: Question) -> str:
    return FORWARD if question.reply_kind == ReplyKind.OUTSIDE_REMIT else REPLY


def clock_start(question: Question, *, now: datetime) -> None:
    """Start a new round of the clock from the question's arrival in its queue (not saved)."""
    question.clock_round += 1
    clock_set(question, now=now)


def clock_set(question: Question, *, now: datetime) -> None:
    """Set the deadline of the current round from the kind of reply and the arrival (not saved)."""
    question.current_due_at = deadline_for(question.reply_kind, question.queued_at)
    sweep.set_level(clock_for(question), question, now)


def clock_stop(question: Question) -> None:
    """Stop the clock: the question is answered."""
    question.current_due_at = None
    question.due_level = Level.NORMAL


def due_in_words(moment: datetime | None) -> str:
    """Return a due instant as the asker reads it: "by the end of 2026年9月29日" or "by 2026年9月29日 16:00"."""
    if moment is None:
        return ""
    local = timezone.localtime(moment)
    if local.time() >= time(23, 59):
        # A limit in working days ends with its day (portal.clock.deadlines.end_of_day).
        return _("by the end of %(day)s") % {"day": date_format(local.date(), "DATE_FORMAT")}
    return _("by %(moment)s") % {"moment": date_format(local, "DATETIME_FORMAT")}


def raise_alert_if_due(question: Question) -> bool:
    """Alert at once when a deadline set now is already due soon or passed."""
    return sweep.alert_if_due(clock_for(question), question)


def working_hours_to_first_reply(question: Question) -> float:
    """Return the hall's working hours from asking to the first answer."""
    return round(hours.working_hours_between(question.asked_at, question.first_reply_at), 2)


# --- the clocks registered with the core ---------------------------------------------------


def _open(kinds):
    return Question.objects.filter(state__in=OPEN_STATES, reply_kind__in=kinds)


def open_replies():
    return _open([ReplyKind.IN_SCOPE, ReplyKind.JOINT])


def open_forwards():
    return _open([ReplyKind.OUTSIDE_REMIT])


def recipients(question: Question, level: str, roster: Roster) -> list[User]:
    """Return who is alerted: the handler (or the queue's staff), the first responder and the supervisors."""
    people = {}
    if question.handler_id:
        people[question.handler_id] = question.handler
    elif question.department_id is None:
        people.update((user.pk, user) for user in roster.with_role(roles.CLERK) if user.is_staff)
    else:
        consultants = roster.with_role(roles.CONSULTANT, department_id=question.department_id)
        people.update((user.pk, user) for user in consultants if user.is_staff)
    if question.first_responder_id:
        people[question.first_responder_id] = question.first_responder
    people.update((user.pk, user) for user in roster.with_role(roles.SUPERVISOR))
    return [user for user in people.values() if user.is_active]


def notice(question: Question, level: str) -> Notice:
    """Return what the alert of a question at this level says."""
    word = _("Overdue") if level == Level.OVERDUE else _("Due soon")
    what = _("to forward") if question.reply_kind == ReplyKind.OUTSIDE_REMIT else _("reply")
    title = _("%(word)s (question, %(what)s): %(reference)s %(subject)s") % {
        "word": word,
        "what": what,
        "reference": question.reference,
        "subject": question.subject,
    }
    due = timezone.localtime(question.current_due_at).strftime("%Y-%m-%d %H:%M")
    return Notice(
        title=title,
        body=_("Due %(due)s.") % {"due": due},
        link=reverse("admin:consultations_question_change", args=[question.pk]),
    )


def _days_horizon(now: datetime) -> datetime:
    # A reply due within days warns on its last working day.
    return deadlines.end_of_day(timezone.localdate(now))


def _hours_horizon(now: datetime) -> datetime:
    return hours.add_working_hours(now, settings.QUESTION_FORWARD_WARNING_WORKING_HOURS)


def reply_clock() -> Clock:
    return Clock(
        name=REPLY,
        model=Question,
        open=open_replies,
        recipients=recipients,
        notice=notice,
        kind="question",
        select_related=("handler", "first_responder"),
        round_field="clock_round",
        department_field="department",
        warning_horizon=_days_horizon,
    )


def forward_clock() -> Clock:
    return Clock(
        name=FORWARD,
        model=Question,
        open=open_forwards,
        recipients=recipients,
        notice=notice,
        kind="question_forward",
        select_related=("handler", "first_responder"),
        round_field="clock_round",
        department_field="department",
        warning_horizon=_hours_horizon,
    )
