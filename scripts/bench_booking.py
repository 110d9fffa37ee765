"""Benchmark: booking the hall's slots under contention, through the real service, in a throw-away database.

Usage: DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_booking python scripts/bench_booking.py [N] [T]

In a throw-away test database (``test_`` + the name in DATABASE_URL), makes one window with slots
of 10 online places and N demo citizens (default 400). T threads (default 20, each with its own
connection) are released at once; each books its share of the people like a person on the site:
the earliest slot that looked free, and on "just taken" the first next free time offered, until
booked. Everyone aims at the same slot, so each slot is fought over until it is full. Prints
bookings per second and "just taken" answers per second, beside a baseline run in the same
process with the same threads: one plain INSERT of an Appointment row per booking (no lock, no
check, no notification). Then checks that no slot holds more bookings than places.

The issue's figure is on PostgreSQL; SQLite serialises every write and says little.
"""

import sys
import threading
import time
from datetime import timedelta

from benchlib import construction_department, report, throwaway_database
from django.db import connection  # noqa: E402

PLACES = 10


def run_threads(target, shares):
    """Run target(share) in one thread per share, all released together; return the seconds taken."""
    barrier = threading.Barrier(len(shares) + 1)

    def run(share):
        try:
            barrier.wait()
            target(share)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(share,)) for share in shares]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 400
    threads = int(sys.argv[2]) if len(sys.argv) > 2 else 20
    with throwaway_database():
        from django.utils import timezone

        from approvals.models import ServiceItem
        from consultations.appointments import services
        from consultations.appointments.figures import appointment_figures
        from consultations.models import Appointment, Counter, OpeningRule, Slot
        from portal.models import User
        from portal.services import calendar_load_official
        from portal.tests import factories

        calendar_load_official()
        department = construction_department()
        item = ServiceItem.objects.create(
            code="ZJJ-XK-0002",
            name="建筑工程施工许可证核发",
            department=department,
            kind="permit",
            statutory_days=15,
            promised_days=3,
            online_depth=3,
        )
        window = Counter.objects.create(number="1", prefix="A", name="住建局综合窗口")
        window.departments.set([department])
        OpeningRule.objects.create(counter=window, online_capacity=PLACES, staff_capacity=0, book_until_days=30)
        today = timezone.localdate()
        services.slots_generate(counter=window, start=today + timedelta(days=1), end=today + timedelta(days=21))
        slots = list(Slot.objects.filter(counter=window).order_by("starts_at"))
        assert len(slots) * PLACES >= n, "not enough slots for the people"
        alone = n // 4  # booked one by one from a single thread, each into a slot of its own
        people = [
            User(
                username=f"bench{i:05d}",
                kind=User.Kind.CITIZEN,
                real_name="压测",
                id_number=factories.id_number(birth=f"1980{1 + i // 28 % 12:02d}{1 + i % 28:02d}"),
            )
            for i in range(n + alone)
        ]
        for person in people:
            person.set_unusable_password()
        User.objects.bulk_create(people, batch_size=500)
        people = list(User.objects.filter(username__startswith="bench").order_by("username"))
        people, lonely = people[:n], people[n:]
        now = timezone.now()

        # Baseline: one plain INSERT per booking from the same threads; no lock, no check.
        def insert(share):
            for i, person in share:
                slot = slots[i // PLACES]
                Appointment.objects.create(slot=slot, counter=window, day=slot.day, holder=person, booked_at=now)

        indexed = list(enumerate(people))
        baseline = run_threads(insert, [indexed[t::threads] for t in range(threads)])
        Appointment.objects.all().delete()

        outcomes = {"booked": 0, "taken": 0}
        errors = []
        lock = threading.Lock()

        def book(share):
            for person in share:
                slot_id = slots[0].pk  # everyone aims at the earliest time
                while True:
                    try:
                        services.appointment_book(holder=person, slot_id=slot_id, item=item, now=now)
                    except services.SlotTaken as taken:
                        with lock:
                            outcomes["taken"] += 1
                        if not taken.alternatives:
                            with lock:
                                errors.append("no alternative offered")
                            break
                        slot_id = taken.alternatives[0].pk
                        continue
                    except Exception as error:  # counted: the run fails on any other outcome
                        with lock:
                            errors.append(repr(error))
                        break
                    with lock:
                        outcomes["booked"] += 1
                    break

        elapsed = run_threads(book, [people[t::threads] for t in range(threads)])

        # Without contention: one thread, every booking into a slot nobody else wants.
        later = slots[-alone:]
        started = time.perf_counter()
        for person, slot in zip(lonely, later, strict=True):
            services.appointment_book(holder=person, slot_id=slot.pk, item=item, now=now)
        uncontended = time.perf_counter() - started

        over = Slot.objects.filter(booked_online__gt=PLACES).count()
        rows = Appointment.objects.count()
        counted = sum(row["bookings"] for row in appointment_figures())
        assert not errors, errors[:5]
        assert outcomes["booked"] + alone == rows == counted, (outcomes, rows, counted)
        assert over == 0

        print(f"database: {connection.vendor}, {n} people, {threads} threads, slots of {PLACES} places")
        print(f"baseline (plain INSERT per booking): {n / baseline:8.1f} per second, {1000 * baseline / n:.2f} ms each")
        print(f"booking via the service:             {n / elapsed:8.1f} bookings per second")
        print(
            f"                                     {outcomes['taken'] / elapsed:8.1f} 'just taken' answers per second "
            f"({outcomes['taken']} in all)"
        )
        print(f"ratio service / baseline (time):     {elapsed / baseline:8.1f}x")
        report("bookings through the service", n / elapsed, "per s", n / baseline)
        print(
            f"for comparison, {alone} bookings from one thread without contention: "
            f"{alone / uncontended:.1f} per second, {1000 * uncontended / alone:.2f} ms each"
        )
        print(f"slots over their places: {over}; bookings: {rows}; errors: {len(errors)}")


if __name__ == "__main__":
    main()
