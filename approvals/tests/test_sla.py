"""The SLA engine over time: auto-acceptance, warnings, overdue alerts, pauses, exactly-once alerts."""

import dataclasses
from datetime import date, datetime
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_fsm_log.models import StateLog

from approvals import services
from approvals.models import Application, State
from approvals.tests import factories
from portal import errors
from portal.clock import coverage, deadlines, registry, sweep
from portal.models import ClockAlert, Notification

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(day: str, hour: int = 10):
    return time_machine.travel(datetime.fromisoformat(day).replace(hour=hour, tzinfo=SHANGHAI), tick=False)


def local_day(moment):
    return deadlines.day_of(moment)


@pytest.fixture
def submitted_friday(permit_item, citizen):
    with at("2026-11-27"):
        return factories.submitted(permit_item, citizen)


def test_submission_sets_the_intake_deadline(submitted_friday):
    assert local_day(submitted_friday.intake_due_at) == date(2026, 12, 4)
    assert submitted_friday.current_due_at == submitted_friday.intake_due_at
    assert submitted_friday.due_level == "normal"


def test_acceptance_sets_promised_and_statutory_deadlines(submitted_friday, clerk):
    with at("2026-11-30"):
        application = services.application_accept(application_id=submitted_friday.pk, actor=clerk)
    assert local_day(application.promised_due_at) == date(2026, 12, 3)  # 3 working days
    assert local_day(application.statutory_due_at) == date(2026, 12, 21)  # 15 working days
    assert application.intake_due_at is not None and application.current_due_at == application.promised_due_at


def test_late_intake_is_accepted_by_law_as_of_the_day_received(submitted_friday, clerk, supervisor):
    with at("2026-12-04", 23):
        assert sweep.run().of("applications").handled == []  # the last day is still in time
    with at("2026-12-05"):
        result = sweep.run()
    application = Application.objects.get()
    assert result.of("applications").handled == [application.reference]
    assert application.state == State.ACCEPTED and application.auto_accepted
    assert application.accepted_at == application.submitted_at
    assert local_day(application.promised_due_at) == date(2026, 12, 2)  # counted from the day received
    log = StateLog.objects.get(object_id=application.pk, transition="auto_accept")
    assert log.by is None and "第三十二条" in log.description
    assert Notification.objects.filter(user=clerk, kind="auto_accepted").count() == 1


def test_a_late_intake_already_overdue_is_still_accepted_by_law(submitted_friday, clerk, citizen):
    # A notice on the last intake day, answered on the Saturday: no working day passed while
    # paused, so the intake deadline stays Friday 4 December and the case is overdue at once.
    material = submitted_friday.item.materials.first()
    with at("2026-12-04"):
        services.application_request_correction(
            application_id=submitted_friday.pk, actor=clerk, items=[(material, "", "盖章不清")]
        )
    with at("2026-12-05"):
        services.application_submit(application_id=submitted_friday.pk, actor=citizen)
    application = Application.objects.get()
    assert (application.state, application.due_level) == (State.SUBMITTED, "overdue")
    with at("2026-12-07"):
        result = sweep.run()
    application.refresh_from_db()
    assert result.of("applications").handled == [application.reference]
    assert application.state == State.ACCEPTED and application.auto_accepted


def test_warning_then_overdue_alert_the_right_people_once(
    submitted_friday, clerk, reviewer, other_reviewer, supervisor
):
    with at("2026-11-30"):
        services.application_accept(application_id=submitted_friday.pk, actor=clerk)
        services.application_claim(application_id=submitted_friday.pk, actor=reviewer)
    with at("2026-12-01"):
        assert sweep.run().of("applications").warning == 0  # due 3 December: two working days left
    with at("2026-12-02"):
        assert sweep.run().of("applications").warning == 1
        assert sweep.run().of("applications").warning == 0  # run twice: alerted once
    with at("2026-12-04"):
        assert sweep.run().of("applications").overdue == 1
        assert sweep.run().of("applications").overdue == 0
    application = Application.objects.get()
    assert application.due_level == "overdue"
    assert ClockAlert.objects.filter(clock="applications", object_id=application.pk).count() == 2
    # Supervisors read it in their daily digest (oversight), not one notification per alert.
    for user, expected in ((reviewer, 2), (supervisor, 0), (other_reviewer, 0)):
        assert Notification.objects.filter(user=user, kind__startswith="sla_").count() == expected


def test_a_suspension_moves_the_deadlines_by_the_working_days_paused(submitted_friday, clerk, reviewer):
    with at("2026-11-30"):
        services.application_accept(application_id=submitted_friday.pk, actor=clerk)
        services.application_claim(application_id=submitted_friday.pk, actor=reviewer)
    with at("2026-12-01"):
        services.application_suspend(
            application_id=submitted_friday.pk, actor=reviewer, kind="testing", reason="送检", expected_days=3
        )
    application = Application.objects.get()
    assert application.current_due_at is None
    with at("2026-12-10"):
        assert sweep.run().of("applications").overdue == 0  # paused: the clock does not run
        services.application_resume(application_id=submitted_friday.pk, actor=reviewer)
    application.refresh_from_db()
    assert local_day(application.promised_due_at) == date(2026, 12, 14)  # 3 Dec + the 7 working days paused
    assert local_day(application.statutory_due_at) == date(2026, 12, 30)


