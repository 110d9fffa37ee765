"""A real Celery worker process runs a batch approval (PostgreSQL and Redis, as in CI)."""

import time

import pytest
import time_machine

from approvals import services, tasks
from approvals.models import Application, BatchJob, State
from approvals.tests import factories
from portal import tasks as portal_tasks
from portal.models import ClockAlert, Notification

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_a_worker_process_approves_a_batch_exactly_once(real_worker, permit_item, clerk, reviewer, citizen):
    ids = []
    for _ in range(12):
        application = factories.submitted(permit_item, citizen)
        services.application_accept(application_id=application.pk, actor=clerk)
        services.application_claim(application_id=application.pk, actor=reviewer)
        ids.append(application.pk)
    job = services.batch_job_create(actor=reviewer, application_ids=ids)
    tasks.batch_approve_run.apply_async(args=[job.pk], queue=real_worker)
    # Sent twice, as a redelivered message would be: nothing is approved twice.
    tasks.batch_approve_run.apply_async(args=[job.pk], queue=real_worker)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.status == BatchJob.Status.DONE and job.done + job.failed == job.total:
            break
        time.sleep(0.3)
    assert (job.status, job.done, job.failed) == (BatchJob.Status.DONE, 12, 0)
    assert Application.objects.filter(pk__in=ids, state=State.APPROVED).count() == 12
    assert job.items.count() == 12


def test_a_redelivered_sweep_task_alerts_once(real_worker, permit_item, citizen, clerk, reviewer, supervisor):
    with time_machine.travel("2026-01-05 10:00 +0800", tick=False):
        application = factories.submitted(permit_item, citizen)
        services.application_accept(application_id=application.pk, actor=clerk)
    # The same message delivered twice, as after a worker killed before acknowledging it.
    portal_tasks.clock_sweep_run.apply_async(queue=real_worker)
    portal_tasks.clock_sweep_run.apply_async(queue=real_worker)
    # A sentinel behind them: the solo worker runs messages in order, so when the empty
    # batch is done, both sweeps have run.
    sentinel = BatchJob.objects.create(created_by=reviewer, department=reviewer.department, application_ids=[])
    tasks.batch_approve_run.apply_async(args=[sentinel.pk], queue=real_worker)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        sentinel.refresh_from_db()
        if sentinel.status == BatchJob.Status.DONE:
            break
        time.sleep(0.3)
    assert sentinel.status == BatchJob.Status.DONE
    assert ClockAlert.objects.filter(clock="applications", object_id=application.pk, level="overdue").count() == 1
    # The department is told once (supervisors read the daily digest instead).
    assert Notification.objects.filter(user=reviewer, kind="sla_overdue").count() == 1
    application.refresh_from_db()
    assert application.due_level == "overdue"
