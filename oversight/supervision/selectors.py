"""Reads of electronic supervision (电子监察): every clock per department, the figures beside them, a cell's cases.

The deadlines table is built from the core's clock registry, so a clock an app registers appears
here without more code: its open rows at level warning or overdue, counted per department with
one grouped query per clock on the clock's (level, deadline) index. The departments table counts
events of a period (automatic acceptances, extensions, second correction rounds, bad reviews still
open). Each count is a cell that drills down to its cases.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Q, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from approvals.models import Application, State
from consultations.models import Rectification
from portal.clock import registry
from portal.clock.levels import Level
from portal.clock.registry import Clock
from portal.models import Department

LEVELS = (Level.WARNING, Level.OVERDUE)
# In a drill-down URL: the hall's general window (a null department) and a clock without departments.
WINDOW = "window"
NONE = "none"
PAGE_SIZE = 50


@dataclass(frozen=True)
class Period:
    """A period of local days, both ends included; an open end is unbounded."""

    start: date | None = None
    end: date | None = None

    def bounds(self) -> tuple[datetime | None, datetime | None]:
        """Return the aware instants [from, until) of the period."""
        zone = timezone.get_current_timezone()
        since = datetime.combine(self.start, time.min, zone) if self.start else None
        until = datetime.combine(self.end + timedelta(days=1), time.min, zone) if self.end else None
        return since, until

    def filter(self, field_name: str) -> Q:
        """Return the condition that `field_name` falls in the period."""
        since, until = self.bounds()
        condition = Q()
        if since is not None:
            condition &= Q(**{f"{field_name}__gte": since})
        if until is not None:
            condition &= Q(**{f"{field_name}__lt": until})
        return condition

    def as_query(self) -> dict:
        return {key: value.isoformat() for key, value in (("start", self.start), ("end", self.end)) if value}


# --- the clocks: what each is called, how its cases are shown --------------------------------

# Labels and the columns that identify a case in the drill-down, for the clocks the portal knows.
# A clock registered later (e.g. the publication of decisions) is shown by its model's name and
# its cases by number until it gets an entry here; it is counted either way.
KNOWN_CLOCKS: dict[str, tuple] = {
    "applications": (
        pgettext_lazy("clock", "Applications"),
        (("reference", _("Reference")), ("item__name", _("Item"))),
    ),
    "print_jobs": (
        _("Issuance and printing (Art. 44)"),
        (("certificate__number", _("Certificate number")), ("certificate__certificate_type__name", _("Type"))),
    ),
    "question_replies": (_("Replies to questions"), (("reference", _("Reference")), ("subject", _("Subject")))),
    "question_forwards": (_("Forwarding of questions"), (("reference", _("Reference")), ("subject", _("Subject")))),
    "rating_visits": (_("Return visits after a bad review"), (("opened_at", _("Opened")),)),
    "rating_rectifications": (_("Rectifications after a bad review"), (("opened_at", _("Opened")),)),
    "disclosure": (
        _("Publication of decisions"),
        (("item__name", _("Item")), ("decided_at", _("Decided"))),
    ),
}
# The applications' one clock runs through two legal stages; supervisors read them apart.
STAGES: dict[str, tuple] = {
    "applications": (
        ("intake", _("Intake (Art. 32)"), Q(state=State.SUBMITTED)),
        ("decision", _("Decision (Art. 42)"), ~Q(state=State.SUBMITTED)),
    ),
}


@dataclass(frozen=True)
class Lane:
    """One row group of the deadlines table: a clock, or one stage of it."""

    key: str
    label: str
    clock: Clock
    only: Q = field(default_factory=Q)

    @property
    def columns(self) -> tuple:
        known = KNOWN_CLOCKS.get(self.clock.name)
        return known[1] if known else ()

    def rows(self) -> QuerySet:
        """Return the open rows of this lane."""
        return self.clock.open().filter(self.only)

    def flagged(self, period: Period, levels=LEVELS) -> QuerySet:
        """Return the open rows at these levels whose deadline falls in the period (index: level, deadline)."""
        due, level = self.clock.due_field, self.clock.level_field
        return self.rows().filter(period.filter(due), **{f"{level}__in": list(levels), f"{due}__isnull": False})


def _clock_label(clock: Clock) -> str:
    known = KNOWN_CLOCKS.get(clock.name)
    if known:
        return str(known[0])
    return f"{clock.model._meta.verbose_name_plural} ({clock.name})"


def lanes() -> list[Lane]:
    """Return a lane per registered clock (two for the applications' intake and decision)."""
    result = []
    for clock in registry.registered():
        label = _clock_label(clock)
        stages = STAGES.get(clock.name)
        if not stages:
            result.append(Lane(key=clock.name, label=label, clock=clock))
            continue
        for key, stage, only in stages:
            result.append(Lane(key=f"{clock.name}.{key}", label=f"{label}: {stage}", clock=clock, only=only))
    return result


def lane_get(key: str) -> Lane | None:
    return next((lane for lane in lanes() if lane.key == key), None)


def _department_values(path: str | None) -> tuple[str, ...]:
    return (path, f"{path}__name", f"{path}__sort_order") if path else ()


def department_label(path: str | None, department_id: int | None, name: str | None) -> str:
    if path is None:
        return str(_("Not by department"))
    if department_id is None:
        return str(_("Hall's general window"))
    return name or ""


def department_key(path: str | None, department_id: int | None) -> str:
    if path is None:
        return NONE
    return WINDOW if department_id is None else str(department_id)


@dataclass
class DeadlineRow:
    lane: Lane
    department_key: str
    department: str
    warning: int
    overdue: int


def deadline_table(period: Period = Period(), levels=LEVELS) -> list[DeadlineRow]:
    """Return per clock (lane) and department the open cases due soon and overdue: one query per clock."""
    rows = []
    for lane in lanes():
        path = lane.clock.department_field
        level = lane.clock.level_field
        counts = {
            "warning": Count("pk", filter=Q(**{level: Level.WARNING})),
            "overdue": Count("pk", filter=Q(**{level: Level.OVERDUE})),
        }
        flagged = lane.flagged(period, levels)
        if path is None:
            grouped = [flagged.aggregate(**counts)]
        else:
            values = _department_values(path)
            grouped = flagged.values(*values).annotate(**counts).order_by(values[2], values[1])
        for row in grouped:
            if not (row["warning"] or row["overdue"]):
                continue
            department_id = row.get(path) if path else None
            rows.append(
                DeadlineRow(
                    lane=lane,
                    department_key=department_key(path, department_id),
                    department=department_label(path, department_id, row.get(f"{path}__name") if path else None),
                    warning=row["warning"],
                    overdue=row["overdue"],
                )
            )
    return rows


# --- the figures beside the clocks, per department and period ----------------------------------


@dataclass(frozen=True)
class Figure:
    """One column of the departments table: the rows it counts in a period, and how to show them."""

    key: str
    label: str
    department_field: str
    rows: Callable[[Period], QuerySet]
    order_by: str
    columns: tuple


FIGURES = {
    figure.key: figure
    for figure in [
        Figure(
            "auto_accepted",
            _("Accepted automatically"),
            "department",
            lambda period: Application.objects.filter(period.filter("accepted_at"), auto_accepted=True),
            "accepted_at",
            (("reference", _("Reference")), ("item__name", _("Item")), ("accepted_at", _("Accepted"))),
        ),
        Figure(
            "extended",
            _("Extensions"),
            "department",
            lambda period: Application.objects.filter(period.filter("extended_at"), extended_at__isnull=False),
            "extended_at",
            (("reference", _("Reference")), ("item__name", _("Item")), ("extended_at", _("Extended"))),
        ),
        Figure(
            "second_corrections",
            _("Second correction rounds"),
            "department",
            # Round 2 is unique per application, so the join counts each application once.
            lambda period: Application.objects.filter(
                period.filter("correction_notices__issued_at"), correction_notices__round=2
            ),
            "correction_notices__issued_at",
            (("reference", _("Reference")), ("item__name", _("Item")), ("correction_notices__issued_at", _("Issued"))),
        ),
        Figure(
            "bad_reviews_open",
            _("Bad reviews open"),
            "department",
            lambda period: Rectification.objects.filter(period.filter("opened_at"), closed_at__isnull=True),
            "opened_at",
            (("rating__kind", _("Service")), ("opened_at", _("Opened")), ("current_due_at", _("Due"))),
        ),
    ]
}


@dataclass
class DepartmentRow:
    department_key: str
    department: str
    sort: tuple
    counts: dict[str, int]

    @property
    def cells(self) -> list[tuple[str, int]]:
        """Return (figure key, count) in the table's column order."""
        return [(key, self.counts[key]) for key in FIGURES]


def department_table(period: Period = Period()) -> list[DepartmentRow]:
    """Return per department the period's figures (one grouped query per figure)."""
    rows: dict[str, DepartmentRow] = {}
    for figure in FIGURES.values():
        path = figure.department_field
        values = _department_values(path)
        grouped = figure.rows(period).values(*values).annotate(n=Count("pk", distinct=True)).order_by()
        for row in grouped:
            department_id = row[path]
            key = department_key(path, department_id)
            entry = rows.get(key)
            if entry is None:
                entry = rows[key] = DepartmentRow(
                    department_key=key,
                    department=department_label(path, department_id, row[values[1]]),
                    sort=(department_id is None, row[values[2]] or 0, row[values[1]] or ""),
                    counts=dict.fromkeys(FIGURES, 0),
                )
            entry.counts[figure.key] = row["n"]
    return sorted(rows.values(), key=lambda row: row.sort)


def totals(rows, keys) -> dict[str, int]:
    return {key: sum(_count(row, key) for row in rows) for key in keys}


def _count(row, key):
    return row.counts[key] if isinstance(row, DepartmentRow) else getattr(row, key)


# --- drill-down: the cases of one cell ------------------------------------------------------------


@dataclass
class CaseRow:
    pk: int
    cells: list
    due: datetime | None
    url: str


@dataclass
class Cases:
    title: str
    headers: list[str]
    rows: list[CaseRow]
    has_next: bool
    page: int


def _in_department(path: str | None, key: str) -> Q:
    if path is None or key == NONE:
        return Q()
    if key == WINDOW:
        return Q(**{f"{path}__isnull": True})
    return Q(**{path: int(key)})


def change_url(model, pk) -> str:
    try:
        return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[pk])
    except NoReverseMatch:
        return ""