def test_a_correction_pauses_the_intake_clock(submitted_friday, clerk, citizen):
    with at("2026-11-30"):
        services.application_request_correction(
            application_id=submitted_friday.pk, actor=clerk, items=[(None, "parcel_no", "有误")]
        )
    with at("2026-12-03"):
        services.application_submit(application_id=submitted_friday.pk, actor=citizen)
    application = Application.objects.get()
    assert local_day(application.intake_due_at) == date(2026, 12, 9)  # 4 Dec + 3 working days


def test_an_extension_moves_both_decision_deadlines(submitted_friday, clerk, reviewer):
    submitted_friday.item.extension_days = 10
    submitted_friday.item.save()
    with at("2026-11-30"):
        services.application_accept(application_id=submitted_friday.pk, actor=clerk)
        services.application_claim(application_id=submitted_friday.pk, actor=reviewer)
        services.application_extend(
            application_id=submitted_friday.pk, actor=reviewer, reason="复杂", approved_by="局长"
        )
    application = Application.objects.get()
    assert local_day(application.promised_due_at) == date(2026, 12, 17)
    assert local_day(application.statutory_due_at) == date(2027, 1, 5)  # 1 January 2027 is a statutory holiday


def test_a_decision_stops_the_clock(submitted_friday, clerk, reviewer):
    with at("2026-11-30"):
        services.application_accept(application_id=submitted_friday.pk, actor=clerk)
        services.application_claim(application_id=submitted_friday.pk, actor=reviewer)
        services.application_approve(application_id=submitted_friday.pk, actor=reviewer)
    with at("2027-03-01"):
        result = sweep.run()
    assert (result.of("applications").overdue, result.of("applications").warning) == (0, 0)


def test_the_sweep_cost_does_not_grow_with_unchanged_applications(permit_item, citizen, clerk):
    def sweep_queries():
        with at("2026-11-30"), CaptureQueriesContext(connection) as context:
            sweep.run()
        return len(context.captured_queries)

    with at("2026-11-27"):
        for _ in range(3):
            factories.submitted(permit_item, citizen)
    few = sweep_queries()
    with at("2026-11-27"):
        for _ in range(30):
            factories.submitted(permit_item, citizen)
    assert sweep_queries() == few


def test_a_sweep_that_dies_half_way_loses_nothing(permit_item, citizen, clerk, reviewer):
    with at("2026-11-30"):
        apps = [factories.submitted(permit_item, citizen) for _ in range(3)]
        for application in apps:
            services.application_accept(application_id=application.pk, actor=clerk)
    real_alert_all = sweep.alert_all
    calls = {"n": 0}

    class WorkerKilled(BaseException):  # not an error the sweep may catch: the process is gone
        pass

    def dying_alert_all(clock, raised, *, roster):
        calls["n"] += 1
        if calls["n"] == 2:
            raise WorkerKilled
        return real_alert_all(clock, raised, roster=roster)

    with (
        at("2026-12-04"),
        mock.patch.object(sweep, "ROWS_PER_TRANSACTION", 1),
        mock.patch.object(sweep, "alert_all", dying_alert_all),
        pytest.raises(WorkerKilled),
    ):
        sweep.run()
    assert ClockAlert.objects.filter(clock="applications", level="overdue").count() == 1
    with at("2026-12-04"):
        sweep.run()
    assert ClockAlert.objects.filter(clock="applications", level="overdue").count() == 3
    assert Application.objects.filter(due_level="overdue").count() == 3


def _accepted(permit_item, citizen, clerk, count):
    with at("2026-11-27"):
        apps = [factories.submitted(permit_item, citizen) for _ in range(count)]
    with at("2026-11-30"):
        for application in apps:
            services.application_accept(application_id=application.pk, actor=clerk)
    return apps


def test_the_sweep_issues_as_many_statements_for_many_changing_applications_as_for_few(
    permit_item, citizen, clerk, reviewer, supervisor
):
    def overdue_sweep(count):
        apps = _accepted(permit_item, citizen, clerk, count)
        with at("2026-12-04"), CaptureQueriesContext(connection) as context:
            result = sweep.run()
        assert result.of("applications").overdue == count
        last = Notification.objects.filter(user=reviewer, kind="sla_overdue", link__contains=f"/{apps[-1].pk}/")
        assert last.exists()
        return len(context.captured_queries)

    few = overdue_sweep(2)
    many = overdue_sweep(12)
    assert many == few
    assert Notification.objects.filter(user=reviewer, kind="sla_overdue").count() == 14


