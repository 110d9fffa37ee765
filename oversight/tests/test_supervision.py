"""Electronic supervision: every clock per department, drill-down, exports, the monthly report; supervisors only."""

import io
import zipfile
from datetime import date

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from approvals import services
from approvals.models import Application
from approvals.tests import factories
from consultations.models import Rectification
from portal import roles
from portal.clock import registry, sweep
from portal.clock.registry import Clock, Notice
from portal.models import User
from portal.tests.factories import staff

from .supervision_cases import at, every_clock_late

pytestmark = pytest.mark.django_db
DASHBOARD = "oversight:supervision"


@pytest.fixture
def in_english(settings):
    """Read the staff's pages in English (the Chinese is the translation of the same text)."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def late(permit_item, clerk, reviewer, consultant, citizen):
    return every_clock_late(item=permit_item, clerk=clerk, reviewer=reviewer, consultant=consultant, citizen=citizen)


def _overdue_case(item, citizen, clerk, reviewer):
    with time_machine.travel(at("2026-11-27"), tick=False):
        application = factories.submitted(item, citizen)
    with time_machine.travel(at("2026-11-30"), tick=False):
        services.application_accept(application_id=application.pk, actor=clerk)
        services.application_claim(application_id=application.pk, actor=reviewer)
    return application


def _get(client, user, name=DASHBOARD, *args, day="2027-01-08", **query):
    with time_machine.travel(at(day), tick=False):
        client.force_login(user)  # the session is as old as the day's login
        return client.get(reverse(name, args=args), query)


def test_the_dashboard_counts_the_applications_clock_per_department_and_stage(
    client, supervisor, permit_item, citizen, clerk, reviewer
):
    late = _overdue_case(permit_item, citizen, clerk, reviewer)
    with time_machine.travel(at("2026-11-28"), tick=False):
        factories.submitted(permit_item, citizen)  # accepted by law on 8 December as of 28 November
    with time_machine.travel(at("2026-12-08"), tick=False):
        sweep.run()
    response = _get(client, supervisor, day="2026-12-08")
    assert response.status_code == 200
    rows = {(row.lane.key, row.department): row for row in response.context["deadlines"]}
    decision = rows[("applications.decision", "市住房和城乡建设局")]
    assert (decision.warning, decision.overdue) == (0, 2)
    [department] = response.context["departments"]
    assert department.counts["auto_accepted"] == 1
    cell = reverse("oversight:supervision_cases", args=["applications.decision:overdue", str(late.department_id)])
    assert cell in response.content.decode()
    # A period filters the deadlines: the late case was due on 3 December.
    period = {"start": "2026-12-03", "end": "2026-12-03"}
    filtered = _get(client, supervisor, day="2026-12-08", **period)
    assert [row.overdue for row in filtered.context["deadlines"]] == [1]
    cases = _get(client, supervisor, "oversight:supervision_cases", *cell.split("/")[-3:-1], day="2026-12-08", **period)
    assert [row.pk for row in cases.context["cases"].rows] == [late.pk]


def test_every_registered_clock_appears_per_department(client, supervisor, late):
    response = _get(client, supervisor)
    lanes = {row.lane.clock.name for row in response.context["deadlines"] if row.overdue}
    assert lanes == {clock.name for clock in registry.registered()}
    assert {row.department for row in response.context["deadlines"]} == {"市住房和城乡建设局"}
    assert response.context["deadline_totals"]["overdue"] == 7
    [row] = response.context["departments"]
    assert row.counts["bad_reviews_open"] == 1


def test_a_clock_registered_later_appears_without_more_code(client, supervisor, late, monkeypatch, in_english):
    clock = Clock(
        name="publication_test",
        model=Rectification,
        open=Rectification.objects.all,
        recipients=lambda obj, level, roster: [],
        notice=lambda obj, level: Notice(title="", link=""),
        kind="publication_test",
    )
    monkeypatch.setitem(registry._clocks, clock.name, clock)
    response = _get(client, supervisor)
    [row] = [row for row in response.context["deadlines"] if row.lane.key == "publication_test"]
    assert (row.overdue, row.department) == (1, "Not by department")
    cases = _get(client, supervisor, "oversight:supervision_cases", "publication_test:overdue", "none")
    assert cases.status_code == 200
    assert len(cases.context["cases"].rows) == 1


def test_every_clock_filters_its_open_rows_on_an_index_of_level_then_deadline():
    for clock in registry.registered():
        indexes = [list(index.fields) for index in clock.model._meta.indexes]
        assert [clock.level_field, clock.due_field] in indexes, clock.name
        assert clock.department_field, f"{clock.name} names no department"


def test_a_cell_drills_down_to_its_cases_linked_to_their_admin_pages(client, supervisor, late):
    application = late["application"]
    response = _get(
        client,
        supervisor,
        "oversight:supervision_cases",
        "applications.decision:overdue",
        str(application.department_id),
    )
    assert response.status_code == 200
    [row] = response.context["cases"].rows
    assert row.url == reverse("admin:approvals_application_change", args=[application.pk])
    assert application.reference in response.content.decode()
    job = _get(client, supervisor, "oversight:supervision_cases", "print_jobs:overdue", str(application.department_id))
    assert job.context["cases"].rows[0].url == reverse("admin:licenses_printjob_change", args=[late["print_job"].pk])


def test_an_unknown_cell_is_not_found(client, supervisor):
    for measure, department in (("nothing:overdue", "1"), ("applications.decision:late", "1"), ("extended", "x")):
        assert _get(client, supervisor, "oversight:supervision_cases", measure, department).status_code == 404


def _more_late(item, citizen, clerk, reviewer, count):
    for _ in range(count):
        _overdue_case(item, citizen, clerk, reviewer)
    with time_machine.travel(at("2027-01-08", 6), tick=False):
        sweep.run()


def test_the_pages_run_the_same_queries_for_one_case_or_many(
    client, supervisor, late, permit_item, citizen, clerk, reviewer, other_reviewer, market_department
):
    cell = reverse(
        "oversight:supervision_cases", args=["applications.decision:overdue", str(permit_item.department_id)]
    )

    def count(url):
        with time_machine.travel(at("2027-01-08"), tick=False):
            client.force_login(supervisor)
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
        return len(queries)

    before = (count(reverse(DASHBOARD)), count(cell))
    _more_late(permit_item, citizen, clerk, reviewer, 3)
    other = factories.item(market_department, code="SCJ-XK-0001")
    _more_late(other, citizen, clerk, other_reviewer, 2)
    assert (count(reverse(DASHBOARD)), count(cell)) == before
    assert Application.objects.filter(due_level="overdue").count() == 6


def test_the_drill_down_pages_with_next_instead_of_counting(client, supervisor, late, monkeypatch):
    monkeypatch.setattr("oversight.supervision.selectors.PAGE_SIZE", 1)
    department = str(late["application"].department_id)
    first = _get(client, supervisor, "oversight:supervision_cases", "bad_reviews_open", department)
    assert not first.context["cases"].has_next
    reply = _get(client, supervisor, "oversight:supervision_cases", "question_replies:overdue", department)
    assert [row.cells[0] for row in reply.context["cases"].rows] == [late["reply"].reference]


@pytest.mark.parametrize("role", ["clerk", "reviewer", "print_operator", "consultant"])
def test_only_supervisors_open_supervision(client, request, role, construction_department):
    user = request.getfixturevalue(role)
    client.force_login(user)
    for url in (
        reverse(DASHBOARD),
        reverse("oversight:supervision_cases", args=["applications.decision:overdue", str(construction_department.pk)]),
        reverse("oversight:supervision_export", args=["deadlines", "csv"]),
        reverse("oversight:supervision_report") + f"?department={construction_department.pk}&month=2026-12",
    ):
        assert client.get(url).status_code in (403, 404), (role, url)


def test_supervision_has_its_own_permission(client, construction_department):
    """oversight.supervise opens the dashboard alone; approving second correction rounds does not."""
    deputy = staff("deputy", roles.CLERK)
    deputy.user_permissions.add(Permission.objects.get(codename="approve_second_correction"))
    client.force_login(deputy)
    assert client.get(reverse(DASHBOARD)).status_code == 403
    deputy = User.objects.get(pk=deputy.pk)  # a fresh permission cache
    deputy.user_permissions.add(Permission.objects.get(content_type__app_label="oversight", codename="supervise"))
    client.force_login(deputy)
    assert client.get(reverse(DASHBOARD)).status_code == 200


def test_a_visitor_is_sent_to_the_staff_login(client):
    response = client.get(reverse(DASHBOARD))
    assert response.status_code == 302 and reverse("admin:login") in response["Location"]


def test_the_admin_home_offers_supervision_to_supervisors_only(client, supervisor, clerk):
    client.force_login(supervisor)
    assert reverse(DASHBOARD) in client.get(reverse("admin:index")).content.decode()
    client.force_login(clerk)
    assert reverse(DASHBOARD) not in client.get(reverse("admin:index")).content.decode()


def test_each_table_exports_as_csv_and_excel_for_a_period(client, supervisor, late, in_english):
    csv = _get(client, supervisor, "oversight:supervision_export", "deadlines", "csv", start="2026-12-01")
    assert csv["Content-Type"].startswith("text/csv")
    text = csv.content.decode("utf-8-sig")
    assert text.splitlines()[0] == "Time limit,Department,Due soon,Overdue"
    assert "Issuance and printing (Art. 44),市住房和城乡建设局,0,1" in text
    assert 'filename="supervision-deadlines-2026-12-01.csv"' in csv["Content-Disposition"]

    xlsx = _get(client, supervisor, "oversight:supervision_export", "departments", "xlsx")
    sheet = zipfile.ZipFile(io.BytesIO(xlsx.content)).read("xl/worksheets/sheet1.xml").decode()
    assert "Bad reviews open" in sheet and "市住房和城乡建设局" in sheet
    assert _get(client, supervisor, "oversight:supervision_export", "everything", "csv").status_code == 404


def test_the_monthly_report_is_a_pdf_with_the_months_figures_and_a_signature_block(
    client, supervisor, permit_item, citizen, clerk, reviewer, in_english
):
    late = _overdue_case(permit_item, citizen, clerk, reviewer)
    with time_machine.travel(at("2026-12-08"), tick=False):
        services.application_approve(application_id=late.pk, actor=reviewer)  # due 3 December: late
        on_time = _overdue_case(permit_item, citizen, clerk, reviewer)
    with time_machine.travel(at("2026-12-01"), tick=False):
        services.application_approve(application_id=on_time.pk, actor=reviewer)
    response = _get(
        client,
        supervisor,
        "oversight:supervision_report",
        day="2027-01-04",
        department=permit_item.department_id,
        month="2026-12",
    )
    assert response["Content-Type"] == "application/pdf"
    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert "市住房和城乡建设局" in text
    assert "Month: 2026-12" in text
    assert "Applications concluded (approved or denied)\n2" in text
    assert "Concluded within the promised limit\n1" in text
    assert "Concluded after the promised limit\n1" in text
    assert "Head of the office (signature)" in text


def test_the_monthly_report_form_says_what_is_wrong(client, supervisor, in_english):
    response = _get(client, supervisor, "oversight:supervision_report", month="2026-13")
    assert response.status_code == 400
    assert "Enter a month as YYYY-MM." in response.content.decode()


def test_the_monthly_figures_count_the_month_only(permit_item, citizen, clerk, reviewer):
    from oversight.supervision import report  # noqa: PLC0415

    _overdue_case(permit_item, citizen, clerk, reviewer)  # submitted 27 November
    figures = report.monthly_figures(department=permit_item.department, year=2026, month=12)
    assert (figures.received, figures.concluded) == (0, 0)
    november = report.monthly_figures(department=permit_item.department, year=2026, month=11)
    assert november.received == 1
    assert report.month_period(2026, 12).end == date(2026, 12, 31)
