"""Who sees which questions in the admin: each role its queue and its own, supervisors all, others nothing."""

import pytest
from django.urls import reverse

from consultations import services
from consultations.tests import factories

pytestmark = pytest.mark.django_db

LIST = "admin:consultations_question_changelist"


@pytest.fixture
def three_queues(permit_item, market_department, citizen):
    """One question in 住建局's queue, one in 市场监管局's, one at the general window."""
    return {
        "construction": factories.ask(permit_item, asker=citizen),
        "market": factories.ask(None, asker=citizen, department=market_department),
        "window": factories.ask(None, asker=citizen),
    }


def _listed(client, user) -> set[int]:
    client.force_login(user)
    response = client.get(reverse(LIST))
    assert response.status_code == 200
    return {q.pk for q in response.context["cl"].result_list}


def _ids(three_queues, *names):
    return {three_queues[name].pk for name in names}


def test_a_consultant_sees_only_their_departments_queue(client, consultant, three_queues):
    assert _listed(client, consultant) == _ids(three_queues, "construction")


def test_a_consultant_of_another_department_sees_only_theirs(client, other_consultant, three_queues):
    assert _listed(client, other_consultant) == _ids(three_queues, "market")


def test_the_window_clerk_sees_the_general_windows_questions(client, clerk, three_queues):
    assert _listed(client, clerk) == _ids(three_queues, "window")


def test_the_supervisor_sees_every_queue(client, supervisor, three_queues):
    assert _listed(client, supervisor) == _ids(three_queues, "construction", "market", "window")


def test_a_consultant_gets_404_on_another_departments_question(client, consultant, three_queues):
    client.force_login(consultant)

    response = client.get(reverse("admin:consultations_question_change", args=[three_queues["market"].pk]))

    assert response.status_code == 404


def test_the_first_responder_still_sees_a_question_forwarded_away(client, consultant, three_queues, market_department):
    question = three_queues["construction"]
    services.question_claim(question_id=question.pk, actor=consultant)
    services.question_forward(question_id=question.pk, actor=consultant, to=market_department, note="市场监管局职责")

    assert question.pk in _listed(client, consultant)
    client.force_login(consultant)
    assert client.get(reverse("admin:consultations_question_change", args=[question.pk])).status_code == 200


def test_the_first_responder_sees_the_other_departments_answer(
    client, consultant, other_consultant, three_queues, market_department
):
    question = three_queues["construction"]
    services.question_claim(question_id=question.pk, actor=consultant)
    services.question_forward(question_id=question.pk, actor=consultant, to=market_department, note="市场监管局职责")
    services.question_claim(question_id=question.pk, actor=other_consultant)
    services.question_answer(question_id=question.pk, actor=other_consultant, text="请到市场监管局窗口办理。")
    client.force_login(consultant)

    page = client.get(reverse("admin:consultations_question_change", args=[question.pk])).content.decode()

    assert "请到市场监管局窗口办理。" in page
    assert "SC0215" in page


def test_a_reviewer_without_the_role_has_no_question_list(client, reviewer, three_queues):
    client.force_login(reviewer)

    assert client.get(reverse(LIST)).status_code == 403
    change = reverse("admin:consultations_question_change", args=[three_queues["construction"].pk])
    assert client.get(change).status_code == 403


def test_a_citizen_has_no_admin(client, citizen, three_queues):
    client.force_login(citizen)

    response = client.get(reverse(LIST))

    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def test_a_step_on_a_question_out_of_scope_is_404(client, other_consultant, three_queues):
    client.force_login(other_consultant)

    url = reverse("admin:consultations_question_act", args=[three_queues["construction"].pk, "claim"])

    assert client.post(url).status_code == 404
    three_queues["construction"].refresh_from_db()
    assert three_queues["construction"].handler is None
