"""Demo windows, slots, bookings and a live queue for ``manage.py seed_demo``.

Demo data only, made through ``appointments.services`` with ``now=`` where a step happened
earlier. Four windows of the hall serve the demo catalogue's departments (A 住建局, B 市场监管局,
C 公安局, D 资规局 and 消防支队), each with an opening rule; their slots are generated for the days
one may book, as the beat task does. The demo citizen ``zhangsan``, the enterprise ``huaxia`` and
eight demo visitors (``demo_visitor01``…, made here, no password) hold bookings this week.

"Today's" queue is at windows A and B on the hall day: today when window A opens today, otherwise
(a weekend, a holiday, a closure) the next day it opens, so that the clerk's screen and the call
display have a queue to show on that day. The visitors were booked a few days before, checked in
from 09:00, one number is being called, two were served, and a walk-in waits with the booked
ones. One visitor missed an appointment on the working day before today: the no-show sweep marks it.
Every date is counted with the working-day calendar, relative to today.

The loader runs once: when any appointment exists, it only generates the slots still missing.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone
from stdnum.cn import ric

from approvals.models import ServiceItem
from portal.clock import calendar as calendars
from portal.models import Department, User

from . import services
from .models import Appointment, Counter, OpeningRule

# number, queue letter, name, departments served, where, places online and for staff per slot
WINDOWS = [
    ("1", "A", "住建局窗口", ("zjj",), "一楼东侧 1 号窗口", 3, 1),
    ("2", "B", "市场监管局窗口", ("scjg",), "一楼东侧 2 号窗口", 3, 1),
    ("3", "C", "公安局窗口", ("gaj",), "一楼西侧 3 号窗口", 2, 1),
    ("4", "D", "资规局、消防支队联合窗口", ("zrzyj", "xfzd"), "二楼 4 号窗口", 2, 1),
]
VISITORS = [
    ("demo_visitor01", "陈丽华", "19850312"),
    ("demo_visitor02", "刘洋", "19920721"),
    ("demo_visitor03", "杨秀英", "19780105"),
    ("demo_visitor04", "赵磊", "19880930"),
    ("demo_visitor05", "黄敏", "19950218"),
    ("demo_visitor06", "周建军", "19701122"),
    ("demo_visitor07", "吴静", "19900416"),
    ("demo_visitor08", "孙浩然", "19830808"),
]
# Items by window letter: the ones needing a visit that the demo people book.
ITEMS = {
    "A": ("ZJJ-QR-0002", "ZJJ-BA-0001", "ZJJ-QR-0001"),
    "B": ("SCJG-QR-0004", "SCJG-QR-0005", "SCJG-XK-0004"),
    "C": ("GAJ-XK-0001",),
    "D": ("ZRZYJ-QR-0002", "XFZD-XK-0002"),
}


def _id_number(birth: str, n: int) -> str:
    body = f"110105{birth}{600 + n:03d}"
    return body + ric.calc_check_digit(body + "0")


def _visitors() -> list[User]:
    """Create the demo visitors that do not exist yet; return all of them in order."""
    for n, (username, name, birth) in enumerate(VISITORS, start=1):
        if User.objects.filter(username=username).exists():
            continue
        user = User(
            username=username,
            kind=User.Kind.CITIZEN,
            real_name=name,
            id_number=_id_number(birth, n),
            mobile=f"1360000{n:04d}",
        )
        user.set_unusable_password()
        user.full_clean()
        user.save()
    return list(User.objects.filter(username__in=[v[0] for v in VISITORS]).order_by("username"))


def _windows() -> dict[str, Counter]:
    """Create the windows and their opening rules that do not exist yet; return them by queue letter."""
    departments = {d.code: d for d in Department.objects.all()}
    windows = {}
    for number, prefix, name, codes, where, online, staff in WINDOWS:
        window, made = Counter.objects.get_or_create(
            prefix=prefix, defaults={"number": number, "name": name, "location": where}
        )
        if made:
            window.departments.set([departments[code] for code in codes if code in departments])
        OpeningRule.objects.get_or_create(counter=window, defaults={"online_capacity": online, "staff_capacity": staff})
        windows[prefix] = window
    return windows


def hall_day(window: Counter, today: date) -> date:
    """Return the day of the demo's live queue: today if the window opens today, else the next day it opens."""
    calendar = calendars.get_calendar()
    day = today
    while not services.opens_on(window, day, calendar=calendar):
        day += timedelta(days=1)
    return day


def _at(day: date, clock: str) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.fromisoformat(clock)))


