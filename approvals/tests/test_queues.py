"""Each role's work: the landing page after login, the queues and their counts, the list as staff read it."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from approvals import selectors, services
from approvals.models import Application, State
from approvals.tests import factories
from portal.clock.levels import Level
from portal.models import ClockAlert
from portal.tests import factories as portal_factories

pytestmark = pytest.mark.django_db

LIST = "admin:approvals_application_changelist"
HOME = "admin:index"


def _queues(response) -> dict[str, int | None]:
    """Return the counts shown on the admin's home page, by queue name."""
    return {row.name: row.count for row in response.context["queues"]}


def _accepted(item, applicant, clerk):
    application = factories.submitted(item, applicant)
    services.application_accept(application_id=application.pk, actor=clerk)
    return application


# --- landing after login -----------------------------------------------------------------------


@pytest.mark.parametrize("role", ["clerk", "reviewer", "print_operator", "supervisor"])
def test_each_role_lands_on_its_work_after_the_site_login(client, request, role):
    user = request.getfixturevalue(role)
    response = client.post(reverse("login"), {"username": user.username, "password": portal_factories.PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse(HOME)


@pytest.mark.parametrize("role", ["clerk", "reviewer", "print_operator", "supervisor"])
def test_each_role_lands_on_its_work_after_the_admin_login_and_the_second_factor(client, request, role):
    user = request.getfixturevalue(role)
    device = portal_factories.totp_device(user)
    form = client.get(reverse("admin:login"))  # the form carries the page to open next, as in a browser
    response = client.post(
        reverse("admin:login"),
        {"username": user.username, "password": portal_factories.PASSWORD, "next": form.context["next"]},
        follow=True,
    )
    assert response.redirect_chain[-1][0].startswith(reverse("two_factor:verify"))
    response = client.post(response.redirect_chain[-1][0], {"code": portal_factories.totp_code(device)}, follow=True)
    assert response.redirect_chain[-1][0] == reverse(HOME)
    assert response.context["queues"], "the home page shows the role's queues"


def test_a_citizen_still_lands_on_the_personal_centre(client, citizen):
    response = client.post(reverse("login"), {"username": "alice", "password": portal_factories.PASSWORD})
    assert response["Location"] == reverse("me")


def test_an_explicit_next_page_wins_over_the_work_queues(client, clerk):
    response = client.post(
        reverse("login") + "?next=/me/", {"username": "clerk", "password": portal_factories.PASSWORD}
    )
    assert response["Location"] == "/me/"


# --- the admin's home page per role --------------------------------------------------------------


def test_the_clerk_sees_intake_waiting_and_due_today_with_the_walk_in_button(client, clerk, permit_item, citizen):
    factories.submitted(permit_item, citizen)
    late = factories.submitted(permit_item, citizen)
    Application.objects.filter(pk=late.pk).update(current_due_at=timezone.now() - timedelta(hours=1))
    _accepted(permit_item, citizen, clerk)
    client.force_login(clerk)
    response = client.get(reverse(HOME))
    queues = _queues(response)
    assert queues["applications.intake"] == 2
    assert queues["applications.intake_due"] == 1
    assert "applications.claim" not in queues
    assert reverse("admin:approvals_application_walk_in") in response.content.decode()


def test_the_reviewer_sees_cases_to_claim_of_the_own_department_and_own_cases(
    client, clerk, reviewer, other_reviewer, permit_item, citizen
):
    _accepted(permit_item, citizen, clerk)
    mine = _accepted(permit_item, citizen, clerk)
    services.application_claim(application_id=mine.pk, actor=reviewer)
    Application.objects.filter(pk=mine.pk).update(due_level=Level.WARNING)
    client.force_login(reviewer)
    queues = _queues(client.get(reverse(HOME)))
    assert queues["applications.claim"] == 1
    assert queues["applications.mine"] == 1
    assert queues["applications.due_soon"] == 1
    assert "applications.intake" not in queues

    client.force_login(other_reviewer)
    queues = _queues(client.get(reverse(HOME)))
    assert queues["applications.claim"] == 0
    assert queues["applications.due_soon"] == 0


def test_the_supervisor_sees_overdue_counts_the_dashboard_and_recent_alerts(
    client, clerk, supervisor, permit_item, citizen
):
    late = factories.submitted(permit_item, citizen)
    Application.objects.filter(pk=late.pk).update(due_level=Level.OVERDUE)
    ClockAlert.objects.create(
        clock="applications", object_id=late.pk, level=Level.OVERDUE, deadline=late.current_due_at
    )
    client.force_login(supervisor)
    response = client.get(reverse(HOME))
    queues = _queues(response)
    assert queues["applications.overdue"] == 1
    page = response.content.decode()
    assert reverse("admin:approvals_application_change", args=[late.pk]) in page
    assert late.reference in page


def test_recent_alerts_are_not_shown_to_the_clerk(client, clerk, permit_item, citizen):
    late = factories.submitted(permit_item, citizen)
    ClockAlert.objects.create(
        clock="applications", object_id=late.pk, level=Level.OVERDUE, deadline=late.current_due_at
    )
    client.force_login(clerk)
    assert client.get(reverse(HOME)).context["alerts"] == []


@pytest.mark.parametrize("role", ["clerk", "reviewer", "print_operator", "supervisor"])
def test_the_admin_home_runs_the_same_number_of_queries_however_many_rows_wait(
    client, request, role, clerk, reviewer, permit_item, citizen
):
    user = request.getfixturevalue(role)
    client.force_login(user)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse(HOME)).status_code == 200
        return len(captured)

    def more_work():
        late = _accepted(permit_item, citizen, clerk)
        ClockAlert.objects.create(clock="applications", object_id=late.pk, level=Level.WARNING, deadline=timezone.now())
        factories.submitted(permit_item, citizen)

    more_work()
    before = queries()
    for _ in range(3):
        more_work()
    assert queries() == before
    # Session and user, permissions, one count per queue, the alerts: well under 20.
    assert before <= 20


def test_each_queue_count_is_one_query(clerk):
    with CaptureQueriesContext(connection) as captured:
        selectors.work_queue_count(clerk, "intake")  # loads the permissions once
    with CaptureQueriesContext(connection) as captured:
        selectors.work_queue_count(clerk, "intake_due")
    assert len(captured) == 1


# --- the list as staff read it -----------------------------------------------------------------


def test_the_clerk_list_opens_on_submissions_waiting_for_intake(client, clerk, permit_item, citizen):
    waiting = factories.submitted(permit_item, citizen)
    accepted = _accepted(permit_item, citizen, clerk)
    client.force_login(clerk)
    response = client.get(reverse(LIST))
    assert list(response.context["cl"].result_list) == [waiting]

    everything = client.get(reverse(LIST), {"state": "all"})
    assert set(everything.context["cl"].result_list) == {waiting, accepted}
    assert "?state=all" in response.content.decode(), "'All' stays one click away"


def test_the_clerk_search_looks_in_every_state(client, clerk, permit_item, citizen):
    accepted = _accepted(permit_item, citizen, clerk)
    client.force_login(clerk)
    response = client.get(reverse(LIST), {"q": accepted.reference})
    assert list(response.context["cl"].result_list) == [accepted]


def test_the_clerk_list_puts_the_nearest_intake_deadline_first(client, clerk, permit_item, citizen):
    first = factories.submitted(permit_item, citizen)
    second = factories.submitted(permit_item, citizen)
    Application.objects.filter(pk=second.pk).update(current_due_at=first.current_due_at - timedelta(hours=2))
    client.force_login(clerk)
    response = client.get(reverse(LIST))
    assert list(response.context["cl"].result_list) == [second, first]


def test_the_reviewer_list_is_not_narrowed_by_default(client, clerk, reviewer, permit_item, citizen):
    accepted = _accepted(permit_item, citizen, clerk)
    client.force_login(reviewer)
    response = client.get(reverse(LIST))
    assert list(response.context["cl"].result_list) == [accepted]


def test_the_queue_filter_shows_the_reviewer_own_cases(client, clerk, reviewer, permit_item, citizen):
    _accepted(permit_item, citizen, clerk)
    mine = _accepted(permit_item, citizen, clerk)
    services.application_claim(application_id=mine.pk, actor=reviewer)
    client.force_login(reviewer)
    response = client.get(reverse(LIST), {"queue": "mine"})
    assert list(response.context["cl"].result_list) == [mine]


def test_a_queue_of_another_role_shows_nothing(client, clerk, reviewer, permit_item, citizen):
    _accepted(permit_item, citizen, clerk)
    client.force_login(clerk)
    response = client.get(reverse(LIST), {"queue": "claim"})
    assert list(response.context["cl"].result_list) == []


def test_the_department_filter_is_a_drop_down(client, clerk, permit_item, citizen):
    factories.submitted(permit_item, citizen)
    for n in range(22):
        portal_factories.department(f"d{n}", f"市第{n}局")
    client.force_login(clerk)
    page = client.get(reverse(LIST)).content.decode()
    assert "data-ow-dropdown-filter" in page
    assert page.count("<option") >= 23
    assert "department__id__exact=" in page


def test_long_item_names_are_cut_with_the_full_name_in_the_title(client, clerk, construction_department, citizen):
    name = "建设工程规划许可证核发（建筑类，含临时建设工程及地下管线工程的规划审批）"
    item = factories.item(construction_department, name=name)
    factories.submitted(item, citizen)
    client.force_login(clerk)
    page = client.get(reverse(LIST)).content.decode()
    assert f'class="ow-ellipsis" title="{name}"' in page


def test_the_admin_greets_staff_by_name_and_links_the_favicon(client, construction_department):
    user = portal_factories.staff("wangxm", "审批人员", construction_department, real_name="王小明")
    client.force_login(user)
    page = client.get(reverse(HOME)).content.decode()
    assert '<strong class="ow-user-name">王小明</strong>' in page
    assert "css/admin.css" in page
    assert '<link rel="icon" href="/favicon.ico">' in page


def test_the_reviewer_change_page_links_to_no_user_page(client, clerk, reviewer, permit_item, citizen):
    application = _accepted(permit_item, citizen, clerk)
    services.application_claim(application_id=application.pk, actor=reviewer)
    client.force_login(reviewer)
    page = client.get(reverse("admin:approvals_application_change", args=[application.pk])).content.decode()
    assert "/admin/portal/user/" not in page
    assert reviewer.display_name in page


def test_the_supervisor_change_page_links_the_handler(client, clerk, reviewer, supervisor, permit_item, citizen):
    application = _accepted(permit_item, citizen, clerk)
    services.application_claim(application_id=application.pk, actor=reviewer)
    client.force_login(supervisor)
    page = client.get(reverse("admin:approvals_application_change", args=[application.pk])).content.decode()
    assert reverse("admin:portal_user_change", args=[reviewer.pk]) in page


def test_every_link_on_the_reviewer_change_page_opens(client, clerk, reviewer, permit_item, citizen):
    application = _accepted(permit_item, citizen, clerk)
    services.application_claim(application_id=application.pk, actor=reviewer)
    client.force_login(reviewer)
    with translation.override("en"):
        page = client.get(reverse("admin:approvals_application_change", args=[application.pk])).content.decode()
    links = {
        href
        for href in _hrefs(page)
        if href.startswith("/admin/") and "/logout/" not in href and "/password_change/" not in href
    }
    assert links
    for href in links:
        assert client.get(href).status_code == 200, href


def _hrefs(page: str) -> list[str]:
    parts = page.split('href="')[1:]
    return [part.split('"', 1)[0].replace("&amp;", "&") for part in parts]


def test_the_work_queues_are_ordered_by_the_deadline(clerk, permit_item, citizen):
    first = factories.submitted(permit_item, citizen)
    second = factories.submitted(permit_item, citizen)
    Application.objects.filter(pk=first.pk).update(current_due_at=None)
    assert list(selectors.work_queue(clerk, "intake")) == [second, first]
    assert State(second.state) == State.SUBMITTED


def test_the_list_shows_the_applicant_name_of_the_application_not_the_account(client, clerk, permit_item, enterprise):
    application = factories.submitted(permit_item, enterprise)
    Application.objects.filter(pk=application.pk).update(applicant_name="华夏建设工程有限公司第三分公司")
    client.force_login(clerk)
    page = client.get(reverse(LIST)).content.decode()
    assert 'title="华夏建设工程有限公司第三分公司"' in page
