"""Benchmark: batch approval with certificates through the real service, in a throw-away test database.

Usage: DATABASE_URL=postgres://... python scripts/bench_batch_approve.py [N]

Creates N applications in review (default 1,000) of an item that produces a certificate,
approves them with the same service the admin action and the Celery task use (chunks of
BATCH_APPROVE_CHUNK: the transitions, their log, the certificates with their history and
numbers, the print jobs, the public records, the rating invitations and the notices), and
prints approvals per second and SQL statements per approval beside two figures measured in
the same run:

- the baseline: the floor of one locked UPDATE per application in its own transaction, with
  no state machine, log, certificate or notification;
- one by one: the same approvals each in its own transaction (what a failing chunk falls back
  to, and what a batch did before it worked in chunks), on N/5 applications.
"""

import sys
import time

from benchlib import construction_department, counted, report, throwaway_database
from django.db import connection, transaction  # noqa: E402


def make_applications(n, item, reviewer, applicant, state, prefix):
    from django.utils import timezone

    from approvals.models import Application

    now = timezone.now()
    rows = [
        Application(
            reference=f"BENCH-{prefix}-{i:06d}",
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


def measure(label, n, run):
    with counted() as statements:
        started = time.perf_counter()
        run()
        elapsed = time.perf_counter() - started
    rate, each = n / elapsed, 1000 * elapsed / n
    print(f"{label:<34} {rate:8.1f} per second, {each:6.2f} ms, {statements[0] / n:5.1f} statements each")
    return elapsed / n


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    with throwaway_database():
        from approvals import services
        from approvals.models import Application, ServiceItem
        from approvals.services import batch
        from licenses.models import Certificate
        from licenses.tests.factories import permit_type
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
        permit_type(department, item)  # approving an application of the item issues a certificate
        reviewer = factories.staff("bench-reviewer", roles.REVIEWER, department)
        applicant = factories.citizen("bench-citizen", "压测", email="")

        def baseline_run(ids):
            for pk in ids:
                with transaction.atomic():
                    Application.objects.select_for_update().filter(pk=pk).values_list("pk", flat=True).get()
                    Application.objects.filter(pk=pk).update(state="approved")

        def job_run(ids):
            job = services.batch_job_create(actor=reviewer, application_ids=ids)
            job = services.batch_job_run(job_id=job.pk)
            assert job.done == len(ids) and job.failed == 0, (job.done, job.failed)

        def one_by_one_run(ids):
            job = services.batch_job_create(actor=reviewer, application_ids=ids)
            for pk in ids:
                batch._batch_approve_one(job, pk)

        slow = max(1, n // 5)
        baseline_ids = make_applications(n, item, reviewer, applicant, "accepted", "base")
        ids = make_applications(n, item, reviewer, applicant, "in_review", "batch")
        slow_ids = make_applications(slow, item, reviewer, applicant, "in_review", "one")

        print(f"database: {connection.vendor}, {n} applications, chunks of {batch.BATCH_APPROVE_CHUNK}")
        baseline = measure("baseline (locked UPDATE per row):", n, lambda: baseline_run(baseline_ids))
        chunked = measure("batch approval with certificates:", n, lambda: job_run(ids))
        single = measure(f"one by one ({slow} applications):", slow, lambda: one_by_one_run(slow_ids))
        assert Certificate.objects.count() == n + slow, Certificate.objects.count()
        print(f"ratio batch / baseline:            {chunked / baseline:8.2f}x (one by one: {single / baseline:.2f}x)")
        print(f"speed-up of the batch over one by one: {single / chunked:6.1f}x")
        report("batch approval with certificates", 1 / chunked, "per s", 1 / baseline, target=">= 500 per s")
        report("one by one", 1 / single, "per s", 1 / baseline)


if __name__ == "__main__":
    main()
