"""The clocks of a bad review: the return visit (1 working day) and the rectification (15), registered with the core."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from portal import roles
from portal.clock.levels import Level
from portal.clock.registry import Clock, Notice
from portal.clock.roster import Roster
from portal.models import User

from .models import Rectification

VISIT = "rating_visits"
RECTIFY = "rating_rectifications"


def open_visits():
    return Rectification.objects.filter(visited_at__isnull=True, closed_at__isnull=True)


def open_rectifications():
    return Rectification.objects.filter(closed_at__isnull=True)


def recipients(rectification: Rectification, level: str, roster: Roster) -> list[User]:
    """Return who is alerted: the department's reviewing and consultation staff, and the supervisors.

    The portal has no "head of department" role yet: the department's reviewers stand for it.
    """
    if rectification.department_id is None:
        department = roster.with_role(roles.CLERK)
    else:
        department = roster.with_role(roles.REVIEWER, roles.CONSULTANT, department_id=rectification.department_id)
    return list({user.pk: user for user in roster.with_role(roles.SUPERVISOR) + department}.values())


def _notice(what: str):
    def notice(rectification: Rectification, level: str) -> Notice:
        word = _("Overdue") if level == Level.OVERDUE else _("Due soon")
        return Notice(
            title=_("%(word)s (%(what)s of a bad review): %(rating)s")
            % {"word": word, "what": _(what), "rating": rectification},
            link=reverse("admin:consultations_rectification_change", args=[rectification.pk]),
        )

    return notice


def visit_clock() -> Clock:
    return Clock(
        name=VISIT,
        model=Rectification,
        open=open_visits,
        recipients=recipients,
        notice=_notice(gettext_noop("return visit")),
        kind="rating_visit",
        due_field="visit_due_at",
        level_field="visit_level",
        department_field="department",
    )


def rectification_clock() -> Clock:
    return Clock(
        name=RECTIFY,
        model=Rectification,
        open=open_rectifications,
        recipients=recipients,
        notice=_notice(gettext_noop("rectification")),
        kind="rating_rectification",
        department_field="department",
    )
