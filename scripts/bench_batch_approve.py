"""Benchmark: batch approval through the real service, in a throw-away test database.

Usage: DATABASE_URL=postgres://... python scripts/bench_batch_approve.py [N]

Creates N applications in review (default 1,000), approves them with the same service
the admin action and the Celery task use, and prints approvals per second beside a
baseline run in the same process: the floor of one locked UPDATE per application in its
own transaction, with no state machine, log or notification.
"""

import sys
import time

from benchlib import construction_department, throwaway_database
from django.db import connection, transaction  # noqa: E402


def make_applications(n, item, reviewer, applicant, state):
    from django.utils import timezone

    from approvals.models import Application

    now = timezone.now()
    rows = [
        Application(
            reference=f"BENCH-{state}-{i:06d}",
            item=item,
            department_id=item.department_id,
            applicant=applicant,
            applicant_kind="citizen",
            applicant_name="压测",
            applicant_id_number=applicant.id_number,
            state=state,
            handler=reviewer,
            submitted_at=now,
            accepted_at=now,
        )
        for i in range(n)
    ]
    return [a.pk for a in Application.objects.bulk_create(rows, batch_size=500)]


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    with throwaway_database():
        from approvals import services
        from approvals.models import Application, ServiceItem
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
        reviewer = factories.staff("bench-reviewer", roles.REVIEWER, department)
        applicant = factories.citizen("bench-citizen", "压测", email="")

        # Baseline: one locked UPDATE per application, each in its own transaction.
        baseline_ids = make_applications(n, item, reviewer, applicant, "accepted")
        started = time.perf_counter()
        for pk in baseline_ids:
            with transaction.atomic():
                Application.objects.select_for_update().filter(pk=pk).values_list("pk", flat=True).get()
                Application.objects.filter(pk=pk).update(state="approved")
        baseline = time.perf_counter() - started

        ids = make_applications(n, item, reviewer, applicant, "in_review")
        job = services.batch_job_create(actor=reviewer, application_ids=ids)
        started = time.perf_counter()
        job = services.batch_job_run(job_id=job.pk)
        elapsed = time.perf_counter() - started
        assert job.done == n and job.failed == 0, (job.done, job.failed)

        print(f"database: {connection.vendor}, {n} applications")
        print(f"baseline (locked UPDATE per row): {n / baseline:8.1f} per second, {1000 * baseline / n:6.2f} ms each")
        print(f"batch approval via the service:   {n / elapsed:8.1f} per second, {1000 * elapsed / n:6.2f} ms each")
        print(f"ratio service / baseline:         {elapsed / baseline:8.1f}x")


if __name__ == "__main__":
    main()
