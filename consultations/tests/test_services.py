"""The question services: routing, who may act, the thread, follow-ups and corrections, the FAQ index."""

import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from approvals.tests import factories as approval_factories
from consultations import services
from consultations.models import FaqTerm, Message, Question, Topic
from consultations.selectors import thread
from consultations.tests import factories
from portal import roles
from portal.errors import ActionRefused, AlreadyHandled
from portal.models import Notification
from portal.tests import factories as portal_factories

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_it_routes_a_question_without_item_or_department_to_the_general_window(citizen):
    question = factories.ask(None, asker=citizen)

    assert question.department is None
    assert question.state == Question.State.QUEUED


def test_it_routes_a_question_naming_a_department_to_its_queue(citizen, market_department):
    question = factories.ask(None, asker=citizen, department=market_department)

    assert question.department == market_department


def test_it_refuses_a_reference_to_someone_elses_application(permit_item, citizen, other_citizen):
    theirs = approval_factories.submitted(permit_item, other_citizen)

    with pytest.raises(ActionRefused):
        factories.ask(permit_item, asker=citizen, application=theirs)
    assert not Question.objects.exists()


def test_it_accepts_a_reference_to_ones_own_application(permit_item, citizen):
    mine = approval_factories.submitted(permit_item, citizen)

    question = factories.ask(permit_item, asker=citizen, application=mine, topic=Topic.PROGRESS)

    assert question.application == mine


def test_it_needs_a_mobile_from_someone_without_an_account(permit_item):
    with pytest.raises(ActionRefused):
        factories.ask(permit_item, asker=None, mobile="")


def test_it_keeps_the_question_as_the_first_message_of_the_thread(permit_item, citizen):
    question = factories.ask(permit_item, asker=citizen, body="请问需要什么材料？")

    assert list(question.messages.values_list("kind", "text")) == [("question", "请问需要什么材料？")]


def test_it_refuses_a_claim_from_another_departments_staff(permit_item, citizen, other_consultant):
    question = factories.ask(permit_item, asker=citizen)

    with pytest.raises(ActionRefused):
        services.question_claim(question_id=question.pk, actor=other_consultant)


def test_it_lets_a_clerk_claim_from_the_general_window_only(permit_item, citizen, clerk):
    general = factories.ask(None, asker=citizen)
    routed = factories.ask(permit_item, asker=citizen)

    services.question_claim(question_id=general.pk, actor=clerk)
    with pytest.raises(ActionRefused):
        services.question_claim(question_id=routed.pk, actor=clerk)


def test_it_refuses_a_reviewer_without_the_consultation_role(permit_item, citizen, reviewer):
    question = factories.ask(permit_item, asker=citizen)

    with pytest.raises(ActionRefused):
        services.question_claim(question_id=question.pk, actor=reviewer)


def test_a_second_claim_says_who_took_it_up(permit_item, citizen, consultant):
    colleague = portal_factories.staff("zx9", roles.CONSULTANT, permit_item.department, staff_number="ZJ0999")
    question = factories.ask(permit_item, asker=citizen)
    services.question_claim(question_id=question.pk, actor=consultant)

    with pytest.raises(AlreadyHandled) as refused:
        services.question_claim(question_id=question.pk, actor=colleague)
    assert "ZJ0107" in refused.value.message


def test_only_the_handler_answers(permit_item, citizen, consultant):
    colleague = portal_factories.staff("zx9", roles.CONSULTANT, permit_item.department)
    question = factories.ask(permit_item, asker=citizen)
    services.question_claim(question_id=question.pk, actor=consultant)

    with pytest.raises(ActionRefused):
        services.question_answer(question_id=question.pk, actor=colleague, text="答复")


def test_a_forward_needs_a_note(permit_item, citizen, consultant, market_department):
    question = factories.ask(permit_item, asker=citizen)
    services.question_claim(question_id=question.pk, actor=consultant)

    with pytest.raises(ActionRefused):
        services.question_forward(question_id=question.pk, actor=consultant, to=market_department, note=" ")


