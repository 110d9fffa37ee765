"""The demo questions and FAQ entries seed_demo loads: every state, some due soon and overdue, idempotent."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

from approvals.models import ServiceItem
from consultations.models import FaqEntry, FaqTerm, Message, Question
from consultations.questions.demo import demo_data
from consultations.selectors import faq_for_item, faq_search, questions_of
from portal import demo
from portal.clock.levels import Level
from portal.models import ClockAlert, User

pytestmark = pytest.mark.django_db


SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def without_other_demo_work(settings, monkeypatch):
    """Leave out the city's applications, certificate types and print jobs (tested in their apps)."""
    for name in ("applications", "licenses", "printing"):
        monkeypatch.delitem(demo._loaders, name)
    settings.DEBUG = True


@pytest.fixture
def seeded(without_other_demo_work):
    call_command("seed_demo", verbosity=0)


def _counts():
    return (
        Question.objects.count(),
        Message.objects.count(),
        FaqEntry.objects.count(),
        FaqTerm.objects.count(),
        ClockAlert.objects.count(),
    )


def test_it_makes_questions_in_every_state(seeded):
    states = set(Question.objects.values_list("state", flat=True))

    assert states == set(Question.State.values)


def test_it_makes_every_question_of_the_data_file(seeded):
    assert Question.objects.count() == len(demo_data()["questions"])


def test_it_spreads_the_questions_over_the_general_window_and_at_least_three_departments(seeded):
    departments = set(Question.objects.values_list("department__code", flat=True))

    assert None in departments
    assert len(departments - {None}) >= 3


def test_it_makes_some_questions_overdue_when_seeded(seeded):
    overdue = Question.objects.filter(due_level=Level.OVERDUE)

    assert overdue.count() >= 3
    assert {q.state for q in overdue} == {Question.State.QUEUED, Question.State.IN_PROGRESS}
    assert ClockAlert.objects.filter(level=Level.OVERDUE).count() >= overdue.count()


def test_it_makes_a_question_to_forward_due_soon_whatever_the_hour(seeded):
    question = Question.objects.get(subject="消防验收应该向哪个部门申请")

    assert question.reply_kind == "outside_remit"
    assert question.due_level == Level.WARNING


def test_it_keeps_the_first_responder_of_a_forwarded_question(seeded):
    question = Question.objects.get(subject="建筑公司增加经营范围需要办什么手续")

    assert question.first_responder.username == "consultant_zjj"
    assert question.handler.username == "consultant_scjg"
    assert question.state == Question.State.ANSWERED
    assert question.forwarded_count == 1


def test_it_makes_followed_up_forwarded_phone_and_window_questions(seeded):
    assert Question.objects.filter(followed_up_at__isnull=False, state=Question.State.IN_PROGRESS).exists()
    assert Question.objects.filter(followed_up_at__isnull=False, state=Question.State.RESOLVED).exists()
    assert Question.objects.filter(forwarded_count__gt=0, state=Question.State.QUEUED).count() >= 2
    phone = Question.objects.get(channel=Question.Channel.PHONE)
    window = Question.objects.get(channel=Question.Channel.WINDOW)
    assert phone.recorded_by.username == phone.first_responder.username == "consultant_zjj"
    assert window.recorded_by.username == "clerk" and window.department is None


def test_it_gives_the_demo_citizen_and_enterprise_questions_in_their_personal_centre(seeded):
    assert questions_of(User.objects.get(username="zhangsan")).count() >= 4
    assert questions_of(User.objects.get(username="huaxia")).count() >= 3


def test_it_makes_anonymous_questions_with_a_mobile_number(seeded):
    anonymous = Question.objects.filter(asker=None, channel=Question.Channel.ONLINE)

    assert anonymous.exists()
    assert all(q.asker_mobile for q in anonymous)


def test_it_publishes_a_dozen_faq_entries_one_on_the_construction_permit(seeded):
    permit = ServiceItem.objects.get(code="ZJJ-XK-0002")

    assert FaqEntry.objects.filter(is_published=True).count() >= 12
    assert faq_for_item(permit)
    assert faq_search("施工许可证要哪些材料")[0].item == permit


def test_it_publishes_faq_entries_from_answered_questions(seeded):
    sources = FaqEntry.objects.filter(source__isnull=False)

    assert sources.count() >= 4
    assert all(entry.source.first_reply_at for entry in sources)


def test_it_writes_faq_entries_without_personal_details(seeded):
    from consultations.questions.faq import personal_details  # noqa: PLC0415

    for entry in FaqEntry.objects.all():
        assert personal_details(f"{entry.question_text} {entry.answer_text} {entry.basis}") == [], entry


def test_it_gives_every_demo_staff_account_a_staff_number(seeded):
    numbers = list(User.objects.filter(is_staff=True).values_list("staff_number", flat=True))

    assert all(numbers)
    assert User.objects.get(username="consultant_zjj").staff_number == "ZJ0107"


def test_it_is_idempotent(seeded):
    first = _counts()

    call_command("seed_demo", verbosity=0)

    assert _counts() == first


@pytest.mark.parametrize(
    "moment",
    [
        datetime(2026, 10, 3, 10, 0, tzinfo=SHANGHAI),  # a Saturday of the National Day holiday
        datetime(2026, 10, 12, 9, 5, tzinfo=SHANGHAI),  # a Monday, just after opening
        datetime(2026, 10, 14, 12, 30, tzinfo=SHANGHAI),  # lunch break
        datetime(2026, 10, 15, 21, 0, tzinfo=SHANGHAI),  # an evening
    ],
)
def test_it_makes_every_state_some_overdue_and_some_due_soon_whenever_it_runs(without_other_demo_work, moment):
    with time_machine.travel(moment, tick=False):
        call_command("seed_demo", verbosity=0)

    assert set(Question.objects.values_list("state", flat=True)) == set(Question.State.values)
    assert Question.objects.filter(due_level=Level.OVERDUE).count() >= 3
    assert Question.objects.filter(due_level=Level.WARNING).exists()
    assert FaqEntry.objects.count() == len(demo_data()["faq"])
