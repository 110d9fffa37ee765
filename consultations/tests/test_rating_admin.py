"""The staff's side of ratings: scoped lists, the return visit, closing, appeals, and nobody editing a rating."""

import pytest
from django.contrib.admin.sites import site
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from consultations.models import Rating, Rectification
from consultations.ratings import services
from consultations.tests.rating_factories import rated
from portal.models import AuditEvent
from portal.tests import factories as portal_factories

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:consultations_rectification_changelist"


def _change(rectification):
    return reverse("admin:consultations_rectification_change", args=[rectification.pk])


def _step(rectification, name):
    return reverse(f"admin:consultations_rectification_{name}", args=[rectification.pk])


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


@pytest.fixture
def bad(permit_item, citizen, clerk):
    """A real-name bad review of the construction department's application."""
    return rated(permit_item, citizen, clerk, comment="补正通知没有一次说清").rectification


@pytest.fixture
def anonymous_bad(permit_item, citizen, clerk):
    return rated(permit_item, citizen, clerk, anonymous=True, comment="等了很久").rectification


@pytest.fixture
def superuser(db):
    return portal_factories.staff("root", "效能监察", is_superuser=True)


# --- scoping ------------------------------------------------------------------------------------


def test_a_departments_reviewer_sees_its_rectification(client, reviewer, bad):
    client.force_login(reviewer)

    response = client.get(reverse(CHANGELIST))

    assert list(response.context["cl"].result_list) == [bad]


def test_another_department_sees_none_and_its_change_page_is_404(client, other_reviewer, bad):
    client.force_login(other_reviewer)

    assert list(client.get(reverse(CHANGELIST)).context["cl"].result_list) == []
    assert client.get(_change(bad)).status_code == 404
    assert client.get(_step(bad, "visit")).status_code == 404


def test_window_clerks_see_the_general_windows_not_a_departments(client, clerk, bad):
    client.force_login(clerk)

    assert list(client.get(reverse(CHANGELIST)).context["cl"].result_list) == []


def test_consultation_staff_of_the_department_see_it(client, consultant, bad):
    client.force_login(consultant)

    assert list(client.get(reverse(CHANGELIST)).context["cl"].result_list) == [bad]


def test_supervisors_see_every_rectification_and_rating(client, supervisor, bad, permit_item, other_citizen, clerk):
    other = rated(permit_item, other_citizen, clerk, level=5)
    client.force_login(supervisor)

    assert list(client.get(reverse(CHANGELIST)).context["cl"].result_list) == [bad]
    ratings = client.get(reverse("admin:consultations_rating_changelist")).context["cl"].result_list
    assert set(ratings) == {bad.rating, other}


def test_open_ones_come_first_by_the_nearer_deadline(client, reviewer, bad, anonymous_bad):
    services.return_visit_record(rectification_id=bad.pk, actor=reviewer, channel="phone", notes="已致歉")
    services.rectification_close(rectification_id=bad.pk, actor=reviewer, outcome="rectified", text="已改模板")
    client.force_login(reviewer)

    result = list(client.get(reverse(CHANGELIST)).context["cl"].result_list)

    assert result == [anonymous_bad, bad]


def test_department_staff_do_not_see_who_gave_an_anonymous_rating(client, reviewer, anonymous_bad, in_english):
    client.force_login(reviewer)

    page = client.get(reverse("admin:consultations_rating_changelist")).content.decode()

    assert "Anonymous" in page
    assert "张" not in page.split('id="result_list"')[1]
    assert "138" not in page.split('id="result_list"')[1]


def test_a_real_name_rater_is_masked_in_the_lists(client, reviewer, bad):
    client.force_login(reviewer)

    page = client.get(reverse(CHANGELIST)).content.decode()

    assert "张**" in page
    assert "138****5678" in page
    assert "13812345678" not in page


def test_the_handler_sees_the_raters_contact_and_the_view_is_audited(client, reviewer, anonymous_bad):
    client.force_login(reviewer)

    page = client.get(_change(anonymous_bad)).content.decode()

    assert "13812345678" in page
    assert "张爱丽" in page
    event = AuditEvent.objects.get(action=AuditEvent.Action.PERSONAL_DATA_SHOWN)
    assert event.target_id == str(anonymous_bad.pk)


def test_another_departments_reviewer_gets_no_contact_and_nothing_is_audited(client, other_reviewer, bad):
    client.force_login(other_reviewer)

    assert client.get(_change(bad)).status_code == 404
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.PERSONAL_DATA_SHOWN).exists()


# --- the steps ------------------------------------------------------------------------------------


def test_the_step_forms_are_not_nested_in_the_change_form(client, supervisor, anonymous_bad):
    services.rectification_close(rectification_id=anonymous_bad.pk, actor=supervisor, outcome="appeal", text="恶意")
    client.force_login(supervisor)

    page = client.get(_change(anonymous_bad)).content.decode()

    appeal_form = page.index(f'action="{_step(anonymous_bad, "appeal")}"')
    change_form = page.rindex("<form", 0, page.index('id="rectification_form"'))
    assert appeal_form < change_form
    assert page.count("<form", 0, change_form) == page.count("</form>", 0, change_form)


def test_the_handler_records_the_return_visit(client, reviewer, bad):
    client.force_login(reviewer)

    response = client.post(_step(bad, "visit"), {"channel": "phone", "notes": "已电话致歉并说明补正要求"})

    assert response.status_code == 302
    bad.refresh_from_db()
    assert bad.visited_by == reviewer
    assert bad.visit_channel == "phone"


def test_a_second_visit_record_is_a_message_not_an_error(client, reviewer, bad, in_english):
    services.return_visit_record(rectification_id=bad.pk, actor=reviewer, channel="phone", notes="已致歉")
    client.force_login(reviewer)

    response = client.post(_step(bad, "visit"), {"channel": "sms", "notes": "again"}, follow=True)

    assert response.status_code == 200
    assert "The return visit is already recorded." in _messages(response)


