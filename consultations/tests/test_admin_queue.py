"""The staff's question queue in the admin: columns, order, filters, the home page's count, queries."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from consultations import services
from consultations.models import Question
from consultations.tests import factories
from portal.clock.levels import Level

pytestmark = pytest.mark.django_db

LIST = "admin:consultations_question_changelist"


def _rows(response) -> list[Question]:
    return list(response.context["cl"].result_list)


def test_it_lists_unclaimed_questions_first_then_ones_own_by_due_date(client, consultant, permit_item, citizen):
    mine_late = factories.ask(permit_item, asker=citizen)
    mine_early = factories.ask(permit_item, asker=citizen)
    waiting = factories.ask(permit_item, asker=citizen)
    services.question_claim(question_id=mine_late.pk, actor=consultant)
    services.question_claim(question_id=mine_early.pk, actor=consultant)
    Question.objects.filter(pk=mine_early.pk).update(current_due_at=timezone.now() + timedelta(hours=1))
    Question.objects.filter(pk=mine_late.pk).update(current_due_at=timezone.now() + timedelta(days=5))
    client.force_login(consultant)

    response = client.get(reverse(LIST))

    assert [q.pk for q in _rows(response)] == [waiting.pk, mine_early.pk, mine_late.pk]


def test_it_shows_the_askers_mobile_masked_in_the_list(client, consultant, permit_item):
    factories.ask(permit_item, mobile="13700137000")
    client.force_login(consultant)

    page = client.get(reverse(LIST)).content.decode()

    assert "137****7000" in page
    assert "13700137000" not in page


def test_it_shows_handler_and_first_responder_by_staff_number_and_name(client, consultant, permit_item, citizen):
    question = factories.ask(permit_item, asker=citizen)
    services.question_claim(question_id=question.pk, actor=consultant)
    client.force_login(consultant)

    page = client.get(reverse(LIST)).content.decode()

    assert "ZJ0107 consultant" in page


def test_it_colours_the_due_date_by_its_level(client, consultant, permit_item, citizen):
    question = factories.ask(permit_item, asker=citizen)
    Question.objects.filter(pk=question.pk).update(due_level=Level.OVERDUE)
    client.force_login(consultant)

    page = client.get(reverse(LIST)).content.decode()

    assert "ow-sla ow-sla-overdue" in page
    local = timezone.localtime(question.current_due_at)
    assert f"{local:%Y-%m-%d %H:%M}" in page


@pytest.mark.parametrize(
    "query",
    ["state__exact=queued", "due_level__exact=overdue", "channel__exact=phone", "mine=handler", "mine=first"],
)
def test_it_accepts_its_declared_filters(client, consultant, permit_item, citizen, query):
    factories.ask(permit_item, asker=citizen)
    client.force_login(consultant)

    assert client.get(f"{reverse(LIST)}?{query}").status_code == 200


def test_it_refuses_an_undeclared_filter_and_one_on_the_mobile(client, consultant, permit_item):
    factories.ask(permit_item)
    client.force_login(consultant)

    assert client.get(f"{reverse(LIST)}?asker_mobile__startswith=137").status_code == 400
    assert client.get(f"{reverse(LIST)}?department__id__exact=1").status_code == 400


def test_it_offers_the_department_filter_to_supervisors(client, supervisor, permit_item, market_department, citizen):
    factories.ask(permit_item, asker=citizen)
    factories.ask(None, asker=citizen, department=market_department)
    client.force_login(supervisor)

    response = client.get(f"{reverse(LIST)}?department__id__exact={market_department.pk}")

    assert [q.department for q in _rows(response)] == [market_department]


def test_it_filters_on_the_questions_i_handle(client, consultant, permit_item, citizen):
    mine = factories.ask(permit_item, asker=citizen)
    factories.ask(permit_item, asker=citizen)
    services.question_claim(question_id=mine.pk, actor=consultant)
    client.force_login(consultant)

    response = client.get(f"{reverse(LIST)}?mine=handler")

    assert [q.pk for q in _rows(response)] == [mine.pk]


def _list_queries(client, user):
    client.force_login(user)
    with CaptureQueriesContext(connection) as context:
        response = client.get(reverse(LIST))
    assert response.status_code == 200
    return len(context.captured_queries), len(_rows(response))


@pytest.mark.parametrize("role", ["consultant", "supervisor"])
def test_it_lists_with_the_same_number_of_queries_for_1_and_50_questions(
    client, request, permit_item, citizen, consultant, role
):
    user = request.getfixturevalue(role)
    question = factories.ask(permit_item, asker=citizen)
    services.question_claim(question_id=question.pk, actor=consultant)
    one = _list_queries(client, user)
    for n in range(49):
        other = factories.ask(permit_item, asker=None if n % 2 else citizen)
        if n % 3 == 0:
            services.question_claim(question_id=other.pk, actor=consultant)

    many = _list_queries(client, user)

    assert one[1] == 1 and many[1] == 50
    assert many[0] == one[0]


def test_the_home_page_counts_the_questions_waiting_in_my_queue(client, consultant, clerk, permit_item, citizen):
    factories.ask(permit_item, asker=citizen)
    factories.ask(permit_item, asker=citizen)
    factories.ask(None, asker=citizen)  # the general window's
    client.force_login(consultant)

    response = client.get(reverse("admin:index"))

    counts = {row.name: row.count for row in response.context["queues"]}
    assert counts["questions.waiting"] == 2
    assert f"{reverse(LIST)}?state__exact=queued" in response.content.decode()


def test_the_home_page_counts_the_general_windows_questions_for_the_clerk(client, clerk, permit_item, citizen):
    factories.ask(permit_item, asker=citizen)
    factories.ask(None, asker=citizen)
    client.force_login(clerk)

    response = client.get(reverse("admin:index"))

    assert {row.name: row.count for row in response.context["queues"]}["questions.waiting"] == 1


def test_the_home_page_shows_no_question_queue_to_a_reviewer(client, reviewer):
    client.force_login(reviewer)

    response = client.get(reverse("admin:index"))

    assert "questions.waiting" not in {row.name for row in response.context["queues"]}


def test_the_queue_link_opens_the_waiting_questions(client, consultant, permit_item, citizen):
    waiting = factories.ask(permit_item, asker=citizen)
    taken = factories.ask(permit_item, asker=citizen)
    services.question_claim(question_id=taken.pk, actor=consultant)
    client.force_login(consultant)

    response = client.get(f"{reverse(LIST)}?state__exact=queued")

    assert [q.pk for q in _rows(response)] == [waiting.pk]


@pytest.mark.parametrize(("role", "shown"), [("clerk", True), ("consultant", True), ("supervisor", False)])
def test_the_list_offers_recording_a_phone_question_to_who_may(client, request, role, shown):
    client.force_login(request.getfixturevalue(role))

    page = client.get(reverse(LIST)).content.decode()

    assert (reverse("admin:consultations_question_record") in page) is shown
