"""Benchmark: the statistics at city scale: the full rebuild of the snapshot and the /stats/ page.

Usage: DATABASE_URL=postgres://... python scripts/bench_stats.py [APPLICATIONS]

In a throw-away test database on PostgreSQL, inserts APPLICATIONS (default 1,000,000) over the
last two years with generate_series (10 departments, 200 items; 95% accepted, 90% concluded when
their decision day, 2-16 days after filing, has come; one in twenty suspended once), plus 2,000
filed today; then times the full rebuild
(`stats_rebuild`), and the page through the Django test client for this year and last year
(best and median of 20), with the snapshot and, once, without it. Prints the times, the ratio to
the issue's limits (rebuild < 60 s, page < 100 ms) and the database's size.
"""

import statistics
import sys
import time

from benchlib import report, throwaway_database
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

DEPARTMENTS, ITEMS_PER_DEPARTMENT = 10, 20


def catalogue():
    from approvals.models import ServiceItem
    from portal.models import Department

    items = []
    for d in range(DEPARTMENTS):
        department = Department.objects.create(code=f"d{d:02d}", name=f"压测部门{d:02d}")
        for i in range(ITEMS_PER_DEPARTMENT):
            items.append(
                ServiceItem.objects.create(
                    code=f"B{d:02d}-{i:03d}",
                    name=f"压测事项{d:02d}-{i:03d}",
                    department=department,
                    kind="permit",
                    statutory_days=20,
                    promised_days=10 if i % 3 else 5,
                    online_depth=1 + i % 4,
                )
            )
    return items


def template_application(item):
    """Return one application saved by the ORM: its encrypted columns are copied to every generated row."""
    from approvals.models import Application
    from portal.models import User

    applicant = User.objects.create_user(
        username="bench", password="x", kind="citizen", real_name="压测", id_number="110101199003074514"
    )
    return Application.objects.create(
        reference="TEMPLATE",
        item=item,
        department_id=item.department_id,
        applicant=applicant,
        applicant_kind="citizen",
        applicant_name="压测",
        applicant_id_number=applicant.id_number,
    )


def prepare():
    """Create the catalogue and the template application that ``generate`` copies; return both."""
    items = catalogue()
    template = template_application(items[0])
    with connection.cursor() as cursor:
        # A view naming each item's department, for the generated rows' department_id.
        cursor.execute(
            "CREATE TEMP VIEW approvals_application_items AS SELECT id, department_id FROM approvals_serviceitem"
        )
    return items, template


def generate(n, template, *, first_item, today_only=False, prefix="B"):
    """Insert n applications copied from the template, with generated items, states and times."""
    from approvals.models import Application

    items = DEPARTMENTS * ITEMS_PER_DEPARTMENT
    columns = [f.column for f in Application._meta.concrete_fields if f.column != "id"]
    generated = {
        "reference": f"'{prefix}-' || g",
        "item_id": f"{first_item} + g % {items}",
        "department_id": f"(SELECT department_id FROM approvals_application_items "  # noqa: S608 - our own numbers
        f"WHERE id = {first_item} + g % {items})",
        "form_token": "NULL",
        "channel": "CASE WHEN g % 4 = 0 THEN 'window' ELSE 'online' END",
        "submitted_at": "s.at",
        "accepted_at": "CASE WHEN g % 20 = 0 THEN NULL ELSE s.at + interval '1 day' END",
        "auto_accepted": "g % 50 = 1",
        # Decided 2-16 days after filing, unless that is still to come (then in review, as at a real hall).
        "decided_at": "CASE WHEN g % 20 = 0 OR g % 10 = 1 OR s.decided > now() THEN NULL ELSE s.decided END",
        "state": "CASE WHEN g % 20 = 0 THEN 'submitted' WHEN g % 10 = 1 OR s.decided > now() THEN 'in_review' "
        "WHEN g % 7 = 0 THEN 'denied' ELSE 'approved' END",
        "promised_due_at": "s.at + interval '13 days'",
        "statutory_due_at": "s.at + interval '27 days'",
        "current_due_at": "NULL",
        "created_at": "s.at",
        "updated_at": "s.at",
    }
    if today_only:
        generated.update(
            {"accepted_at": "NULL", "decided_at": "NULL", "state": "'submitted'", "auto_accepted": "false"}
        )
    when = (
        "now() - interval '1 hour'"
        if today_only
        else "now() - (1 + g % 730) * interval '1 day' - (g % 8) * interval '1 hour'"
    )
    # The delay is drawn from g / 730, not g: an offset in step with the filing day would pile
    # thousands of decisions onto a few days.
    decided = "at + (2 + (g / 730) % 15) * interval '1 day'"
    select = ", ".join(generated.get(c, f"t.{c}") for c in columns)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO approvals_application ({', '.join(columns)}) "  # noqa: S608 - our own columns and numbers
            f"SELECT {select} FROM generate_series(1, {int(n)}) g "
            f"CROSS JOIN LATERAL (SELECT at, {decided} AS decided FROM (SELECT {when} AS at) w) s "
            f"CROSS JOIN (SELECT * FROM approvals_application WHERE id = {int(template.pk)}) t"
        )


