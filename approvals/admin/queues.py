"""The applications' work queues on the admin's home page (portal.work_queues)."""

from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal import work_queues

from .. import selectors


def _list_url(name: str):
    return lambda user: f"{reverse('admin:approvals_application_changelist')}?{urlencode({'queue': name})}"


def register() -> None:
    """Register each application queue and the walk-in button; supervisors see the recent alerts."""
    for order, queue in enumerate(selectors.WORK_QUEUES.values(), start=10):
        work_queues.register(
            work_queues.Queue(
                name=f"applications.{queue.name}",
                order=order,
                label=queue.label,
                permission=queue.permission,
                url=_list_url(queue.name),
                count=lambda user, name=queue.name: selectors.work_queue_count(user, name),
            )
        )
    work_queues.register(
        work_queues.Queue(
            name="applications.walk_in",
            order=5,
            label=_("File a walk-in application"),
            permission="approvals.intake_application",
            url=lambda user: reverse("admin:approvals_application_walk_in"),
            button=True,
        )
    )
    work_queues.show_alerts_to("approvals.approve_second_correction")
