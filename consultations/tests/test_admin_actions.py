"""The steps on a question's admin page: each through its service, open only to whom it belongs."""

import pytest
from django.urls import reverse
from django.utils import timezone

from consultations import services
from consultations.models import Message, Question, ReplyKind
from consultations.questions import clock
from consultations.tests import factories
from portal.models import Notification

pytestmark = pytest.mark.django_db


def _act(question, action):
    return reverse("admin:consultations_question_act", args=[question.pk, action])


def _change(question):
    return reverse("admin:consultations_question_change", args=[question.pk])


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


@pytest.fixture
def queued(permit_item, citizen):
    return factories.ask(permit_item, asker=citizen)


@pytest.fixture
def taken(queued, consultant):
    return services.question_claim(question_id=queued.pk, actor=consultant)


def test_it_shows_the_claim_button_to_staff_of_the_queue(client, consultant, queued):
    client.force_login(consultant)

    page = client.get(_change(queued)).content.decode()

    assert _act(queued, "claim") in page


def test_the_claim_form_is_not_nested_in_the_change_form(client, consultant, queued):
    # A browser ignores a <form> inside another: its button would post the change form instead.
    client.force_login(consultant)

    page = client.get(_change(queued)).content.decode()

    claim_form = page.index(f'action="{_act(queued, "claim")}"')
    change_form = page.rindex("<form", 0, page.index('id="question_form"'))
    assert claim_form < change_form
    assert page.count("<form", 0, change_form) == page.count("</form>", 0, change_form)


def test_it_shows_no_button_to_a_supervisor(client, supervisor, queued):
    client.force_login(supervisor)

    page = client.get(_change(queued)).content.decode()

    assert _act(queued, "claim") not in page
    assert "/act/" not in page


def test_it_shows_the_handlers_steps_once_taken_up(client, consultant, taken):
    client.force_login(consultant)

    page = client.get(_change(taken)).content.decode()

    for step in ("classify", "answer", "forward"):
        assert _act(taken, step) in page
    assert _act(taken, "claim") not in page


def test_it_shows_the_thread_with_internal_notes(client, consultant, other_consultant, taken, market_department):
    services.question_forward(question_id=taken.pk, actor=consultant, to=market_department, note="属于市场监管局职责")
    client.force_login(other_consultant)

    page = client.get(_change(taken)).content.decode()

    assert "属于市场监管局职责" in page
    assert taken.body in page


def test_it_claims_on_post(client, consultant, queued):
    client.force_login(consultant)

    response = client.post(_act(queued, "claim"), follow=True)

    queued.refresh_from_db()
    assert queued.state == Question.State.IN_PROGRESS
    assert queued.handler == consultant and queued.first_responder == consultant
    assert response.status_code == 200


def test_a_lost_claim_race_names_the_winner_and_changes_nothing(client, consultant, queued, construction_department):
    from portal import roles  # noqa: PLC0415
    from portal.tests import factories as portal_factories  # noqa: PLC0415

    colleague = portal_factories.staff("colleague", roles.CONSULTANT, construction_department, staff_number="ZJ0199")
    services.question_claim(question_id=queued.pk, actor=colleague)
    client.force_login(consultant)

    response = client.post(_act(queued, "claim"), follow=True)

    assert response.status_code == 200
    assert any("ZJ0199" in text for text in _messages(response))
    queued.refresh_from_db()
    assert queued.handler == colleague


def test_it_refuses_a_claim_from_another_departments_queue(client, other_consultant, queued):
    client.force_login(other_consultant)

    response = client.post(_act(queued, "claim"))

    assert response.status_code == 404  # not in their scope at all
    queued.refresh_from_db()
    assert queued.state == Question.State.QUEUED


def test_it_refuses_any_step_to_a_supervisor(client, supervisor, queued):
    client.force_login(supervisor)

    response = client.post(_act(queued, "claim"))

    assert response.status_code == 403
    queued.refresh_from_db()
    assert queued.state == Question.State.QUEUED


def test_it_refuses_an_answer_from_someone_who_does_not_handle_it(client, taken, construction_department):
    from portal import roles  # noqa: PLC0415
    from portal.tests import factories as portal_factories  # noqa: PLC0415

    colleague = portal_factories.staff("colleague", roles.CONSULTANT, construction_department)
    client.force_login(colleague)

    response = client.post(_act(taken, "answer"), {"text": "可以"}, follow=True)

    assert response.status_code == 200
    assert _messages(response)
    taken.refresh_from_db()
    assert taken.state == Question.State.IN_PROGRESS
    assert not taken.messages.filter(kind=Message.Kind.ANSWER).exists()


