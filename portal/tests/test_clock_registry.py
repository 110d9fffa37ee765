"""The clock registry: apps declare their clocks, and the one sweep runs every one of them."""

from datetime import datetime, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.db.models import Q

from portal.clock import registry, sweep
from portal.models import CalendarDay


def test_every_deadline_of_the_portal_is_a_registered_clock():
    assert [clock.name for clock in registry.registered()] == [
        "applications",
        "disclosure",
        "print_jobs",
        "question_replies",
        "question_forwards",
        "rating_visits",
        "rating_rectifications",
    ]


def test_a_handler_without_the_rows_it_handles_is_refused():
    clock = registry.Clock(
        name="broken",
        model=CalendarDay,
        open=CalendarDay.objects.all,
        recipients=lambda obj, level, roster: [],
        notice=lambda obj, level: registry.Notice(title="", link=""),
        kind="broken",
        on_passed=lambda pk: None,
    )
    with pytest.raises(ValueError, match="on_passed and passed_filter go together"):
        registry.register(clock)
    assert "broken" not in [c.name for c in registry.registered()]


def test_registering_a_name_again_replaces_the_clock():
    original = registry.get("print_jobs")
    replacement = registry.Clock(**{**original.__dict__, "kind": "print2"})
    try:
        registry.register(replacement)
        assert registry.get("print_jobs").kind == "print2"
        assert len([c for c in registry.registered() if c.name == "print_jobs"]) == 1
    finally:
        registry.register(original)


@pytest.mark.django_db
def test_the_one_sweep_runs_each_registered_clock_once():
    seen = []
    real = sweep.sweep_clock

    def spy(clock, *, now, roster):
        seen.append(clock.name)
        return real(clock, now=now, roster=roster)

    with mock.patch.object(sweep, "sweep_clock", spy):
        result = sweep.run()
    clocks = [
        "applications",
        "disclosure",
        "print_jobs",
        "question_replies",
        "question_forwards",
        "rating_visits",
        "rating_rectifications",
    ]
    assert seen == clocks
    assert set(result.clocks) == set(clocks)


def test_a_clock_with_a_handler_names_the_rows_it_handles():
    applications = registry.get("applications")
    assert applications.on_passed is not None
    assert applications.passed_filter == Q(state="submitted")
    assert registry.get("print_jobs").on_passed is None


@pytest.mark.django_db  # the working-day clock reads the calendar
def test_a_clock_with_its_own_warning_horizon_is_due_soon_only_inside_it():
    hourly = registry.Clock(
        **{
            **registry.get("print_jobs").__dict__,
            "name": "hourly",
            "warning_horizon": lambda now: now + timedelta(hours=1),
        }
    )
    now = datetime(2026, 10, 14, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))

    assert sweep.level_at(now + timedelta(hours=2), now, clock=hourly) == "normal"
    assert sweep.level_at(now + timedelta(minutes=30), now, clock=hourly) == "warning"
    assert sweep.level_at(now - timedelta(minutes=1), now, clock=hourly) == "overdue"
    # The same deadline, two hours away, is due soon for a clock counted in working days.
    assert sweep.level_at(now + timedelta(hours=2), now, clock=registry.get("print_jobs")) == "warning"
