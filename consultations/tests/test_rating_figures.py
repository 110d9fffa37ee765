"""The figures of service evaluation for the statistics issue: per department, item, month and kind of service."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from approvals.tests import factories as approval_factories
from consultations.ratings import services
from consultations.ratings.figures import rating_figures
from consultations.ratings.models import Level5, ServiceKind
from consultations.tests import factories
from consultations.tests.rating_factories import rated

pytestmark = pytest.mark.django_db


@pytest.fixture
def answered(permit_item, citizen, consultant):
    return factories.answered(permit_item, asker=citizen, handler=consultant)


def test_figures_per_kind_of_service(permit_item, citizen, clerk, consultant, answered):
    rated(permit_item, citizen, clerk, level=Level5.SATISFIED)
    rated(permit_item, citizen, clerk, level=Level5.DISSATISFIED)
    services.rating_submit(rater=citizen, kind=ServiceKind.QUESTION, object_id=answered.pk, level=5)

    rows = {row["kind"]: row for row in rating_figures(by=("kind",))}

    assert rows["application"]["counted"] == 2
    assert rows["application"]["good_rate"] == 50.0
    assert rows["application"]["bad"] == 1
    assert rows["question"]["counted"] == 1
    assert rows["question"]["good_rate"] == 100.0
    assert rows["question"]["not_rated"] == 0


def test_figures_per_item_and_month(permit_item, construction_department, citizen, clerk):
    other_item = approval_factories.item(construction_department, code="ZJJ-XK-0009")
    rated(permit_item, citizen, clerk, level=5)
    rated(other_item, citizen, clerk, level=1)

    rows = {row["item"]: row for row in rating_figures(by=("department", "item", "month"))}

    month = timezone.localdate().replace(day=1)
    assert rows[permit_item.name]["month"] == month
    assert rows[permit_item.name]["department"] == construction_department.name
    assert (rows[permit_item.name]["good_rate"], rows[other_item.name]["good_rate"]) == (100.0, 0.0)
    assert rows[other_item.name]["item_id"] == other_item.pk


def test_a_concluded_service_without_rating_counts_as_not_rated(permit_item, citizen, clerk, answered):
    rows = {row["kind"]: row for row in rating_figures(by=("kind",))}

    assert rows["question"]["concluded"] == 1
    assert rows["question"]["not_rated"] == 1
    assert rows["question"]["not_rated_share"] == 100.0
    assert rows["question"]["good_rate"] is None


def test_a_period_leaves_out_ratings_outside_it(permit_item, citizen, clerk):
    rated(permit_item, citizen, clerk, level=5)
    today = timezone.localdate()

    assert rating_figures(start=today.replace(year=today.year - 2), end=today.replace(year=today.year - 1)) == []


def test_the_figures_take_a_fixed_number_of_queries(permit_item, citizen, clerk):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            rating_figures(by=("department", "item", "month", "kind"))
        return len(captured)

    rated(permit_item, citizen, clerk)
    one = queries()
    for level in range(9):
        rated(permit_item, citizen, clerk, level=1 + level % 5)

    assert queries() == one <= 6


def test_an_unknown_grouping_is_refused():
    with pytest.raises(ValueError):
        rating_figures(by=("colour",))