def test_a_forward_note_is_for_staff_only(permit_item, citizen, consultant, market_department):
    question = factories.ask(permit_item, asker=citizen)
    services.question_claim(question_id=question.pk, actor=consultant)
    services.question_forward(question_id=question.pk, actor=consultant, to=market_department, note="属市场监管局")

    public = [m for m in thread(question, staff=False) if m.kind == Message.Kind.FORWARD]
    staff = [m for m in thread(question, staff=True) if m.kind == Message.Kind.FORWARD]
    assert public[0].text == "" and public[0].to_department == market_department
    assert staff[0].text == "属市场监管局"


def test_the_answer_tells_the_asker(permit_item, citizen, consultant):
    question = factories.answered(permit_item, asker=citizen, handler=consultant)

    notice = Notification.objects.filter(user=citizen, kind="question_answered").get()
    assert question.reference in notice.title
    assert notice.link == question.get_absolute_url()


def test_the_answer_reaches_an_asker_without_account_by_text_message(
    permit_item, consultant, sms_outbox, django_capture_on_commit_callbacks
):
    question = factories.ask(permit_item, asker=None, mobile="13700137000")
    services.question_claim(question_id=question.pk, actor=consultant)
    sms_outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.question_answer(question_id=question.pk, actor=consultant, text="答复")

    assert [message.mobile for message in sms_outbox] == ["13700137000"]
    assert question.access_token in sms_outbox[0].text


def test_one_follow_up_reopens_the_question_with_its_handler(permit_item, citizen, consultant):
    question = factories.answered(permit_item, asker=citizen, handler=consultant)

    question = services.question_follow_up(question_id=question.pk, text="还想问一下")

    assert question.state == Question.State.IN_PROGRESS
    assert question.handler == consultant
    assert question.clock_round == 2
    assert Notification.objects.filter(user=consultant, kind="question_follow_up").exists()
    services.question_answer(question_id=question.pk, actor=consultant, text="补充答复")
    with pytest.raises(ActionRefused):
        services.question_follow_up(question_id=question.pk, text="再问一次")


def test_a_follow_up_after_ten_working_days_is_refused(permit_item, citizen, consultant):
    question = factories.answered(permit_item, asker=citizen, handler=consultant)

    with pytest.raises(ActionRefused):
        services.question_follow_up(
            question_id=question.pk, text="迟到的追问", now=question.follow_up_until + timedelta(seconds=1)
        )


def test_a_follow_up_goes_back_to_the_queue_when_the_handler_left(permit_item, citizen, consultant):
    question = factories.answered(permit_item, asker=citizen, handler=consultant)
    consultant.is_active = False
    consultant.save()

    question = services.question_follow_up(question_id=question.pk, text="还想问一下")

    assert question.state == Question.State.QUEUED
    assert question.handler is None
    assert question.first_responder == consultant


def test_a_sent_answer_is_corrected_by_a_new_message(permit_item, citizen, consultant):
    question = factories.answered(permit_item, asker=citizen, handler=consultant, text="原答复")

    services.question_correct(question_id=question.pk, actor=consultant, text="更正：还需要提交图纸")

    kinds = list(question.messages.values_list("kind", "text"))
    assert kinds[-2:] == [("answer", "原答复"), ("correction", "更正：还需要提交图纸")]


def test_resolve_is_recorded_once(permit_item, citizen, consultant):
    question = factories.answered(permit_item, asker=citizen, handler=consultant)

    services.question_resolve(question_id=question.pk)
    with pytest.raises(AlreadyHandled):
        services.question_resolve(question_id=question.pk)


def test_a_phone_question_has_its_recorder_as_first_responder(permit_item, consultant):
    question = services.question_record(
        actor=consultant,
        channel=Question.Channel.PHONE,
        name="孙先生",
        mobile="13600136000",
        item=permit_item,
        topic=Topic.FEES,
        subject="收费标准",
        body="施工许可收费吗？",
    )

    assert question.first_responder == consultant == question.handler
    assert question.state == Question.State.IN_PROGRESS
    assert question.current_due_at is not None


def test_a_window_question_for_a_department_stays_in_its_queue_with_the_clerk_accountable(permit_item, clerk):
    question = services.question_record(
        actor=clerk,
        channel=Question.Channel.WINDOW,
        name="周女士",
        item=permit_item,
        topic=Topic.POLICY,
        subject="办理条件",
        body="个人可以申请吗？",
    )

    assert question.first_responder == clerk
    assert question.handler is None
    assert question.state == Question.State.QUEUED
    assert question.department == permit_item.department