def cases(*, measure: str, department: str, period: Period = Period(), page: int = 1) -> Cases | None:
    """Return one page of the cases behind a cell (None for an unknown measure): one query, one row more for "next".

    `measure` is "<lane>:<level>" for the deadlines table or a figure's key for the departments table.
    """
    if department not in (WINDOW, NONE) and not department.isdigit():
        return None
    lane_key, _sep, level = measure.partition(":")
    lane = lane_get(lane_key) if level in LEVELS else None
    if lane is not None:
        model, path, due = lane.clock.model, lane.clock.department_field, lane.clock.due_field
        rows = lane.flagged(period, [level])
        order, columns = due, lane.columns
        title = f"{lane.label} · {Level(level).label}"
    elif measure in FIGURES:
        figure = FIGURES[measure]
        model, path, due = figure.rows(period).model, figure.department_field, None
        rows, order, columns, title = figure.rows(period), figure.order_by, figure.columns, str(figure.label)
    else:
        return None
    page = max(page, 1)
    names = [name for name, _label in columns]
    fetched = list(
        rows.filter(_in_department(path, department))
        .order_by(order, "pk")
        .values("pk", *names, *([due] if due else []))[(page - 1) * PAGE_SIZE : page * PAGE_SIZE + 1]
    )
    result = [
        CaseRow(
            pk=row["pk"],
            cells=[row[name] for name in names] or [f"{model._meta.verbose_name} #{row['pk']}"],
            due=row.get(due) if due else None,
            url=change_url(model, row["pk"]),
        )
        for row in fetched[:PAGE_SIZE]
    ]
    headers = [str(label) for _name, label in columns] or [str(model._meta.verbose_name)]
    return Cases(title=title, headers=headers, rows=result, has_next=len(fetched) > PAGE_SIZE, page=page)


def department_name(key: str) -> str:
    """Return the name a drill-down shows for its department key."""
    if key == NONE:
        return ""
    if key == WINDOW:
        return str(_("Hall's general window"))
    return Department.objects.filter(pk=int(key)).values_list("name", flat=True).first() or ""
