"""The printing centre's work queues on the admin's home page (portal.work_queues)."""

from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal import work_queues

from .models import PrintJob

OPERATE = "licenses.operate_printing"

# name, label, the print list's own query string, and the same rows for the count (indexed: state, due_at)
QUEUES = [
    ("print", _("To print (nearest Art. 44 deadline first)"), {"state": PrintJob.State.QUEUED}, {}),
    (
        "print_overdue",
        _("To print, overdue"),
        {"state": PrintJob.State.QUEUED, "due": "overdue"},
        {"due_at__lt": timezone.now},
    ),
    ("dispatch", _("Printed, to dispatch or put at the counter"), {"state": PrintJob.State.PRINTED}, {}),
    ("counter", _("At the counter, waiting for pickup"), {"state": PrintJob.State.READY}, {}),
]


def _url(query: dict):
    return lambda user: f"{reverse('admin:licenses_printjob_changelist')}?{urlencode(query)}"


def _count(query: dict, extra: dict):
    # The same rows as the print list's filters; a callable value is read at counting time.
    return lambda user: PrintJob.objects.filter(
        state=query["state"], **{key: value() if callable(value) else value for key, value in extra.items()}
    ).count()


def register() -> None:
    """Register the print operator's queues."""
    for order, (name, label, query, extra) in enumerate(QUEUES, start=50):
        work_queues.register(
            work_queues.Queue(
                name=f"printing.{name}",
                order=order,
                label=label,
                permission=OPERATE,
                url=_url(query),
                count=_count(query, extra),
            )
        )
