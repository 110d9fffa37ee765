"""Benchmark: the one clock sweep, in batches, beside the per-application path, at two table sizes.

Usage: DATABASE_URL=postgres://... python scripts/bench_sla_sweep.py [SMALL] [LARGE] [CHANGING]

In a throw-away test database on PostgreSQL, bulk-inserts SMALL (default 100,000) open
applications whose deadlines are far away, plus CHANGING (default 1,000) that are due
now, and times the per-application path (the sweep as it was: a transaction, a locked
read, an alert insert and a staff look-up per application) on them; then CHANGING more due
now, and times the sweep (batches of up to 1,000 rows a transaction, alerts and
notifications inserted in bulk, the staff read once). It does the same after growing the
table to LARGE (default 1,000,000). Prints times and statements of both paths at both sizes,
and the query plans of the sweep's range queries.
"""

import sys
import time
from datetime import timedelta

from benchlib import construction_department, counted, report, throwaway_database
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


def per_application_sweep(now):
    """The applications clock's overdue pass as it was: one application per transaction."""
    from django.conf import settings
    from django.db import IntegrityError, transaction
    from django.utils import translation

    from portal.clock import registry, sweep
    from portal.clock.levels import Level, rank
    from portal.clock.roster import Roster
    from portal.models import ClockAlert
    from portal.services import notification_send

    clock = registry.get("applications")
    passed = clock.open().filter(due_level__in=[Level.NORMAL, Level.WARNING], current_due_at__lt=now)
    alerted = 0
    for pk in sweep._ids(passed.exclude(clock.passed_filter)):
        with transaction.atomic():
            obj = clock.open().select_for_update(of=("self",)).select_related(*clock.select_related).get(pk=pk)
            current = sweep.set_level(clock, obj, now)
            if rank(current) < rank(Level.OVERDUE):
                continue
            clock.model.objects.filter(pk=pk).update(due_level=current)
            try:
                with transaction.atomic():
                    ClockAlert.objects.create(
                        clock=clock.name, object_id=pk, level=current, deadline=obj.current_due_at
                    )
            except IntegrityError:
                continue
            alerted += 1
            with translation.override(settings.LANGUAGE_CODE):
                notice = clock.notice(obj, current)
            roster = Roster()  # the staff were looked up again for every application (then in three queries)
            kind = f"{clock.kind}_{current}"
            for user in clock.recipients(obj, current, roster):
                if user.pk not in roster.digest_readers:
                    notification_send(user=user, kind=kind, title=notice.title, body=notice.body, link=notice.link)
    return alerted


def timed(sweeper):
    started = time.perf_counter()
    with counted() as statements:
        result = sweeper()
    return time.perf_counter() - started, statements[0], result


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
        from portal.clock import sweep
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
            insert(total - 2 * changing, item=item, applicant=applicant, due=far, prefix=f"{prefix}F")
            insert(changing, item=item, applicant=applicant, due=past, prefix=f"{prefix}A")
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE approvals_application")
            rows = small if label == "small" else large
            print(f"{rows:>9,} rows inserted in {time.perf_counter() - started:6.1f} s")
            if label == "large":
                plans()  # while the changing rows are there to be found
            now = timezone.now()
            old_s, old_n, alerted = timed(lambda: per_application_sweep(now))  # noqa: B023 - called at once
            assert alerted == changing, alerted
            insert(changing, item=item, applicant=applicant, due=past, prefix=f"{prefix}B")
            new_s, new_n, result = timed(sweep.run)
            assert result.of("applications").overdue == changing, result
            figures.append((rows, new_s))
            print(
                f"{rows:>9,} rows, {changing} change level: per application {old_s * 1000:8.1f} ms "
                f"({old_n} statements); sweep {new_s * 1000:8.1f} ms ({new_n} statements), "
                f"{old_s / new_s:.1f}x faster"
            )
            target = "<= 1000 ms at 1,000,000" if rows >= 1_000_000 else ""
            report(f"sweep, {changing:,} changing among {rows:,}", new_s * 1000, "ms", old_s * 1000, target=target)
        (rows_a, time_a), (rows_b, time_b) = figures
        print(f"table {rows_b / rows_a:.0f}x larger; sweep time ratio {time_b / time_a:.2f}x")


if __name__ == "__main__":
    main()
