"""The supervision dashboard's button on the admin's home page."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal import work_queues

from .views import PERMISSION


def register() -> None:
    work_queues.register(
        work_queues.Queue(
            name="oversight.supervision",
            order=5,
            label=_("Electronic supervision"),
            permission=PERMISSION,
            url=lambda user: reverse("oversight:supervision"),
            button=True,
        )
    )