class _Scene:
    """Book, check in and call through the services, each step at its own instant."""

    def __init__(self, windows: dict[str, Counter], today: date):
        self.windows = windows
        self.today = today
        self.clerk = User.objects.get(username="clerk")
        codes = [code for item_codes in ITEMS.values() for code in item_codes]
        self.items = {item.code: item for item in ServiceItem.objects.filter(code__in=codes)}

    def slot(self, letter: str, day: date, clock: str):
        window = self.windows[letter]
        # After a long holiday the last days of the week may lie past the days generated ahead.
        services.slots_generate(counter=window, start=day, end=day)
        return window.slots.get(starts_at=_at(day, clock))

    def book(self, person: User, letter: str, day: date, clock: str, item: str | None = None) -> Appointment:
        # Booked three days earlier, at a quarter past ten: within the window's days ahead.
        return services.appointment_book(
            holder=person,
            slot_id=self.slot(letter, day, clock).pk,
            item=self.items.get(item),
            now=_at(day - timedelta(days=3), "10:15"),
        )

    def check_in(self, appointment: Appointment, clock: str):
        return services.check_in(appointment_id=appointment.pk, actor=self.clerk, now=_at(appointment.day, clock))

    def call(self, letter: str, day: date, clock: str):
        return services.call_next(counter=self.windows[letter], actor=self.clerk, now=_at(day, clock))

    def finish(self, ticket, day: date, clock: str):
        services.ticket_finish(ticket_id=ticket.pk, served=True, actor=self.clerk, now=_at(day, clock))


def _tell(scene: _Scene, people: dict[str, User], visitors: list[User]) -> int:
    """Make the week's bookings, the hall day's queue and one past no-show; return how many bookings."""
    calendar = calendars.get_calendar()
    today = scene.today
    day = hall_day(scene.windows["A"], today)
    zhangsan, huaxia = people["zhangsan"], people["huaxia"]
    v = visitors
    made = []

    # The hall day at windows A and B: two served, one being called, the rest waiting.
    a1 = scene.book(v[0], "A", day, "09:00", "ZJJ-QR-0001")
    a2 = scene.book(v[1], "A", day, "09:00", "ZJJ-BA-0001")
    a3 = scene.book(v[2], "A", day, "09:15", "ZJJ-QR-0002")
    a4 = scene.book(zhangsan, "A", day, "09:30", "ZJJ-QR-0002")
    a5 = scene.book(v[3], "A", day, "09:45", "ZJJ-QR-0001")
    later = scene.book(v[4], "A", day, "14:00", "ZJJ-BA-0001")  # not come yet
    b1 = scene.book(v[5], "B", day, "09:00", "SCJG-QR-0005")
    b2 = scene.book(huaxia, "B", day, "09:30", "SCJG-QR-0004")
    made += [a1, a2, a3, a4, a5, later, b1, b2]
    scene.check_in(a1, "08:52")
    scene.check_in(a2, "08:58")
    scene.check_in(b1, "08:55")
    first = scene.call("A", day, "09:01")
    scene.finish(first, day, "09:14")
    served_b = scene.call("B", day, "09:02")
    scene.finish(served_b, day, "09:20")
    scene.check_in(a3, "09:10")
    second = scene.call("A", day, "09:15")
    scene.finish(second, day, "09:31")
    scene.check_in(a4, "09:24")
    scene.check_in(b2, "09:26")
    services.walk_in_ticket(counter=scene.windows["A"], name="王先生", actor=scene.clerk, now=_at(day, "09:33"))
    scene.check_in(a5, "09:40")
    scene.call("A", day, "09:42")  # A003 is being called; A004, the walk-in and A006 wait
    scene.call("B", day, "09:43")  # huaxia is being called at window B

    # The rest of the week: the demo accounts and some visitors on the next working days.
    following = [calendar.add_working_days(day, n) for n in (1, 2, 3, 4)]
    made.append(scene.book(zhangsan, "D", following[0], "10:00", "ZRZYJ-QR-0002"))
    made.append(scene.book(huaxia, "D", following[1], "14:00", "XFZD-XK-0002"))
    made.append(scene.book(huaxia, "B", following[2], "09:15", "SCJG-XK-0004"))
    made.append(scene.book(v[6], "C", following[0], "09:00", "GAJ-XK-0001"))
    made.append(scene.book(v[7], "C", following[1], "15:30", "GAJ-XK-0001"))
    made.append(scene.book(v[0], "B", following[3], "10:30", "SCJG-QR-0005"))
    made.append(scene.book(v[1], "A", following[2], "11:00", "ZJJ-QR-0002"))

    # A past no-show: booked for the working day before today, never checked in.
    missed_day = today - timedelta(days=1)
    while not services.opens_on(scene.windows["C"], missed_day, calendar=calendar):
        missed_day -= timedelta(days=1)
    made.append(scene.book(v[3], "C", missed_day, "10:00", "GAJ-XK-0001"))
    services.no_shows_mark(today=today)
    return len(made)


@transaction.atomic
def load_demo_appointments(*, stdout=None) -> int:
    """Create the demo windows, their slots and, once, the week's bookings and queue; return how many bookings."""
    people = {user.username: user for user in User.objects.filter(username__in=("zhangsan", "huaxia", "clerk"))}
    if len(people) < 3 or not Department.objects.filter(code="zjj").exists():
        return 0  # the demo accounts and the catalogue come first (seed_demo makes them)
    today = timezone.localdate()
    windows = _windows()
    slots = services.slots_generate_ahead(today=today)
    made = 0
    if not Appointment.objects.exists():
        made = _tell(_Scene(windows, today), people, _visitors())
    if stdout is not None:
        stdout.write(f"Appointments: {len(windows)} hall windows, {slots} new slots, {made} demo bookings.")
    return made
