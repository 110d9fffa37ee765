"""The printing centre's clock: certificates issued and delivered within 10 working days (Art. 44).

The deadline is set once, when the print job is created at approval; a job counts as handled
once it is sent by courier or put at the counter, so only queued and printed jobs are open.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from portal import roles
from portal.clock.levels import Level
from portal.clock.registry import Clock, Notice
from portal.clock.roster import Roster
from portal.models import User

from .models import Certificate, PrintJob

NAME = "print_jobs"
OPEN_STATES = (PrintJob.State.QUEUED, PrintJob.State.PRINTED)


def open_jobs():
    """Return the print jobs whose Art. 44 clock still runs."""
    # A revoked or suspended certificate is never sent, so its deadline no longer runs.
    return PrintJob.objects.filter(state__in=OPEN_STATES, certificate__status=Certificate.Status.VALID)


def recipients(job: PrintJob, level: str, roster: Roster) -> list[User]:
    """Return who is alerted at either level: the print operators and the supervisors."""
    return roster.with_role(roles.PRINT_OPERATOR, roles.SUPERVISOR)


def notice(job: PrintJob, level: str) -> Notice:
    """Return what the alert of a print job at this level says."""
    word = _("Overdue") if level == Level.OVERDUE else _("Due soon")
    title = _("%(word)s (certificate delivery, Art. 44): %(number)s %(type)s") % {
        "word": word,
        "number": job.certificate.number,
        "type": job.certificate.certificate_type.name,
    }
    return Notice(title=title, link=reverse("admin:licenses_printjob_change", args=[job.pk]))


def print_clock() -> Clock:
    """Return the print jobs' clock, as registered with the core."""
    return Clock(
        name=NAME,
        model=PrintJob,
        open=open_jobs,
        recipients=recipients,
        notice=notice,
        kind="print",
        due_field="due_at",
        level_field="due_level",
        select_related=("certificate", "certificate__certificate_type"),
        department_field="certificate__department",
    )
