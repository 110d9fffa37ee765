"""Public tracking (/track/): reference plus ID tail, no personal data, rate-limited."""

import re

import pytest
from django.urls import reverse

from approvals import services
from approvals.tests import factories
from portal.tests import factories as portal_factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def application(citizen, permit_item):
    return factories.submitted(permit_item, citizen)


def _look_up(client, reference, tail, **extra):
    return client.post(reverse("approvals:track"), {"reference": reference, "id_tail": tail}, **extra)


def test_the_right_pair_shows_state_and_timeline_without_personal_data(client, application, citizen):
    response = _look_up(client, application.reference, citizen.id_number[-6:])
    assert response.status_code == 200
    assert response.context["application"] == application
    content = response.content.decode()
    assert "已提交，待受理" in content
    assert citizen.real_name not in content
    assert citizen.id_number not in content
    assert citizen.mobile not in content


def test_a_lower_case_x_in_the_tail_matches(client, permit_item):
    person = portal_factories.citizen("xman", "王五", id_number="11010519491231002X")
    application = factories.submitted(permit_item, person)
    assert _look_up(client, application.reference.lower(), "31002x").context["application"] == application


def test_a_wrong_pair_and_an_unknown_reference_get_the_same_answer(client, application):
    wrong = _look_up(client, application.reference, "000000")
    unknown = _look_up(client, "ZJJ-XK-0002-20260101-9999", "000000")
    assert wrong.context["application"] is None and unknown.context["application"] is None

    def answer(response):
        main = response.content.decode().split("<main>")[1]
        main = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", main)
        return re.sub(r'name="reference" value="[^"]*"', "", main)

    assert answer(wrong) == answer(unknown)
    assert "没有找到" in wrong.content.decode()


def test_an_item_whose_code_starts_like_a_draft_can_be_tracked(client, citizen, construction_department):
    item = factories.item(construction_department, code="CGJ-XK-0001")
    application = factories.submitted(item, citizen)
    response = _look_up(client, application.reference, citizen.id_number[-6:])
    assert response.status_code == 200
    assert response.context["application"] == application


def test_a_draft_cannot_be_tracked(client, citizen, permit_item):
    draft = services.application_start(item=permit_item, applicant=citizen)
    assert _look_up(client, draft.reference, citizen.id_number[-6:]).context["application"] is None


def test_repeated_guessing_from_one_address_is_slowed_down(client, application, settings):
    settings.TRACK_RATE_LIMIT = "3/10m"
    for _ in range(3):
        assert _look_up(client, application.reference, "000000").status_code == 200
    response = _look_up(client, application.reference, "000000")
    assert response.status_code == 429
    assert "查询过于频繁" in response.content.decode()
    # Another address is not affected.
    assert _look_up(client, application.reference, "000000", REMOTE_ADDR="10.9.8.7").status_code == 200
