"""The ratings' entries on the admin's home page: bad reviews to follow up, and appeals to decide."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal import work_queues

from . import selectors


def register() -> None:
    """Register the departments' follow-up queue and the supervisors' appeal queue."""
    work_queues.register(
        work_queues.Queue(
            name="ratings.follow_up",
            order=70,
            label=_("Bad reviews to follow up"),
            permission="consultations.change_rectification",
            url=lambda user: reverse("admin:consultations_rectification_changelist") + "?status=open",
            count=selectors.follow_up_count,
        )
    )
    work_queues.register(
        work_queues.Queue(
            name="ratings.appeals",
            order=71,
            label=_("Appeals against ratings to decide"),
            permission="consultations.decide_appeal",
            url=lambda user: reverse("admin:consultations_rectification_changelist") + "?appeal__exact=pending",
            count=selectors.appeals_pending_count,
        )
    )