def test_the_classify_form_shows_each_kinds_due_time(client, consultant, taken):
    client.force_login(consultant)

    page = client.get(_act(taken, "classify")).content.decode()

    for kind in ReplyKind.values:
        due = timezone.localtime(clock.deadline_for(kind, taken.queued_at))
        assert f"{due:%Y-%m-%d %H:%M}" in page


def test_it_classifies_and_moves_the_due_time(client, consultant, taken):
    before = taken.current_due_at
    client.force_login(consultant)

    client.post(_act(taken, "classify"), {"kind": ReplyKind.JOINT})

    taken.refresh_from_db()
    assert taken.reply_kind == ReplyKind.JOINT
    assert taken.current_due_at > before


def test_it_answers_and_notifies_the_asker(client, consultant, taken, citizen):
    client.force_login(consultant)

    client.post(
        _act(taken, "answer"),
        {"text": "需要提交申请表。", "basis_document": "《建筑工程施工许可管理办法》", "basis_article": "第四条"},
    )

    taken.refresh_from_db()
    assert taken.state == Question.State.ANSWERED
    answer = taken.messages.get(kind=Message.Kind.ANSWER)
    assert (answer.text, answer.basis_article) == ("需要提交申请表。", "第四条")
    assert Notification.objects.filter(user=citizen, kind="question_answered").exists()


def test_an_empty_answer_is_shown_again_with_an_error(client, consultant, taken):
    client.force_login(consultant)

    response = client.post(_act(taken, "answer"), {"text": ""})

    assert response.status_code == 200
    assert response.context["form"].errors["text"]
    taken.refresh_from_db()
    assert taken.state == Question.State.IN_PROGRESS


def test_forward_keeps_the_first_responder_and_moves_the_row_to_the_other_queue(
    client, consultant, other_consultant, taken, market_department
):
    client.force_login(consultant)

    client.post(_act(taken, "forward"), {"to": market_department.pk, "note": "工商登记问题"})

    taken.refresh_from_db()
    assert taken.department == market_department and taken.first_responder == consultant
    assert taken.state == Question.State.QUEUED
    client.force_login(other_consultant)
    listed = client.get(f"{reverse('admin:consultations_question_changelist')}?state__exact=queued")
    assert [q.pk for q in listed.context["cl"].result_list] == [taken.pk]


def test_forward_needs_a_note(client, consultant, taken, market_department):
    client.force_login(consultant)

    response = client.post(_act(taken, "forward"), {"to": market_department.pk, "note": "  "})

    assert response.context["form"].errors["note"]
    taken.refresh_from_db()
    assert taken.department_id == taken.origin_department_id


def test_forward_to_the_general_window_lands_in_the_clerks_queue(client, consultant, clerk, taken):
    client.force_login(consultant)

    client.post(_act(taken, "forward"), {"to": "", "note": "不属于本局"})

    taken.refresh_from_db()
    assert taken.department is None
    assert services.may_take_up(clerk, taken)


def test_a_correction_appends_a_message_and_leaves_the_answer(client, consultant, permit_item, citizen):
    question = factories.answered(permit_item, asker=citizen, handler=consultant)
    client.force_login(consultant)

    client.post(_act(question, "correct"), {"text": "另需提交安全生产许可证。"})

    kinds = list(question.messages.values_list("kind", flat=True))
    assert kinds[-2:] == [Message.Kind.ANSWER, Message.Kind.CORRECTION]
    assert question.messages.get(kind=Message.Kind.ANSWER).text == "需要提交申请表和施工图审查合格书。"


def test_only_who_answered_sees_the_correction_step(client, consultant, clerk, permit_item, citizen):
    question = factories.answered(permit_item, asker=citizen, handler=consultant)
    client.force_login(clerk)  # sees it through no queue: 404
    assert client.get(_change(question)).status_code == 404
    client.force_login(consultant)

    assert _act(question, "correct") in client.get(_change(question)).content.decode()


def test_nobody_edits_or_deletes_a_question(client, consultant, taken):
    client.force_login(consultant)

    assert client.get(reverse("admin:consultations_question_delete", args=[taken.pk])).status_code == 403
    assert client.get(reverse("admin:consultations_question_add")).status_code == 403
    page = client.get(_change(taken)).content.decode()
    assert 'name="_save"' not in page