def pauses():
    """Suspend one concluded application in twenty for two days after its acceptance."""
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO approvals_clockpause (application_id, kind, reason, expected_days, started_at, ended_at, "
            "started_by_id) SELECT id, 'testing', '检测', 2, accepted_at, accepted_at + interval '2 days', "
            "applicant_id FROM approvals_application "
            "WHERE decided_at >= accepted_at + interval '3 days' AND id % 20 = 3"
        )
        return cursor.rowcount


def timed_page(client, params, runs=20):
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get("/stats/", params)
        times.append(time.perf_counter() - started)
        assert response.status_code == 200
    return min(times), statistics.median(times)


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    with throwaway_database():
        if connection.vendor != "postgresql":
            print("needs PostgreSQL: set DATABASE_URL (the issue's figures are on PostgreSQL)")
            return
        from oversight.stats.services import stats_rebuild

        items, template = prepare()
        started = time.perf_counter()
        generate(n, template, first_item=items[0].pk)
        generate(2_000, template, first_item=items[0].pk, today_only=True, prefix="T")
        paused = pauses()
        with connection.cursor() as cursor:
            # What autovacuum does on a live database: fresh statistics and visibility maps.
            cursor.execute("VACUUM ANALYZE")
        print(
            f"inserted {n:,} applications (+2,000 filed today, {paused:,} suspensions) "
            f"in {time.perf_counter() - started:.1f} s"
        )

        client = Client()
        today = timezone.localdate()
        this_year = {}
        last_year = {"start": f"{today.year - 1}-01-01", "end": f"{today.year - 1}-12-31"}
        best, median = timed_page(client, this_year, runs=1)
        print(f"page without a snapshot (all live), this year: {best * 1000:.0f} ms")

        started = time.perf_counter()
        result = stats_rebuild()
        rebuild = time.perf_counter() - started
        print(
            f"full rebuild: {rebuild:.1f} s, {result.rows:,} snapshot rows through {result.end} "
            f"({rebuild / 60:.2f} of the 60 s limit)"
        )
        report("statistics: full rebuild", rebuild, "s", target="<= 60 s")

        for label, params in (("this year", this_year), ("last year", last_year)):
            best, median = timed_page(client, params)
            print(
                f"page, {label}: best {best * 1000:.1f} ms, median {median * 1000:.1f} ms "
                f"({median / 0.1:.2f} of the 100 ms limit)"
            )
            report(f"/stats/ {label}", median * 1000, "ms", target="<= 100 ms")

        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
            size = cursor.fetchone()[0]
            cursor.execute(
                "SELECT pg_size_pretty(pg_total_relation_size('approvals_application')), "
                "pg_size_pretty(pg_total_relation_size('oversight_dailyfigures'))"
            )
            applications, snapshot = cursor.fetchone()
        print(f"database size: {size} (applications with indexes {applications}, snapshot {snapshot})")


if __name__ == "__main__":
    main()
