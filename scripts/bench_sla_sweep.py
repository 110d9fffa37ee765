"""Benchmark: the one clock sweep's cost grows with the applications that change, not the table.

Usage: DATABASE_URL=postgres://... python scripts/bench_sla_sweep.py [SMALL] [LARGE] [CHANGING]

In a throw-away test database on PostgreSQL, bulk-inserts SMALL (default 100,000) open
applications whose deadlines are far away, plus CHANGING (default 1,000) that are due
now, runs the sweep and times it; then grows the table to LARGE (default 1,000,000) with
another CHANGING due now, and times it again. Prints both times, their ratio, and the
query plans of the sweep's range queries.
"""

import sys
import time
from datetime import timedelta

from benchlib import construction_department, throwaway_database
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402


def insert(n, *, item, applicant, due, prefix):
    from approvals.models import Application

    now = timezone.now()
    batch = 20_000
    for start in range(0, n, batch):
        rows = [
            Application(
                reference=f"{prefix}-{i:08d}",
                item=item,
                department_id=item.department_id,
                applicant=applicant,
                applicant_kind="citizen",
                applicant_name="压测",
                applicant_id_number=applicant.id_number,
                state="in_review",
                submitted_at=now,
                accepted_at=now,
                promised_due_at=due,
                statutory_due_at=due,
                current_due_at=due,
                due_level="normal",
            )
            for i in range(start, min(n, start + batch))
        ]
        Application.objects.bulk_create(rows, batch_size=batch)


def timed_sweep():
    from portal.clock import sweep

    started = time.perf_counter()
    result = sweep.run()
    return time.perf_counter() - started, result


def plans():
    from approvals.models import Application
    from portal.clock import deadlines
    from portal.clock.levels import Level

    now = timezone.now()
    passed = Application.objects.filter(due_level__in=[Level.NORMAL, Level.WARNING], current_due_at__lt=now)
    overdue = passed.exclude(state="submitted")
    late = Application.objects.filter(state="submitted", current_due_at__lt=now)  # the Art. 32 handler's rows
    threshold = deadlines.end_of_day(deadlines.warning_threshold(timezone.localdate(), 1))
    soon = Application.objects.filter(due_level=Level.NORMAL, current_due_at__gte=now, current_due_at__lte=threshold)
    for name, qs in (("overdue", overdue), ("due soon", soon), ("late intake", late)):
        print(f"--- plan: {name}")
        print(qs.order_by().values_list("pk", flat=True)[:1000].explain(analyze=True))


def main():
    small = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    large = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000
    changing = int(sys.argv[3]) if len(sys.argv) > 3 else 1_000
    if connection.vendor != "postgresql":
        sys.exit("Run this against PostgreSQL: set DATABASE_URL=postgres://...")
    with throwaway_database():
        from approvals.models import ServiceItem
        from portal import roles
        from portal.tests import factories

        department = construction_department()
        item = ServiceItem.objects.create(
            code="ZJJ-XK-0002",
            name="建筑工程施工许可证核发",
            department=department,
            kind="permit",
            statutory_days=15,
            promised_days=3,
            online_depth=4,
        )
        factories.staff("bench-reviewer", roles.REVIEWER, department, email="")
        factories.staff("bench-supervisor", roles.SUPERVISOR, email="")
        applicant = factories.citizen("bench-citizen", "压测", email="")
        far = timezone.now() + timedelta(days=365)
        past = timezone.now() - timedelta(days=3)

        figures = []
        for label, total, prefix in (("small", small, "S"), ("large", large - small, "L")):
            started = time.perf_counter()
            insert(total - changing, item=item, applicant=applicant, due=far, prefix=f"{prefix}F")
            insert(changing, item=item, applicant=applicant, due=past, prefix=f"{prefix}P")
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE approvals_application")
            rows = small if label == "small" else large
            print(f"{rows:>9,} rows inserted in {time.perf_counter() - started:6.1f} s")
            if label == "large":
                plans()  # while the changing rows are there to be found
            elapsed, result = timed_sweep()
            assert result.of("applications").overdue == changing, result
            figures.append((rows, elapsed))
            print(f"{rows:>9,} rows, {changing} change level: sweep {elapsed * 1000:8.1f} ms ({result})")
        (rows_a, time_a), (rows_b, time_b) = figures
        print(f"table {rows_b / rows_a:.0f}x larger; sweep time ratio {time_b / time_a:.2f}x")


if __name__ == "__main__":
    main()
