"""Demo questions and FAQ entries for ``manage.py seed_demo``.

Demo data only. Every question is asked, taken up, classified, forwarded, answered, followed
up or resolved through ``consultations.services`` with ``now=`` set to an instant in the past,
counted in working days back from today with the calendar, so the reply clock computes every
due date itself. The sweep seed_demo runs next then finds some questions due soon and some
overdue, as beat would. The stories (``demo_data/demo_questions.json``) cover every state, the
general window and three departments (住建局 and 市场监管局 have demo consultation staff;
公安局, 消防支队 and 资规局 only receive), a forward that keeps its first responder, a phone and a
window question, and the questions of the demo citizen and enterprise. The FAQ entries are
written free of personal details, each with its policy basis.

Each question is made once (its subject marks it), each FAQ entry once (its question text).
"""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from approvals.models import ServiceItem
from portal.clock import calendar as calendars
from portal.clock import hours
from portal.models import Department, User

from . import services
from .models import FaqEntry, Question

DATA_FILE = Path(__file__).resolve().parent.parent / "demo_data" / "demo_questions.json"
STAFF = ("clerk", "consultant_zjj", "consultant_scjg")
# How far before now a question outside the remit arrived, so that its 3 working hours to be
# forwarded end within the clock's warning hour when seed_demo runs (whatever the hour or day).
FORWARD_WARNING_LEFT_HOURS = 0.5


def demo_data() -> dict:
    """Return the data file: the question stories and the FAQ entries."""
    return json.loads(DATA_FILE.read_text(encoding="utf-8"))


def working_days_ago(today: date, n: int) -> date:
    """Return the n-th working day before today (today itself for 0)."""
    calendar = calendars.get_calendar()
    day = today
    while n > 0:
        day -= timedelta(days=1)
        if calendar.is_workday(day):
            n -= 1
    return day


def working_hours_before(moment: datetime, amount: float) -> datetime:
    """Return the latest instant from which `amount` working hours end at or before `moment`."""
    low, high = moment - timedelta(days=30), moment
    while high - low > timedelta(minutes=1):
        middle = low + (high - low) / 2
        if hours.add_working_hours(middle, amount) <= moment:
            low = middle
        else:
            high = middle
    return low


class _Teller:
    """Drive the services through one story's steps."""

    def __init__(self, now: datetime):
        self.now = now
        self.today = timezone.localdate(now)
        self.staff = {user.username: user for user in User.objects.filter(username__in=STAFF)}
        self.people = {user.username: user for user in User.objects.filter(username__in=("zhangsan", "huaxia"))}
        self.items = {item.code: item for item in ServiceItem.objects.select_related("department")}
        self.departments = {department.code: department for department in Department.objects.all()}

    def at(self, when) -> datetime:
        """Return the instant of a step: [working days ago, "HH:MM"], or "now-<minutes>", or "forward-warning"."""
        if when == "forward-warning":
            due = hours.add_working_hours(self.now, FORWARD_WARNING_LEFT_HOURS)
            return working_hours_before(due, 3)
        if isinstance(when, str) and when.startswith("now-"):
            return self.now - timedelta(minutes=int(when[4:]))
        days, clock_time = when
        moment = timezone.make_aware(
            datetime.combine(working_days_ago(self.today, days), time.fromisoformat(clock_time))
        )
        return min(moment, self.now - timedelta(minutes=5))

    def tell(self, story: dict) -> Question:
        asked = self.at(story["asked"])
        asker = self.people.get(story.get("asker"))
        fields = {
            "name": asker.display_name if asker else story["name"],
            "mobile": "" if asker else story.get("mobile", ""),
            "item": self.items.get(story.get("item")),
            "department": self.departments.get(story.get("department")),
            "topic": story["topic"],
            "subject": story["subject"],
            "body": story["body"],
            "now": asked,
        }
        if "recorded" in story:
            channel, recorder = story["recorded"]
            question = services.question_record(actor=self.staff[recorder], channel=channel, asker=asker, **fields)
        else:
            question = services.question_ask(asker=asker, **fields)
        last = asked
        for step in story.get("steps", []):
            action, when, *args = step
            last = max(self.at(when), last + timedelta(minutes=1))
            self.step(question, action, last, *args)
        return question

    def step(self, question: Question, action: str, now: datetime, *args) -> None:
        pk = question.pk
        if action == "claim":
            services.question_claim(question_id=pk, actor=self.staff[args[0]], now=now)
        elif action == "classify":
            services.question_classify(question_id=pk, actor=self._handler(pk), kind=args[0], now=now)
        elif action == "forward":
            to, note = args
            services.question_forward(
                question_id=pk, actor=self._handler(pk), to=self.departments.get(to), note=note, now=now
            )
        elif action == "answer":
            text, document, article, *guide = args
            services.question_answer(
                question_id=pk,
                actor=self._handler(pk),
                text=text,
                basis_document=document,
                basis_article=article,
                guide_item=self.items.get(guide[0]) if guide else None,
                now=now,
            )
        elif action == "correct":
            text, document, article = args
            services.question_correct(
                question_id=pk,
                actor=self._handler(pk),
                text=text,
                basis_document=document,
                basis_article=article,
                now=now,
            )
        elif action == "follow_up":
            services.question_follow_up(question_id=pk, text=args[0], now=now)
        elif action == "resolve":
            services.question_resolve(question_id=pk, now=now)
        else:
            raise ValueError(f"unknown demo step {action!r}")

    @staticmethod
    def _handler(pk: int) -> User:
        return Question.objects.select_related("handler").get(pk=pk).handler


def _faq(teller: _Teller, data: list[dict]) -> int:
    """Publish the FAQ entries not published yet; return how many were published now."""
    published = 0
    for entry in data:
        if FaqEntry.objects.filter(question_text=entry["question"]).exists():
            continue
        item = teller.items[entry["item"]]
        source = Question.objects.filter(subject=entry["source"]).first() if entry.get("source") else None
        if source is not None and (source.first_reply_at is None or FaqEntry.objects.filter(source=source).exists()):
            source = None
        services.faq_publish(
            actor=teller.staff[entry["by"]],
            question_text=entry["question"],
            answer_text=entry["answer"],
            basis=entry["basis"],
            item=item,
            source=source,
            now=teller.at(entry["published"]),
        )
        published += 1
    return published


@transaction.atomic
def load_demo_questions(*, stdout=None) -> int:
    """Create the demo questions and FAQ entries that do not exist yet; return how many questions were made."""
    teller = _Teller(timezone.now())
    if len(teller.staff) < len(STAFF):
        return 0  # the demo accounts come first (seed_demo makes them)
    data = demo_data()
    made = 0
    for story in data["questions"]:
        if Question.objects.filter(subject=story["subject"]).exists():
            continue
        teller.tell(story)
        made += 1
    published = _faq(teller, data["faq"])
    if stdout is not None:
        stdout.write(
            f"Consultations: {len(data['questions'])} demo questions ({made} new), "
            f"{len(data['faq'])} FAQ entries ({published} new)."
        )
    return made
