"""Capped counts in the admin's lists (portal/admin_counts.py), on the calendar's thousands of days."""

import pytest
from django.conf import settings
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal.admin_counts import CappedCountMixin, CappedPaginator
from portal.models import CalendarDay

LIST = "admin:portal_calendarday_changelist"


def _count_queries(context):
    return [query["sql"] for query in context.captured_queries if "COUNT(" in query["sql"].upper()]


@pytest.mark.django_db
def test_it_counts_no_more_than_the_cap_past_the_page_with_a_limit():
    assert CalendarDay.objects.count() > 1000
    paginator = CappedPaginator(CalendarDay.objects.order_by("date"), 50, cap=1000)
    with CaptureQueriesContext(connection) as context:
        assert paginator.count == 1000
    assert paginator.over_cap
    [sql] = _count_queries(context)
    assert "LIMIT 1001" in sql
    assert "ORDER BY" not in sql.upper()


@pytest.mark.django_db
def test_it_counts_the_cap_past_the_start_of_a_later_page():
    paginator = CappedPaginator(CalendarDay.objects.order_by("date"), 50, page_number=3, cap=1000)
    assert paginator.count == 1100
    assert paginator.over_cap
    assert paginator.num_pages == 22


@pytest.mark.django_db
def test_it_gives_the_exact_count_under_the_cap():
    paginator = CappedPaginator(CalendarDay.objects.filter(date__year=2026), 50, cap=1000)
    assert paginator.count == 365
    assert not paginator.over_cap


@pytest.mark.django_db
def test_the_list_says_more_than_the_cap_and_never_counts_the_whole_table(client, administrator):
    client.force_login(administrator)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the Chinese is compiled with the other messages
    with CaptureQueriesContext(connection) as context:
        response = client.get(reverse(LIST))
    assert response.status_code == 200
    counts = _count_queries(context)
    assert len(counts) == 1
    assert "LIMIT 1001" in counts[0]
    paginator = response.content.decode().split('<p class="paginator">')[1].split("</p>")[0]
    assert "more than 1,000 " in paginator


@pytest.mark.django_db
def test_the_list_shows_the_exact_count_under_the_cap(client, administrator):
    client.force_login(administrator)
    response = client.get(reverse(LIST), {"date__year": "2026"})
    assert response.status_code == 200
    assert not response.context["cl"].paginator.over_cap
    assert response.context["cl"].result_count == 365
    assert "超过" not in response.content.decode()


def test_every_admin_counts_with_the_cap():
    assert all(isinstance(model_admin, CappedCountMixin) for model_admin in admin.site._registry.values())
    assert not any(model_admin.show_full_result_count for model_admin in admin.site._registry.values())
