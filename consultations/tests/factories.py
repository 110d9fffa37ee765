"""Questions and FAQ entries for the tests, made through the services."""

from __future__ import annotations

from datetime import datetime

from consultations import services
from consultations.models import Question, Topic


def ask(item=None, *, asker=None, department=None, now: datetime | None = None, **fields) -> Question:
    """Ask a question through the service (online, by a signed-in asker unless a mobile is given)."""
    defaults = {
        "name": asker.display_name if asker else "钱先生",
        "mobile": "" if asker else "13700137000",
        "topic": Topic.MATERIALS,
        "subject": "施工许可需要哪些材料",
        "body": "请问办理建筑工程施工许可证需要提交哪些材料？",
    }
    return services.question_ask(asker=asker, item=item, department=department, now=now, **(defaults | fields))


def answered(item, *, asker, handler, now: datetime | None = None, text="需要提交申请表和施工图审查合格书。"):
    """Return a question asked, taken up and answered by `handler`."""
    question = ask(item, asker=asker, now=now)
    services.question_claim(question_id=question.pk, actor=handler, now=now)
    return services.question_answer(question_id=question.pk, actor=handler, text=text, now=now)
