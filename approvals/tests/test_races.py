"""Two people acting on the same application at the same moment: exactly one wins (PostgreSQL)."""

import threading

import pytest
import time_machine
from django.db import connection
from django_fsm_log.models import StateLog

from approvals import services
from approvals.models import Application, State
from approvals.tests import factories
from portal import errors, roles
from portal.clock import sweep
from portal.models import ClockAlert, Notification
from portal.tests import factories as portal_factories

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _race(*calls):
    """Run the calls at the same moment in threads; return their results or exceptions."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait()
            results[index] = call()
        except Exception as exc:  # recorded for the assertions
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_two_clerks_accepting_and_rejecting_at_once_make_one_transition(requires_postgresql, permit_item, citizen):
    application = factories.submitted(permit_item, citizen)
    first = portal_factories.staff("clerk1", roles.CLERK)
    second = portal_factories.staff("clerk2", roles.CLERK)
    for _ in range(5):
        pk = application.pk
        results = _race(
            lambda pk=pk: services.application_accept(application_id=pk, actor=first),
            lambda pk=pk: services.application_reject(application_id=pk, actor=second, reason="不属于受理范围"),
        )
        losers = [r for r in results if isinstance(r, Exception)]
        assert len(losers) == 1 and isinstance(losers[0], errors.AlreadyHandled), results
        # The state is the one the winning call set: accepted if the accept won, rejected if the reject won.
        expected = State.REJECTED if isinstance(results[0], Exception) else State.ACCEPTED
        application.refresh_from_db()
        assert application.state == expected, results
        assert StateLog.objects.filter(object_id=application.pk, state=application.state).count() == 1
        application = factories.submitted(permit_item, citizen)


def test_two_reviewers_claiming_at_once_leave_one_handler(requires_postgresql, permit_item, citizen, clerk, reviewer):
    colleague = portal_factories.staff("colleague", roles.REVIEWER, reviewer.department)
    application = factories.submitted(permit_item, citizen)
    services.application_accept(application_id=application.pk, actor=clerk)
    results = _race(
        lambda: services.application_claim(application_id=application.pk, actor=reviewer),
        lambda: services.application_claim(application_id=application.pk, actor=colleague),
    )
    winners = [r for r in results if isinstance(r, Application)]
    assert len(winners) == 1
    assert isinstance([r for r in results if r not in winners][0], errors.AlreadyHandled)
    application.refresh_from_db()
    assert application.handler == winners[0].handler
    assert StateLog.objects.filter(object_id=application.pk, transition="claim").count() == 1


def test_two_sweeps_at_once_alert_exactly_once(requires_postgresql, permit_item, citizen, clerk, reviewer, supervisor):

    with time_machine.travel("2026-01-05 10:00 +0800", tick=False):
        apps = [factories.submitted(permit_item, citizen) for _ in range(5)]
        for application in apps:
            services.application_accept(application_id=application.pk, actor=clerk)
    results = _race(sweep.run, sweep.run, sweep.run)
    assert all(not isinstance(r, Exception) for r in results), results
    assert sum(r.overdue for r in results) == 5
    assert ClockAlert.objects.filter(clock="applications", level="overdue").count() == 5
    # The department is told at once (supervisors read the daily digest instead).
    assert Notification.objects.filter(user=reviewer, kind="sla_overdue").count() == 5
