"""The asker's question page: who may see it, what it shows, the follow-up and "resolved", the attachment."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from approvals.tests import factories as approval_factories
from consultations import services
from consultations.models import Message, Question
from consultations.tests import factories
from portal.services import calendar_load_official

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _url(question) -> str:
    return reverse("consultations:question", args=[question.reference])


def _token_url(question) -> str:
    return reverse("consultations:question_by_token", args=[question.access_token])


@pytest.fixture
def asked(permit_item, citizen):
    return factories.ask(permit_item, asker=citizen)


@pytest.fixture
def answered(permit_item, citizen, consultant):
    return factories.answered(permit_item, asker=citizen, handler=consultant)


def test_it_shows_the_asker_their_question(client, citizen, asked):
    client.force_login(citizen)

    response = client.get(_url(asked))

    assert response.status_code == 200
    assert asked.reference in response.content.decode()


def test_a_second_citizen_gets_404_on_anothers_question(client, other_citizen, asked):
    client.force_login(other_citizen)

    assert client.get(_url(asked)).status_code == 404


def test_an_anonymous_visitor_gets_404_on_a_question_page(client, asked):
    assert client.get(_url(asked)).status_code == 404


def test_staff_get_404_on_the_public_question_page(client, consultant, asked):
    client.force_login(consultant)

    assert client.get(_url(asked)).status_code == 404


def test_a_second_citizen_cannot_act_on_anothers_question(client, other_citizen, answered):
    client.force_login(other_citizen)

    response = client.post(_url(answered), {"action": "resolve"})

    assert response.status_code == 404
    answered.refresh_from_db()
    assert answered.state == Question.State.ANSWERED


def test_it_shows_the_due_date_in_local_words(client, citizen, permit_item):
    calendar_load_official()
    question = factories.ask(permit_item, asker=citizen, now=datetime(2026, 9, 25, 16, 0, tzinfo=SHANGHAI))
    client.force_login(citizen)

    response = client.get(_url(question))

    assert response.context["due"] == gettext("by the end of %(day)s") % {"day": "2026年9月29日"}
    assert "2026年9月29日" in response.content.decode()


def test_it_shows_who_is_accountable_by_staff_number_and_department_never_the_name(client, citizen, asked, consultant):
    consultant.real_name = "赵建国"
    consultant.save()
    services.question_claim(question_id=asked.pk, actor=consultant)
    client.force_login(citizen)

    content = client.get(_url(asked)).content.decode()

    assert "ZJ0107 · 市住房和城乡建设局" in content
    assert "赵建国" not in content


def test_it_shows_a_forward_without_the_internal_note(client, citizen, asked, consultant, market_department):
    services.question_claim(question_id=asked.pk, actor=consultant)
    services.question_forward(question_id=asked.pk, actor=consultant, to=market_department, note="内部说明：不归我们管")
    client.force_login(citizen)

    content = client.get(_url(asked)).content.decode()

    assert gettext("Forwarded to %(department)s") % {"department": "市市场监督管理局"} in content
    assert "内部说明" not in content


def test_it_shows_the_answer_with_its_policy_basis_and_guide_link(client, citizen, asked, consultant, permit_item):
    services.question_claim(question_id=asked.pk, actor=consultant)
    services.question_answer(
        question_id=asked.pk,
        actor=consultant,
        text="需要申请表和施工图审查合格书。",
        basis_document="《建筑工程施工许可管理办法》(住建部令第18号)",
        basis_article="第四条",
        guide_item=permit_item,
    )
    client.force_login(citizen)

    content = client.get(_url(asked)).content.decode()

    assert "需要申请表和施工图审查合格书。" in content
    assert "《建筑工程施工许可管理办法》(住建部令第18号) 第四条" in content
    assert f'href="{permit_item.get_absolute_url()}"' in content


def test_it_marks_a_correction_as_such(client, citizen, answered, consultant):
    services.question_correct(question_id=answered.pk, actor=consultant, text="更正：还需要施工合同。")
    client.force_login(citizen)

    content = client.get(_url(answered)).content.decode()

    assert gettext("Correction of the answer") in content
    assert "更正：还需要施工合同。" in content


def test_it_takes_one_follow_up_and_says_until_when(client, citizen, answered):
    client.force_login(citizen)
    page = client.get(_url(answered))
    assert page.context["may_follow_up"]
    assert page.context["follow_up_until"]

    client.post(_url(answered), {"action": "follow_up", "text": "还想问一下施工合同的要求"})

    answered.refresh_from_db()
    assert answered.state == Question.State.IN_PROGRESS
    assert answered.messages.filter(kind=Message.Kind.FOLLOW_UP).count() == 1


def test_it_refuses_a_second_follow_up_with_a_message(client, citizen, answered, consultant):
    client.force_login(citizen)
    client.post(_url(answered), {"action": "follow_up", "text": "还想问一下"})
    services.question_answer(question_id=answered.pk, actor=consultant, text="补充答复。")

    response = client.post(_url(answered), {"action": "follow_up", "text": "再问一次"}, follow=True)

    assert response.status_code == 200
    assert answered.messages.filter(kind=Message.Kind.FOLLOW_UP).count() == 1
    assert not response.context["may_follow_up"]
    assert [str(m) for m in response.context["messages"]][-1] == gettext(
        "You have already asked your follow-up question; for something new, ask a new question."
    )


def test_it_refuses_a_follow_up_after_the_window(client, citizen, permit_item, consultant):
    long_ago = timezone.now() - timedelta(days=60)
    question = factories.answered(permit_item, asker=citizen, handler=consultant, now=long_ago)
    client.force_login(citizen)

    page = client.get(_url(question))
    response = client.post(_url(question), {"action": "follow_up", "text": "迟到的追问"}, follow=True)

    assert not page.context["may_follow_up"]
    assert question.messages.filter(kind=Message.Kind.FOLLOW_UP).count() == 0
    assert [str(m) for m in response.context["messages"]] == [
        gettext("The time for a follow-up has passed; for something new, ask a new question.")
    ]


def test_it_keeps_an_empty_follow_up_on_the_page(client, citizen, answered):
    client.force_login(citizen)

    response = client.post(_url(answered), {"action": "follow_up", "text": ""})

    assert response.status_code == 400
    assert "text" in response.context["follow_up_form"].errors


def test_it_marks_the_question_resolved(client, citizen, answered):
    client.force_login(citizen)

    response = client.post(_url(answered), {"action": "resolve"})

    assert response["Location"] == _url(answered)
    answered.refresh_from_db()
    assert answered.state == Question.State.RESOLVED


def test_a_second_resolve_ends_in_a_message_not_an_error(client, citizen, answered):
    client.force_login(citizen)
    client.post(_url(answered), {"action": "resolve"})

    response = client.post(_url(answered), {"action": "resolve"}, follow=True)

    assert response.status_code == 200
    assert [str(m) for m in response.context["messages"]][-1] == gettext("This question is already marked resolved.")


def test_it_refuses_an_action_without_the_csrf_token(citizen, answered):
    client = Client(enforce_csrf_checks=True)
    client.force_login(citizen)

    response = client.post(_url(answered), {"action": "resolve"})

    assert response.status_code == 403
    answered.refresh_from_db()
    assert answered.state == Question.State.ANSWERED


def test_it_shows_the_question_on_its_private_link(client, permit_item):
    question = factories.ask(permit_item)

    response = client.get(_token_url(question))

    assert response.status_code == 200
    assert question.reference in response.content.decode()


def test_a_wrong_token_gets_404(client, permit_item):
    factories.ask(permit_item)

    assert client.get(reverse("consultations:question_by_token", args=["not-the-token"])).status_code == 404


def test_the_private_link_marks_the_question_resolved(client, permit_item, consultant):
    question = factories.ask(permit_item)
    services.question_claim(question_id=question.pk, actor=consultant)
    services.question_answer(question_id=question.pk, actor=consultant, text="答复。")

    response = client.post(_token_url(question), {"action": "resolve"})

    assert response["Location"] == _token_url(question)
    question.refresh_from_db()
    assert question.state == Question.State.RESOLVED


def _with_attachment(permit_item, asker=None, content=None):
    upload = approval_factories.upload("现场照片.pdf", content=content)
    from approvals.uploads import check_upload  # noqa: PLC0415

    checked = check_upload(upload, accepted=["pdf", "jpg", "png"], max_bytes=10**6)
    return factories.ask(permit_item, asker=asker, attachment=upload, attachment_check=checked)


def test_it_lets_the_asker_download_the_attachment(client, citizen, permit_item):
    question = _with_attachment(permit_item, asker=citizen)
    client.force_login(citizen)

    response = client.get(reverse("consultations:attachment", args=[question.reference]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_it_serves_the_attachment_as_the_type_read_from_its_content(client, citizen, permit_item):
    question = _with_attachment(permit_item, asker=citizen, content=approval_factories.image_bytes("PNG"))
    client.force_login(citizen)

    response = client.get(reverse("consultations:attachment", args=[question.reference]))

    assert response["Content-Type"] == "image/png"
    assert ".png" in response["Content-Disposition"]


def test_another_citizen_gets_404_on_the_attachment(client, citizen, other_citizen, permit_item):
    question = _with_attachment(permit_item, asker=citizen)
    client.force_login(other_citizen)

    assert client.get(reverse("consultations:attachment", args=[question.reference])).status_code == 404


def test_the_private_link_serves_the_attachment(client, permit_item):
    question = _with_attachment(permit_item)

    response = client.get(reverse("consultations:attachment_by_token", args=[question.access_token]))

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")


def test_a_question_without_attachment_has_no_download(client, citizen, asked):
    client.force_login(citizen)

    assert client.get(reverse("consultations:attachment", args=[asked.reference])).status_code == 404


def test_the_question_page_costs_the_same_queries_with_a_long_thread(
    client, citizen, permit_item, consultant, other_consultant, market_department, django_assert_num_queries
):
    from django.db import connection  # noqa: PLC0415
    from django.test.utils import CaptureQueriesContext  # noqa: PLC0415

    short = factories.ask(permit_item, asker=citizen)
    long = factories.ask(permit_item, asker=citizen)
    services.question_claim(question_id=long.pk, actor=consultant)
    services.question_forward(question_id=long.pk, actor=consultant, to=market_department, note="转")
    services.question_claim(question_id=long.pk, actor=other_consultant)
    services.question_answer(question_id=long.pk, actor=other_consultant, text="答复", guide_item=permit_item)
    services.question_follow_up(question_id=long.pk, text="追问")
    services.question_answer(question_id=long.pk, actor=other_consultant, text="再答复", guide_item=permit_item)
    services.question_correct(question_id=long.pk, actor=other_consultant, text="更正")
    client.force_login(citizen)
    client.get(_url(short))  # the session and the like, once
    with CaptureQueriesContext(connection) as one:
        client.get(_url(short))

    with django_assert_num_queries(len(one)):
        response = client.get(_url(long))

    assert len(response.context["rows"]) > 6


def test_a_forwarding_deadline_is_not_shown_as_a_reply_deadline(client, citizen, permit_item, consultant):
    question = factories.ask(permit_item, asker=citizen)
    services.question_claim(question_id=question.pk, actor=consultant)
    services.question_classify(question_id=question.pk, actor=consultant, kind="outside_remit")
    client.force_login(citizen)

    page = client.get(_url(question)).content.decode()

    assert gettext("To be passed to the competent department") in page
    assert gettext("Reply due") not in page
