"""The daily snapshot of the city's figures and how far it has been built."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from approvals.models import ServiceItem
from portal.models import Department

# Every counter of a snapshot row, in the order the page and the docs list them (docs/statistics.md).
COUNTERS = (
    "received",
    "received_online",
    "accepted",
    "auto_accepted",
    "concluded",
    "on_time",
    "taken_days",
    "certificates_issued",
    "delivered_free",
    "questions_replied",
    "questions_replied_on_time",
    "appointments_served",
    "appointments_no_show",
    "ratings_counted",
    "ratings_good",
)


FIGURES = (*COUNTERS, "speedup_sum")


class Figures(models.Model):
    """The counters of one department and item (or none) over a span of days: a day or a month."""

    # Empty: the hall's general window (questions, appointments and ratings without a department).
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # Empty: figures that belong to no item (a question or booking about no item, a renewed certificate).
    item = models.ForeignKey(
        ServiceItem, verbose_name=_("item"), on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    received = models.PositiveIntegerField(_("received"), default=0)
    received_online = models.PositiveIntegerField(_("received online"), default=0)
    accepted = models.PositiveIntegerField(_("accepted"), default=0)
    auto_accepted = models.PositiveIntegerField(_("accepted automatically"), default=0)
    concluded = models.PositiveIntegerField(_("concluded"), default=0)
    on_time = models.PositiveIntegerField(_("concluded within the promised limit"), default=0)
    taken_days = models.PositiveIntegerField(_("working days taken"), default=0)
    # Sum over the concluded applications of (statutory − taken) / statutory: the speed-up's numerator.
    speedup_sum = models.FloatField(_("sum of speed-ups"), default=0)
    certificates_issued = models.PositiveIntegerField(_("certificates issued"), default=0)
    delivered_free = models.PositiveIntegerField(_("certificates delivered free"), default=0)
    questions_replied = models.PositiveIntegerField(_("questions answered"), default=0)
    questions_replied_on_time = models.PositiveIntegerField(_("questions answered within the limit"), default=0)
    appointments_served = models.PositiveIntegerField(_("appointments served"), default=0)
    appointments_no_show = models.PositiveIntegerField(_("no-shows"), default=0)
    ratings_counted = models.PositiveIntegerField(_("ratings counted"), default=0)
    ratings_good = models.PositiveIntegerField(_("good ratings"), default=0)

    class Meta:
        abstract = True


class DailyFigures(Figures):
    """The counters of one department and item on one local day, each event counted on its own day."""

    day = models.DateField(_("day"))
    # The first day of the day's month: what the monthly roll-up groups by.
    month = models.DateField(_("month"))

    class Meta:
        verbose_name = _("daily figures")
        verbose_name_plural = _("daily figures")
        ordering = ["day", "department", "item"]
        # The page sums the days of a period's partial months, and the roll-up a month's days: a range on the day.
        indexes = [models.Index(fields=["day"], name="oversight_stats_day_idx")]

    def __str__(self):
        return f"{self.day} {self.department_id or '-'} {self.item_id or '-'}"


class MonthlyFigures(Figures):
    """The sum of a month's daily rows per department and item, kept with them (services.stats_rebuild).

    The page reads a period's whole months here, a few hundred rows a month whatever the city's size,
    and only the days of its partial months from DailyFigures.
    """

    month = models.DateField(_("month"))

    class Meta:
        verbose_name = _("monthly figures")
        verbose_name_plural = _("monthly figures")
        ordering = ["month", "department", "item"]
        indexes = [models.Index(fields=["month"], name="oversight_stats_month_idx")]

    def __str__(self):
        return f"{self.month:%Y-%m} {self.department_id or '-'} {self.item_id or '-'}"


class SnapshotState(models.Model):
    """The one row saying through which day the snapshot is built: later days are counted live."""

    built_through = models.DateField(_("built through"), null=True, blank=True)
    built_at = models.DateTimeField(_("built at"), null=True, blank=True)

    class Meta:
        verbose_name = _("snapshot state")
        verbose_name_plural = _("snapshot state")

    def __str__(self):
        return str(self.built_through or "-")
