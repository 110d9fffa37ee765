"""The personal centre's paginator (portal/personal_centre.py): no COUNT query when the rows fit one page."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portal.models import Department
from portal.personal_centre import SectionPaginator

pytestmark = pytest.mark.django_db


def _departments(n):
    Department.objects.bulk_create(Department(code=f"d{i:02}", name=f"部门{i}") for i in range(n))
    return Department.objects.filter(code__startswith="d").order_by("code")


def test_a_first_page_that_holds_every_row_costs_one_query():
    rows = _departments(3)

    with CaptureQueriesContext(connection) as queries:
        page = SectionPaginator(rows, 10).get_page(None)
        assert [d.code for d in page] == ["d00", "d01", "d02"]
        assert page.paginator.count == 3 and page.paginator.num_pages == 1 and not page.has_next()

    assert len(queries) == 1
    assert "COUNT" not in queries[0]["sql"].upper()


def test_a_longer_list_counts_and_reuses_the_rows_read_for_the_first_page():
    rows = _departments(12)

    with CaptureQueriesContext(connection) as queries:
        page = SectionPaginator(rows, 10).get_page(None)
        assert [d.code for d in page] == [f"d{i:02}" for i in range(10)] and page.has_next()
        assert page.paginator.count == 12 and page.paginator.num_pages == 2

    assert len(queries) == 2


def test_a_later_page_is_read_as_django_reads_it():
    rows = _departments(12)

    page = SectionPaginator(rows, 10).get_page("2")

    assert [d.code for d in page] == ["d10", "d11"] and page.number == 2


def test_a_page_past_the_end_gives_the_last_page():
    rows = _departments(3)

    page = SectionPaginator(rows, 10).get_page("5")

    assert page.number == 1 and len(page) == 3
