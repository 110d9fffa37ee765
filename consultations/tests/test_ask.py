"""Asking a question at /consultations/: who may ask, what is checked, the FAQ first, the rate limits."""

import pytest
from django.urls import reverse
from django.utils.translation import gettext

from approvals.tests import factories as approval_factories
from consultations.models import Question, Topic
from portal import roles

URL = reverse("consultations:index")


def _form(**changes) -> dict:
    data = {
        "item": "",
        "department": "",
        "topic": Topic.MATERIALS,
        "subject": "施工许可需要哪些材料",
        "body": "请问办理建筑工程施工许可证需要提交哪些材料？",
        # The suggestions panel was shown (ask.js sets this), unless a test says otherwise.
        "faq_seen": "on",
    }
    data.update(changes)
    return data


def _anonymous(**changes) -> dict:
    return _form(**({"name": "钱多多", "mobile": "13700137000"} | changes))


def _publish(item, consultant, question_text="施工许可证需要哪些材料？", answer_text="申请表、施工图审查合格书。"):
    from consultations import services  # noqa: PLC0415

    return services.faq_publish(actor=consultant, question_text=question_text, answer_text=answer_text, item=item)


def test_it_records_a_citizens_question_under_the_account_name(client, citizen, permit_item):
    client.force_login(citizen)

    response = client.post(URL, _form(item=permit_item.code))

    question = Question.objects.get()
    assert (question.asker, question.asker_name, question.asker_mobile) == (citizen, "张爱丽", "")
    assert question.department == permit_item.department
    assert response["Location"] == reverse("consultations:question", args=[question.reference])


def test_it_tells_the_reference_and_due_date_after_sending(client, citizen, permit_item):
    client.force_login(citizen)

    response = client.post(URL, _form(item=permit_item.code), follow=True)

    question = Question.objects.get()
    assert question.reference in response.content.decode()
    assert str(question.current_due_at.astimezone().year) in response.content.decode()


def test_it_records_an_enterprises_question_under_its_name(client, enterprise, permit_item):
    client.force_login(enterprise)

    client.post(URL, _form(item=permit_item.code))

    assert Question.objects.get().asker_name == "示例科技有限公司"


def test_it_records_an_anonymous_question_and_sends_to_the_private_link(
    client, permit_item, sms_outbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, _anonymous(item=permit_item.code))

    question = Question.objects.get()
    assert (question.asker, question.asker_name, question.asker_mobile) == (None, "钱多多", "13700137000")
    assert response["Location"] == reverse("consultations:question_by_token", args=[question.access_token])
    assert len(sms_outbox) == 1


def test_it_refuses_an_anonymous_question_without_a_valid_mobile(client, permit_item):
    response = client.post(URL, _anonymous(item=permit_item.code, mobile="12345"))

    assert response.status_code == 400
    assert "mobile" in response.context["form"].errors
    assert not Question.objects.exists()


def test_it_refuses_staff_with_a_message(client, clerk, permit_item):
    client.force_login(clerk)

    response = client.post(URL, _form(item=permit_item.code))

    assert response.status_code == 403
    assert not Question.objects.exists()
    assert (
        gettext(
            "Staff accounts do not ask questions here: record a question received by phone or at the "
            "window in the admin."
        )
        in response.content.decode()
    )


def test_it_preselects_the_item_from_the_guide_link(client, permit_item):
    response = client.get(URL, {"item": permit_item.code})

    assert response.context["form"]["item"].value() == permit_item.code
    assert f'<option value="{permit_item.code}" selected>' in response.content.decode()


def test_it_ignores_an_unknown_item_in_the_link(client, permit_item):
    response = client.get(URL, {"item": "NOPE-1"})

    assert response.status_code == 200
    assert not response.context["form"]["item"].value()


def test_it_routes_a_question_naming_only_a_department(client, citizen, market_department):
    client.force_login(citizen)

    client.post(URL, _form(department=market_department.pk))

    assert Question.objects.get().department == market_department


def test_it_routes_a_question_naming_nothing_to_the_general_window(client, citizen):
    client.force_login(citizen)

    client.post(URL, _form())

    assert Question.objects.get().department is None