def test_closing_a_real_name_review_without_a_return_visit_is_refused(client, reviewer, bad, in_english):
    client.force_login(reviewer)

    form_page = client.get(_step(bad, "close")).content.decode()
    response = client.post(_step(bad, "close"), {"outcome": "rectified", "text": "已统一补正告知模板"})

    assert "closed only after the return visit is recorded" in form_page
    assert response.status_code == 200
    assert any("after the return visit" in message for message in _messages(response))
    bad.refresh_from_db()
    assert bad.closed_at is None


def test_an_anonymous_review_closes_without_a_return_visit(client, reviewer, anonymous_bad):
    client.force_login(reviewer)

    response = client.post(_step(anonymous_bad, "close"), {"outcome": "explained", "text": "该要求无法律依据"})

    assert response.status_code == 302
    anonymous_bad.refresh_from_db()
    assert anonymous_bad.outcome == "explained"


def test_closing_twice_is_a_message_not_an_error(client, reviewer, anonymous_bad, in_english):
    client.force_login(reviewer)
    data = {"outcome": "explained", "text": "该要求无法律依据"}
    client.post(_step(anonymous_bad, "close"), data)

    response = client.post(_step(anonymous_bad, "close"), data)

    assert response.status_code == 200
    assert "This rectification is already closed." in _messages(response)


def test_another_departments_reviewer_cannot_post_a_step(client, other_reviewer, bad):
    client.force_login(other_reviewer)

    response = client.post(_step(bad, "visit"), {"channel": "phone", "notes": "x"})

    assert response.status_code == 404
    bad.refresh_from_db()
    assert bad.visited_at is None


def test_a_supervisor_accepts_an_appeal_and_the_rating_is_excluded(client, reviewer, supervisor, anonymous_bad):
    services.rectification_close(rectification_id=anonymous_bad.pk, actor=reviewer, outcome="appeal", text="恶意")
    client.force_login(supervisor)

    response = client.post(_step(anonymous_bad, "appeal"), {"decision": "accept"})

    assert response.status_code == 302
    anonymous_bad.refresh_from_db()
    assert anonymous_bad.appeal == Rectification.Appeal.ACCEPTED
    assert Rating.objects.get(pk=anonymous_bad.rating_id).excluded


def test_only_a_supervisor_decides_an_appeal(client, reviewer, anonymous_bad):
    services.rectification_close(rectification_id=anonymous_bad.pk, actor=reviewer, outcome="appeal", text="恶意")
    client.force_login(reviewer)

    response = client.post(_step(anonymous_bad, "appeal"), {"decision": "accept"})

    assert response.status_code == 403
    anonymous_bad.refresh_from_db()
    assert anonymous_bad.appeal == Rectification.Appeal.PENDING


def test_the_pending_appeals_filter_is_the_supervisors_queue(client, reviewer, supervisor, anonymous_bad, bad):
    services.rectification_close(rectification_id=anonymous_bad.pk, actor=reviewer, outcome="appeal", text="恶意")
    client.force_login(supervisor)

    response = client.get(reverse(CHANGELIST) + "?appeal__exact=pending")

    assert list(response.context["cl"].result_list) == [anonymous_bad]


# --- ratings are never changed ----------------------------------------------------------------


def test_nobody_adds_changes_or_deletes_a_rating_not_even_a_superuser(client, rf, superuser, bad):
    request = rf.get("/")
    request.user = superuser
    rating_admin = site._registry[Rating]

    assert not rating_admin.has_add_permission(request)
    assert not rating_admin.has_change_permission(request, bad.rating)
    assert not rating_admin.has_delete_permission(request, bad.rating)
    client.force_login(superuser)
    assert client.get(reverse("admin:consultations_rating_add")).status_code == 403
    assert client.get(reverse("admin:consultations_rating_delete", args=[bad.rating_id])).status_code == 403
    page = client.post(
        reverse("admin:consultations_rating_change", args=[bad.rating_id]), {"level": 5, "comment": "改"}
    )
    assert page.status_code in (200, 403)
    assert Rating.objects.get(pk=bad.rating_id).level == 2


# --- the home page's queue ----------------------------------------------------------------------


def test_the_home_page_counts_the_bad_reviews_to_follow_up(client, reviewer, bad, anonymous_bad, in_english):
    Rectification.objects.filter(pk=bad.pk).update(visit_level="overdue")
    client.force_login(reviewer)

    page = client.get(reverse("admin:index")).content.decode()

    row = page.split('id="queue-ratings.follow_up"')[1].split("</tr>")[0]
    assert "Bad reviews to follow up" in row
    assert "2 (1 overdue)" in row


def test_supervisors_have_the_appeal_queue_and_department_staff_do_not(client, reviewer, supervisor, bad):
    client.force_login(supervisor)
    assert 'id="queue-ratings.appeals"' in client.get(reverse("admin:index")).content.decode()
    client.force_login(reviewer)
    assert 'id="queue-ratings.appeals"' not in client.get(reverse("admin:index")).content.decode()


# --- constant queries ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", [CHANGELIST, "admin:consultations_rating_changelist"])
def test_the_lists_take_as_many_queries_for_ten_rows_as_for_one(client, supervisor, permit_item, clerk, name):
    def queries() -> int:
        client.force_login(supervisor)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse(name)).status_code == 200
        return len(captured)

    applicant = portal_factories.citizen("carol", "王卡萝")
    rated(permit_item, applicant, clerk)
    one = queries()
    for _ in range(9):
        rated(permit_item, applicant, clerk, anonymous=True)

    assert queries() == one