def test_the_handler_of_a_phone_question_sees_the_mobile_in_full(client, consultant, permit_item):
    question = services.question_record(
        actor=consultant,
        channel=Question.Channel.PHONE,
        name="钱先生",
        mobile="13700137000",
        item=permit_item,
        topic="materials",
        subject="材料",
        body="需要什么材料？",
    )
    client.force_login(consultant)

    page = client.get(_change(question)).content.decode()

    assert "13700137000" in page


def test_a_colleague_sees_the_mobile_masked_on_the_change_page(client, consultant, permit_item):
    factories_question = factories.ask(permit_item, mobile="13700137000")
    client.force_login(consultant)

    page = client.get(_change(factories_question)).content.decode()

    assert "13700137000" not in page
    assert "137****7000" in page


def test_it_records_a_phone_question_and_opens_it(client, consultant, permit_item):
    client.force_login(consultant)

    response = client.post(
        reverse("admin:consultations_question_record"),
        {
            "channel": "phone",
            "name": "钱先生",
            "mobile": "13700137000",
            "item": permit_item.pk,
            "topic": "materials",
            "subject": "施工许可材料",
            "body": "需要哪些材料？",
        },
    )

    question = Question.objects.get()
    assert response["Location"] == _change(question)
    assert question.channel == Question.Channel.PHONE
    assert question.first_responder == consultant and question.handler == consultant


def test_a_phone_question_needs_the_callers_mobile(client, clerk):
    client.force_login(clerk)

    response = client.post(
        reverse("admin:consultations_question_record"),
        {"channel": "phone", "name": "钱先生", "topic": "other", "subject": "问题", "body": "问题内容"},
    )

    assert response.context["form"].errors["mobile"]
    assert not Question.objects.exists()


def test_the_window_clerk_records_a_window_question_without_mobile(client, clerk):
    client.force_login(clerk)

    client.post(
        reverse("admin:consultations_question_record"),
        {"channel": "window", "name": "钱先生", "topic": "other", "subject": "问题", "body": "问题内容"},
    )

    question = Question.objects.get()
    assert question.department is None and question.handler == clerk


@pytest.mark.parametrize("role", ["supervisor", "reviewer"])
def test_recording_is_refused_without_the_role(client, request, role):
    client.force_login(request.getfixturevalue(role))

    assert client.get(reverse("admin:consultations_question_record")).status_code == 403


def _with_attachment(permit_item, asker):
    from approvals.tests import factories as approval_factories  # noqa: PLC0415
    from approvals.uploads import check_upload  # noqa: PLC0415

    upload = approval_factories.upload("现场照片.pdf")
    checked = check_upload(upload, accepted=["pdf", "jpg", "png"], max_bytes=10**6)
    return factories.ask(permit_item, asker=asker, attachment=upload, attachment_check=checked)


def test_staff_of_the_queue_open_the_attachment_and_the_audit_trail_records_it(
    client, consultant, permit_item, citizen
):
    from portal.models import AuditEvent  # noqa: PLC0415

    question = _with_attachment(permit_item, citizen)
    client.force_login(consultant)
    url = reverse("admin:consultations_question_attachment", args=[question.pk])

    assert url in client.get(_change(question)).content.decode()
    response = client.get(url)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.DOCUMENT_VIEWED, target_id=str(question.pk), actor_id=consultant.pk
    ).exists()


def test_staff_of_another_department_get_404_on_the_attachment(client, other_consultant, permit_item, citizen):
    question = _with_attachment(permit_item, citizen)
    client.force_login(other_consultant)

    response = client.get(reverse("admin:consultations_question_attachment", args=[question.pk]))

    assert response.status_code == 404


def test_a_mistyped_question_address_is_404_not_500(client, consultant):
    client.force_login(consultant)

    assert client.get("/admin/consultations/question/abc/change/").status_code == 404


def test_the_handler_puts_the_question_back_from_its_page(client, consultant, taken):
    client.force_login(consultant)

    assert _act(taken, "release") in client.get(_change(taken)).content.decode()
    client.post(_act(taken, "release"))

    taken.refresh_from_db()
    assert taken.state == Question.State.QUEUED and taken.first_responder == consultant


def test_forwarding_offers_only_departments_that_have_consultation_staff(
    client, consultant, taken, other_consultant, market_department
):
    from portal.tests import factories as portal_factories  # noqa: PLC0415

    nobody = portal_factories.department("gaj", "市公安局")
    client.force_login(consultant)

    page = client.get(_act(taken, "forward")).content.decode()

    assert market_department.name in page
    assert nobody.name not in page