def test_it_offers_the_citizens_own_applications(client, citizen, other_citizen, permit_item):
    mine = approval_factories.submitted(permit_item, citizen)
    theirs = approval_factories.submitted(permit_item, other_citizen)
    client.force_login(citizen)

    content = client.get(URL).content.decode()

    assert mine.reference in content
    assert theirs.reference not in content


def test_it_accepts_a_reference_to_ones_own_application(client, citizen, permit_item):
    mine = approval_factories.submitted(permit_item, citizen)
    client.force_login(citizen)

    client.post(URL, _form(item=permit_item.code, topic=Topic.PROGRESS, application=mine.reference))

    assert Question.objects.get().application == mine


def test_it_refuses_another_persons_application_on_the_field(client, citizen, other_citizen, permit_item):
    theirs = approval_factories.submitted(permit_item, other_citizen)
    client.force_login(citizen)

    response = client.post(URL, _form(item=permit_item.code, application=theirs.reference))

    assert response.status_code == 400
    assert response.context["form"].errors["application"] == [
        gettext("The application you referred to is not one of yours.")
    ]
    assert response.context["form"]["subject"].value() == "施工许可需要哪些材料"
    assert not Question.objects.exists()


def test_it_keeps_what_was_typed_when_the_form_is_invalid(client, citizen, settings):
    settings.QUESTION_MAX_LENGTH = 10
    client.force_login(citizen)

    response = client.post(URL, _form(body="这个问题写得太长了，超过了十个字。"))

    assert response.status_code == 400
    assert "body" in response.context["form"].errors
    assert "这个问题写得太长了，超过了十个字。" in response.content.decode()


def test_it_keeps_a_pdf_attachment_checked_by_content(client, citizen, permit_item):
    client.force_login(citizen)

    client.post(URL, _form(item=permit_item.code, attachment=approval_factories.upload("图纸.pdf")))

    question = Question.objects.get()
    assert (question.attachment_name, question.attachment_type) == ("图纸.pdf", "application/pdf")


def test_it_refuses_a_text_file_named_pdf(client, citizen, permit_item):
    client.force_login(citizen)
    fake = approval_factories.upload("图纸.pdf", content=b"just some text, not a PDF at all")

    response = client.post(URL, _form(item=permit_item.code, attachment=fake))

    assert response.status_code == 400
    assert "attachment" in response.context["form"].errors
    assert not Question.objects.exists()


def test_it_refuses_an_attachment_over_the_size_limit(client, citizen, permit_item, settings):
    settings.QUESTION_ATTACHMENT_MAX_BYTES = 100
    client.force_login(citizen)

    response = client.post(URL, _form(item=permit_item.code, attachment=approval_factories.upload("图纸.pdf")))

    assert "attachment" in response.context["form"].errors
    assert not Question.objects.exists()


def test_it_shows_similar_answers_before_sending_without_javascript(client, citizen, permit_item, consultant):
    _publish(permit_item, consultant)
    client.force_login(citizen)

    response = client.post(URL, _form(item=permit_item.code, faq_seen=""))

    assert response.status_code == 200
    assert not Question.objects.exists()
    assert "施工许可证需要哪些材料？" in response.content.decode()
    assert gettext("Send anyway") in response.content.decode()
    assert response.context["form"]["subject"].value() == "施工许可需要哪些材料"
    assert response.context["form"]["faq_seen"].value() in ("on", True)


def test_it_asks_to_attach_the_file_again_after_showing_similar_answers(client, citizen, permit_item, consultant):
    _publish(permit_item, consultant)
    client.force_login(citizen)

    response = client.post(
        URL, _form(item=permit_item.code, faq_seen="", attachment=approval_factories.upload("图纸.pdf"))
    )

    assert gettext("Your attachment was not kept: please choose the file again.") in response.content.decode()


def test_it_sends_anyway_once_the_similar_answers_were_seen(client, citizen, permit_item, consultant):
    _publish(permit_item, consultant)
    client.force_login(citizen)
    shown = client.post(URL, _form(item=permit_item.code, faq_seen=""))

    client.post(URL, _form(item=permit_item.code, faq_seen=shown.context["form"]["faq_seen"].value()))

    assert Question.objects.count() == 1


