"""The reply clock of questions (限时答复): due dates by kind, forwarding in working hours, alerts once."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from consultations import services
from consultations.models import Question, ReplyKind, ReplyLimit
from consultations.questions import clock
from consultations.selectors import questions_for_staff, thread
from consultations.tests import factories
from portal.clock import sweep
from portal.models import ClockAlert, Notification
from portal.services import calendar_load_official

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(*args) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)


@pytest.fixture
def official_calendar(db):
    calendar_load_official()


def test_it_gives_a_question_asked_on_the_mid_autumn_holiday_two_working_days(official_calendar, permit_item, citizen):
    question = factories.ask(permit_item, asker=citizen, now=at(2026, 9, 25, 16, 0))

    assert question.department == permit_item.department
    assert question.reply_kind == ReplyKind.IN_SCOPE
    assert question.current_due_at == at(2026, 9, 29, 23, 59, 59, 999999)


def test_it_gives_joint_handling_three_working_days(official_calendar, permit_item, citizen, consultant):
    question = factories.ask(permit_item, asker=citizen, now=at(2026, 9, 25, 16, 0))
    services.question_claim(question_id=question.pk, actor=consultant, now=at(2026, 9, 28, 9, 0))

    question = services.question_classify(
        question_id=question.pk, actor=consultant, kind=ReplyKind.JOINT, now=at(2026, 9, 28, 9, 0)
    )

    assert question.current_due_at == at(2026, 9, 30, 23, 59, 59, 999999)


def test_it_wants_a_question_outside_the_remit_forwarded_within_three_working_hours_across_lunch(
    official_calendar, permit_item, citizen, consultant
):
    question = factories.ask(permit_item, asker=citizen, now=at(2026, 10, 14, 11, 30))
    services.question_claim(question_id=question.pk, actor=consultant, now=at(2026, 10, 14, 11, 40))

    question = services.question_classify(
        question_id=question.pk, actor=consultant, kind=ReplyKind.OUTSIDE_REMIT, now=at(2026, 10, 14, 11, 45)
    )

    assert question.current_due_at == at(2026, 10, 14, 16, 0)


def test_it_takes_the_limits_set_in_the_admin_over_the_settings(official_calendar, permit_item, citizen):
    ReplyLimit.objects.create(kind=ReplyKind.IN_SCOPE, amount=1)

    question = factories.ask(permit_item, asker=citizen, now=at(2026, 9, 25, 16, 0))

    assert question.current_due_at == at(2026, 9, 28, 23, 59, 59, 999999)


def test_it_keeps_the_first_responder_after_a_forward_who_sees_the_other_departments_answer(
    official_calendar, permit_item, market_department, citizen, consultant, other_consultant
):
    question = factories.ask(permit_item, asker=citizen, now=at(2026, 10, 14, 11, 30))
    services.question_claim(question_id=question.pk, actor=consultant, now=at(2026, 10, 14, 11, 40))
    services.question_classify(
        question_id=question.pk, actor=consultant, kind=ReplyKind.OUTSIDE_REMIT, now=at(2026, 10, 14, 11, 45)
    )

    services.question_forward(
        question_id=question.pk,
        actor=consultant,
        to=market_department,
        note="营业执照变更属市场监管局",
        now=at(2026, 10, 14, 15, 0),
    )
    services.question_claim(question_id=question.pk, actor=other_consultant, now=at(2026, 10, 14, 15, 30))
    services.question_answer(
        question_id=question.pk,
        actor=other_consultant,
        text="请到市场监管局窗口办理变更登记。",
        now=at(2026, 10, 15, 10, 0),
    )

    question.refresh_from_db()
    assert question.first_responder == consultant
    assert question.department == market_department
    assert question.state == Question.State.ANSWERED
    assert questions_for_staff(consultant).filter(pk=question.pk).exists()
    answers = [m.text for m in thread(question, staff=True) if m.kind == "answer"]
    assert answers == ["请到市场监管局窗口办理变更登记。"]


def test_it_restarts_the_reply_clock_in_the_receiving_department(
    official_calendar, permit_item, market_department, citizen, consultant
):
    question = factories.ask(permit_item, asker=citizen, now=at(2026, 10, 14, 11, 30))
    services.question_claim(question_id=question.pk, actor=consultant, now=at(2026, 10, 14, 11, 40))

    question = services.question_forward(
        question_id=question.pk,
        actor=consultant,
        to=market_department,
        note="属市场监管局",
        now=at(2026, 10, 14, 15, 0),
    )

    assert question.clock_round == 2
    assert question.reply_kind == ReplyKind.IN_SCOPE
    assert question.current_due_at == at(2026, 10, 16, 23, 59, 59, 999999)


@pytest.mark.parametrize("sweeps", [1, 10])
def test_it_alerts_once_per_level_however_often_the_sweep_runs(
    official_calendar, permit_item, citizen, consultant, supervisor, sweeps
):
    question = factories.ask(permit_item, asker=citizen, now=at(2026, 10, 12, 9, 0))
    services.question_claim(question_id=question.pk, actor=consultant, now=at(2026, 10, 12, 9, 5))

    for _ in range(sweeps):
        sweep.run(now=at(2026, 10, 14, 9, 0))  # the last day: due soon
    for _ in range(sweeps):
        sweep.run(now=at(2026, 10, 15, 9, 0))  # the day after: overdue

    alerts = ClockAlert.objects.filter(clock=clock.REPLY, object_id=question.pk)
    assert sorted(alerts.values_list("level", flat=True)) == ["overdue", "warning"]
    kinds = sorted(Notification.objects.filter(user=consultant).values_list("kind", flat=True))
    assert kinds == ["question_overdue", "question_warning"]
    # Supervisors read it in their daily digest (oversight), not one notification per alert.
    assert not Notification.objects.filter(user=supervisor).exists()


def test_it_warns_of_a_forwarding_deadline_with_one_working_hour_left(
    official_calendar, permit_item, citizen, consultant
):
    question = factories.ask(permit_item, asker=citizen, now=at(2026, 10, 14, 11, 30))
    services.question_claim(question_id=question.pk, actor=consultant, now=at(2026, 10, 14, 11, 40))
    services.question_classify(
        question_id=question.pk, actor=consultant, kind=ReplyKind.OUTSIDE_REMIT, now=at(2026, 10, 14, 11, 45)
    )

    sweep.run(now=at(2026, 10, 14, 14, 0))
    assert not ClockAlert.objects.filter(clock=clock.FORWARD, object_id=question.pk).exists()
    sweep.run(now=at(2026, 10, 14, 15, 1))
    sweep.run(now=at(2026, 10, 14, 16, 1))

    levels = ClockAlert.objects.filter(clock=clock.FORWARD, object_id=question.pk).values_list("level", flat=True)
    assert sorted(levels) == ["overdue", "warning"]


def test_it_alerts_again_in_a_new_round_after_a_follow_up(official_calendar, permit_item, citizen, consultant):
    question = factories.ask(permit_item, asker=citizen, now=at(2026, 10, 12, 9, 0))
    services.question_claim(question_id=question.pk, actor=consultant, now=at(2026, 10, 12, 9, 5))
    sweep.run(now=at(2026, 10, 15, 9, 0))
    services.question_answer(question_id=question.pk, actor=consultant, text="答复", now=at(2026, 10, 15, 10, 0))

    services.question_follow_up(question_id=question.pk, text="还有一个问题", now=at(2026, 10, 16, 9, 0))
    sweep.run(now=at(2026, 10, 21, 9, 0))

    rounds = ClockAlert.objects.filter(clock=clock.REPLY, object_id=question.pk, level="overdue")
    assert sorted(rounds.values_list("round", flat=True)) == [1, 2]


def test_it_stops_the_clock_when_the_question_is_answered(official_calendar, permit_item, citizen, consultant):
    question = factories.answered(permit_item, asker=citizen, handler=consultant, now=at(2026, 10, 12, 9, 0))

    sweep.run(now=at(2026, 10, 30, 9, 0))

    assert question.current_due_at is None
    assert not ClockAlert.objects.filter(clock=clock.REPLY, object_id=question.pk).exists()