def test_publishing_indexes_the_entry_and_withdrawing_removes_it(permit_item, citizen, consultant):
    question = factories.answered(permit_item, asker=citizen, handler=consultant)

    entry = services.faq_publish(
        actor=consultant,
        question_text="施工许可需要哪些材料？",
        answer_text="申请表、施工图审查合格书。",
        item=permit_item,
        source=question,
    )
    assert FaqTerm.objects.filter(entry=entry, term="施工").exists()
    with pytest.raises(AlreadyHandled):
        services.faq_publish(actor=consultant, question_text="x", answer_text="y", item=permit_item, source=question)

    entry.is_published = False
    services.faq_save(actor=consultant, entry=entry)
    assert not FaqTerm.objects.filter(entry=entry).exists()


def test_a_reviewer_cannot_publish(permit_item, reviewer):
    with pytest.raises(ActionRefused):
        services.faq_publish(actor=reviewer, question_text="x", answer_text="y", item=permit_item)


def test_answered_on_time_and_hours_to_first_reply_are_recorded(permit_item, citizen, consultant):
    asked = datetime(2026, 10, 12, 9, 0, tzinfo=SHANGHAI)  # a Monday
    question = factories.ask(permit_item, asker=citizen, now=asked)
    services.question_claim(question_id=question.pk, actor=consultant, now=asked)

    question = services.question_answer(
        question_id=question.pk, actor=consultant, text="答复", now=datetime(2026, 10, 12, 15, 0, tzinfo=SHANGHAI)
    )

    assert question.answered_on_time is True
    assert question.first_reply_working_hours == 4.5  # 09:00-12:00 and 13:30-15:00


def test_the_same_form_sent_twice_makes_one_question(permit_item, citizen):
    token = uuid.uuid4()

    first = factories.ask(permit_item, asker=citizen, form_token=token)
    again = factories.ask(permit_item, asker=citizen, form_token=token)

    assert again.pk == first.pk and again.already_sent
    assert Question.objects.count() == 1


def test_a_correction_sent_twice_is_recorded_once(permit_item, citizen, consultant):
    question = factories.answered(permit_item, asker=citizen, handler=consultant)
    services.question_correct(question_id=question.pk, actor=consultant, text="更正")

    with pytest.raises(AlreadyHandled):
        services.question_correct(question_id=question.pk, actor=consultant, text="更正")
    assert question.messages.filter(kind=Message.Kind.CORRECTION).count() == 1


def test_the_handler_puts_a_question_back_in_the_queue_keeping_deadline_and_first_responder(
    permit_item, citizen, consultant
):
    question = factories.ask(permit_item, asker=citizen)
    services.question_claim(question_id=question.pk, actor=consultant)
    due = Question.objects.get(pk=question.pk).current_due_at

    question = services.question_release(question_id=question.pk, actor=consultant)

    assert question.state == Question.State.QUEUED and question.handler is None
    assert question.first_responder == consultant
    assert question.current_due_at == due


def test_a_colleague_releases_only_when_the_handler_can_no_longer_act(permit_item, citizen, consultant):
    colleague = portal_factories.staff("zx9", roles.CONSULTANT, permit_item.department)
    question = factories.ask(permit_item, asker=citizen)
    services.question_claim(question_id=question.pk, actor=consultant)

    with pytest.raises(ActionRefused):
        services.question_release(question_id=question.pk, actor=colleague)
    consultant.is_active = False
    consultant.save()
    question = services.question_release(question_id=question.pk, actor=colleague)

    assert question.state == Question.State.QUEUED


def test_a_consultant_publishes_only_for_their_own_departments_items(permit_item, other_consultant, clerk):
    with pytest.raises(ActionRefused):
        services.faq_publish(actor=other_consultant, question_text="问", answer_text="答", item=permit_item)

    entry = services.faq_publish(actor=clerk, question_text="施工许可问题", answer_text="答复内容", item=permit_item)
    assert entry.department == permit_item.department