def test_it_sends_at_once_when_no_answer_is_similar(client, citizen, permit_item):
    client.force_login(citizen)

    client.post(URL, _form(item=permit_item.code, faq_seen=""))

    assert Question.objects.count() == 1


RATE_MESSAGE = (
    "You have sent many questions in a short time. Please wait a while and send this one again; "
    "what you typed is kept below. For urgent matters call 12345."
)


def test_it_limits_questions_per_account(client, citizen, permit_item, settings):
    settings.QUESTION_RATE_LIMIT_ACCOUNT = "2/d"
    client.force_login(citizen)
    for _ in range(2):
        client.post(URL, _form(item=permit_item.code))

    response = client.post(URL, _form(item=permit_item.code, subject="第三个问题"))

    assert response.status_code == 429
    assert gettext(RATE_MESSAGE) in response.content.decode()
    assert response.context["form"]["subject"].value() == "第三个问题"
    assert Question.objects.count() == 2


def test_it_limits_questions_per_mobile_whatever_the_address(client, permit_item, settings):
    settings.QUESTION_RATE_LIMIT_MOBILE = "2/d"
    for n in range(2):
        client.post(URL, _anonymous(item=permit_item.code), REMOTE_ADDR=f"10.0.0.{n + 1}")

    response = client.post(URL, _anonymous(item=permit_item.code), REMOTE_ADDR="10.0.0.9")

    assert response.status_code == 429
    assert gettext(RATE_MESSAGE) in response.content.decode()
    assert Question.objects.count() == 2


def test_it_does_not_limit_another_mobile(client, permit_item, settings):
    settings.QUESTION_RATE_LIMIT_MOBILE = "1/d"
    client.post(URL, _anonymous(item=permit_item.code))

    response = client.post(URL, _anonymous(item=permit_item.code, mobile="13700137001"))

    assert response.status_code == 302


def test_it_limits_questions_per_address(client, permit_item, settings):
    settings.QUESTION_RATE_LIMIT_IP = "2/h"
    for n in range(2):
        client.post(URL, _anonymous(item=permit_item.code, mobile=f"1370013700{n}"))

    response = client.post(URL, _anonymous(item=permit_item.code, mobile="13700137009"))

    assert response.status_code == 429
    assert gettext(RATE_MESSAGE) in response.content.decode()
    assert Question.objects.count() == 2


def test_it_does_not_count_the_similar_answers_page_against_the_limit(
    client, citizen, permit_item, consultant, settings
):
    settings.QUESTION_RATE_LIMIT_ACCOUNT = "1/d"
    _publish(permit_item, consultant)
    client.force_login(citizen)
    client.post(URL, _form(item=permit_item.code, faq_seen=""))

    response = client.post(URL, _form(item=permit_item.code))

    assert response.status_code == 302


@pytest.mark.parametrize("role", [roles.CONSULTANT, roles.SUPERVISOR])
def test_it_shows_staff_no_form(client, role, construction_department):
    from portal.tests import factories as portal_factories  # noqa: PLC0415

    client.force_login(portal_factories.staff("someone", role, construction_department))

    response = client.get(URL)

    assert response.status_code == 403
    assert response.context["form"] is None


def test_it_loads_the_suggestions_script_from_a_static_file(client, db):
    content = client.get(URL).content.decode()

    assert 'src="/static/consultations/ask.js"' in content
    assert "<script>" not in content


def test_a_double_click_makes_one_question_and_lands_on_it(client, citizen, permit_item):
    client.force_login(citizen)
    data = _form(item=permit_item.code, form_token="6f1c2a3e-0000-4000-8000-000000000001")

    first = client.post(URL, data)
    second = client.post(URL, data)

    question = Question.objects.get()
    assert first["Location"] == second["Location"] == question.get_absolute_url()


def test_the_ask_page_gives_the_reply_limit_in_force(client, citizen, permit_item):
    from consultations.models import ReplyKind, ReplyLimit  # noqa: PLC0415

    ReplyLimit.objects.create(kind=ReplyKind.IN_SCOPE, amount=1)
    client.force_login(citizen)

    page = client.get(URL).content.decode()

    assert "在1个工作日内答复" in page