def test_a_row_whose_alert_fails_is_left_for_the_next_sweep_and_the_others_are_alerted(
    permit_item, citizen, clerk, reviewer
):
    apps = _accepted(permit_item, citizen, clerk, 3)
    failing = apps[1]
    clock = registry.get("applications")

    def notice(application, level):
        if application.pk == failing.pk:
            raise ValueError("no notice for this one")
        return clock.notice(application, level)

    registry.register(dataclasses.replace(clock, notice=notice))
    try:
        with at("2026-12-04"):
            result = sweep.run()
    finally:
        registry.register(clock)
    assert result.of("applications").overdue == 2
    assert list(result.clocks) == [c.name for c in registry.registered()]  # the clocks after it ran too
    alerted = set(ClockAlert.objects.filter(clock="applications", level="overdue").values_list("object_id", flat=True))
    assert alerted == {apps[0].pk, apps[2].pk}
    failing.refresh_from_db()
    assert failing.due_level != "overdue"
    assert Notification.objects.filter(user=reviewer, kind="sla_overdue").count() == 2
    with at("2026-12-04"):
        assert sweep.run().of("applications").overdue == 1
    failing.refresh_from_db()
    assert failing.due_level == "overdue"
    assert Notification.objects.filter(user=reviewer, kind="sla_overdue").count() == 3


def test_the_command_runs_the_sweep(submitted_friday, capsys):
    with at("2026-12-07"):
        call_command("sla_sweep")
    assert "applications: 1 handled" in capsys.readouterr().out
    assert Application.objects.get().state == State.ACCEPTED


def test_a_missing_calendar_year_alerts_supervisors_and_administrators_once_a_day(supervisor, administrator, clerk):
    with at("2026-11-27"):
        missing = coverage.calendar_coverage_check(days=60)
        coverage.calendar_coverage_check(days=60)
    assert missing[0] == date(2027, 1, 1)
    for user, expected in ((supervisor, 1), (administrator, 1), (clerk, 0)):
        assert Notification.objects.filter(user=user, kind="calendar_incomplete").count() == expected


def test_the_calendar_check_is_quiet_when_covered(supervisor):
    with at("2026-06-01"):
        assert coverage.calendar_coverage_check(days=60) == []
    assert not Notification.objects.exists()


def test_the_reviewers_queue_puts_the_nearest_deadline_first_with_its_colour(
    client, permit_item, citizen, clerk, reviewer, construction_department
):
    relaxed = factories.item(construction_department, promised_days=10, statutory_days=20)
    with at("2026-11-27"):
        far = factories.submitted(relaxed, citizen)
        near = factories.submitted(permit_item, citizen)
    with at("2026-11-30"):
        for application in (far, near):
            services.application_accept(application_id=application.pk, actor=clerk)
    with at("2026-12-03"):
        sweep.run()
        client.force_login(reviewer)
        response = client.get(reverse("admin:approvals_application_changelist"))
    assert list(response.context["cl"].result_list) == [near, far]
    assert "ow-sla-warning" in response.content.decode()


def test_the_applicant_sees_the_promised_date_and_days_left(client, permit_item, citizen, clerk):
    with at("2026-11-27"):
        application = factories.submitted(permit_item, citizen)
    with at("2026-11-30"):
        services.application_accept(application_id=application.pk, actor=clerk)
        client.force_login(citizen)
        content = client.get(reverse("approvals:application_detail", args=[application.reference])).content.decode()
    assert "2026-12-03" in content
    assert "剩余 3 个工作日" in content


def test_done_when_national_day_promise_yellow_on_the_9th_red_on_the_11th_one_alert_each(
    permit_item, citizen, clerk, reviewer
):
    with at("2026-09-29"):
        application = factories.submitted(permit_item, citizen)
    with at("2026-09-30"):
        services.application_accept(application_id=application.pk, actor=clerk)
    application.refresh_from_db()
    assert application.promised_due_at == deadlines.end_of_day(date(2026, 10, 10))  # the make-up Saturday
    with at("2026-10-08"):
        sweep.run()
    assert Application.objects.get().due_level == "normal"
    with at("2026-10-09"):
        for _ in range(10):
            sweep.run()
    assert Application.objects.get().due_level == "warning"
    with at("2026-10-10", 23):
        sweep.run()
    assert Application.objects.get().due_level == "warning"  # the last day is still in time
    with at("2026-10-11"):
        for _ in range(10):
            sweep.run()
    assert Application.objects.get().due_level == "overdue"
    assert list(
        ClockAlert.objects.filter(clock="applications").order_by("created_at").values_list("level", flat=True)
    ) == ["warning", "overdue"]


def test_a_late_acceptance_by_a_clerk_counts_from_the_day_received(submitted_friday, clerk):
    with at("2026-12-07"):
        application = services.application_accept(application_id=submitted_friday.pk, actor=clerk)
    assert application.accepted_at == application.submitted_at and application.auto_accepted
    assert local_day(application.promised_due_at) == date(2026, 12, 2)


def test_after_the_intake_deadline_reject_and_correction_are_refused(submitted_friday, clerk):
    with at("2026-12-07"):
        with pytest.raises(errors.ActionRefused):
            services.application_reject(application_id=submitted_friday.pk, actor=clerk, reason="材料不全")
        with pytest.raises(errors.ActionRefused):
            services.application_request_correction(
                application_id=submitted_friday.pk, actor=clerk, items=[(None, "parcel_no", "有误")]
            )
    assert Application.objects.get().state == State.SUBMITTED
