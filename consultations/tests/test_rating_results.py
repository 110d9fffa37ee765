"""The published results at /ratings/: the good-review rate by hand count, exclusions, comments made anonymous."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from consultations.ratings import services
from consultations.ratings.results import redact
from consultations.tests.rating_factories import rated, rejected
from portal.tests import factories as portal_factories

pytestmark = pytest.mark.django_db

URL = "/ratings/"


def test_the_page_is_public_and_named(client):
    assert reverse("consultations:ratings") == URL
    assert client.get(URL).status_code == 200


def test_the_good_review_rate_of_a_department_matches_a_hand_count(client, permit_item, citizen, clerk):
    levels = [5, 5, 4, 3, 2, 1, 4]  # good: 5, 5, 4, 3, 4 = five of seven
    for level in levels:
        rated(permit_item, citizen, clerk, level=level, anonymous=True)

    response = client.get(URL)

    (total,) = response.context["totals"]
    assert total["department_id"] == permit_item.department_id
    assert (total["counted"], total["good"], total["bad"]) == (7, 5, 2)
    assert total["good_rate"] == round(100 * 5 / 7, 2) == 71.43
    assert "71.43%" in response.content.decode()


def test_an_excluded_rating_is_not_counted(client, permit_item, citizen, clerk, reviewer, supervisor):
    rated(permit_item, citizen, clerk, level=5)
    appealed = rated(permit_item, citizen, clerk, level=1, anonymous=True).rectification
    services.rectification_close(rectification_id=appealed.pk, actor=reviewer, outcome="appeal", text="恶意差评")
    services.appeal_decide(rectification_id=appealed.pk, actor=supervisor, accept=True)

    (total,) = client.get(URL).context["totals"]

    assert (total["counted"], total["bad"], total["good_rate"]) == (1, 0, 100.0)


def test_services_not_rated_are_shown_as_a_share(client, permit_item, citizen, clerk):
    rated(permit_item, citizen, clerk, level=5)
    rejected(permit_item, citizen, clerk)

    (total,) = client.get(URL).context["totals"]

    assert (total["concluded"], total["not_rated"], total["not_rated_share"]) == (2, 1, 50.0)


def test_a_comment_not_consented_is_not_published(client, permit_item, citizen, clerk):
    rated(permit_item, citizen, clerk, comment="补正通知没有一次说清", comment_public=False)

    page = client.get(URL).content.decode()

    assert "补正通知没有一次说清" not in page


def test_a_consented_comment_is_published_without_personal_details(client, permit_item, citizen, clerk):
    comment = "张爱丽反映：补正通知没有一次说清，请回电13812345678，身份证110101199003071234，找王女士"
    rated(permit_item, citizen, clerk, comment=comment, comment_public=True)

    page = client.get(URL).content.decode()

    assert "补正通知没有一次说清" in page
    for detail in ("张爱丽", "13812345678", "110101199003071234", "王女士"):
        assert detail not in page


def test_the_rater_is_never_named_on_the_page(client, permit_item, citizen, clerk):
    rated(permit_item, citizen, clerk, comment="态度不好", comment_public=True)

    page = client.get(URL).content.decode()

    assert citizen.real_name not in page
    assert citizen.username not in page
    assert "138****5678" not in page


def test_redact_replaces_names_and_numbers():
    assert redact("李先生电话13912345678", names=["李博"]) == "*先生电话***"


def test_a_year_is_selectable(client, permit_item, citizen, clerk):
    rated(permit_item, citizen, clerk, level=5)

    response = client.get(URL + "?year=2001")

    assert response.context["year"] == 2001
    assert response.context["totals"] == []


def test_the_recent_bad_reviews_show_their_outcome(client, permit_item, citizen, clerk, reviewer, in_english):
    rectification = rated(permit_item, citizen, clerk, anonymous=True).rectification
    services.rectification_close(rectification_id=rectification.pk, actor=reviewer, outcome="rectified", text="已改")

    page = client.get(URL).content.decode()

    assert "Rectified" in page.split('id="recent"')[1]


def test_the_page_takes_as_many_queries_for_ten_ratings_as_for_one(client, permit_item, clerk):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(URL).status_code == 200
        return len(captured)

    applicant = portal_factories.citizen("carol", "王卡萝")
    rated(permit_item, applicant, clerk, comment="慢", comment_public=True)
    one = queries()
    for level in range(9):
        rated(permit_item, applicant, clerk, level=1 + level % 5, comment="慢", comment_public=True)

    assert queries() == one


def test_the_footer_links_to_the_results(client):
    assert f'href="{URL}"' in client.get("/").content.decode()
