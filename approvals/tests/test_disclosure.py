"""Public disclosure of decisions: recorded with the decision, published at once, withheld by Art. 5, searched."""

import csv
import io
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from approvals import services
from approvals.disclosure import services as disclosure
from approvals.models import Application, PublishedDecision
from approvals.tasks import batch_approve_run
from licenses import services as license_services
from licenses.models import Certificate
from licenses.tests import factories as license_factories
from portal.clock import sweep
from portal.models import ClockAlert, Notification
from portal.tests import factories as portal_factories

pytestmark = pytest.mark.django_db

PAGE = reverse("approvals:disclosure")
EXPORT = reverse("approvals:disclosure_export")


@pytest.fixture
def in_english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def permit_type(construction_department, permit_item):
    return license_factories.permit_type(construction_department, permit_item)


def _approved(item, applicant, clerk, reviewer) -> Application:
    application = license_factories.in_review(item, applicant, clerk, reviewer)
    return services.application_approve(application_id=application.pk, actor=reviewer)


def _denied(item, applicant, clerk, reviewer) -> Application:
    application = license_factories.in_review(item, applicant, clerk, reviewer)
    return services.application_deny(application_id=application.pk, actor=reviewer, reason="不符合法定条件")


def _csv(client, **query) -> list[list[str]]:
    response = client.get(EXPORT, query)
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def _records(n: int, department, item, **fields) -> list[PublishedDecision]:
    now = timezone.now()
    return PublishedDecision.objects.bulk_create(
        PublishedDecision(
            decision="approved",
            state="published",
            item=item,
            department=department,
            decided_at=now - timedelta(minutes=i),
            publish_due_at=now + timedelta(days=9),
            published_at=now,
            holder_kind="enterprise",
            holder_name=f"企业{i:03d}有限公司",
            credit_code=f"91320100MA{i:07d}X"[:18],
            certificate_number=f"ZJJ02-2026-{i:06d}",
            **fields,
        )
        for i in range(n)
    )


# --- recorded and published with the decision ------------------------------------------


def test_it_publishes_an_approval_at_once_with_its_certificate(permit_type, permit_item, citizen, clerk, reviewer):
    application = _approved(permit_item, citizen, clerk, reviewer)

    record = PublishedDecision.objects.get(application=application)
    certificate = Certificate.objects.get(source_application=application)
    assert record.decision == "approved"
    assert record.state == "published"
    assert record.published_at is not None
    assert record.current_due_at is None
    assert record.decided_at == application.decided_at
    assert record.certificate_number == certificate.number
    assert record.certificate_valid_from == certificate.valid_from
    assert record.certificate_status == "valid"
    assert record.item == permit_item and record.department_id == permit_item.department_id
    assert record.publish_due_at > record.decided_at


def test_it_publishes_each_approval_of_a_batch(permit_type, permit_item, citizen, other_citizen, clerk, reviewer):
    applications = [license_factories.in_review(permit_item, who, clerk, reviewer) for who in (citizen, other_citizen)]
    job = services.batch_job_create(actor=reviewer, application_ids=[a.pk for a in applications])
    batch_approve_run(job.pk)

    records = PublishedDecision.objects.filter(application__in=applications)
    assert records.count() == 2
    assert {r.state for r in records} == {"published"}
    assert all(r.certificate_number for r in records)


def test_it_publishes_a_denial_without_a_certificate(permit_item, citizen, clerk, reviewer):
    application = _denied(permit_item, citizen, clerk, reviewer)

    record = PublishedDecision.objects.get(application=application)
    assert (record.decision, record.state, record.certificate_number) == ("denied", "published", "")


def test_it_records_a_decision_once(permit_type, permit_item, citizen, clerk, reviewer):
    application = _approved(permit_item, citizen, clerk, reviewer)

    again = disclosure.disclosure_record_decision(application=application)

    assert PublishedDecision.objects.filter(application=application).count() == 1
    assert again.decision == "approved"


# --- what the public sees -----------------------------------------------------------------


def test_it_masks_a_person_and_shows_no_id_number_on_the_page_or_in_the_csv(
    client, permit_type, permit_item, citizen, clerk, reviewer
):
    _approved(permit_item, citizen, clerk, reviewer)

    record = PublishedDecision.objects.get()
    assert (record.holder_kind, record.holder_name, record.credit_code) == ("person", "张*", "")
    page = client.get(PAGE).content.decode()
    assert "张*" in page
    assert "张爱丽" not in page
    rows = _csv(client)
    flat = "".join("".join(row) for row in rows)
    assert "张*" in flat and "张爱丽" not in flat
    for secret in (citizen.id_number, citizen.id_number[:6], citizen.id_number[-4:]):
        assert secret not in page
        assert secret not in flat


def test_it_shows_an_enterprise_with_its_name_and_credit_code(
    client, permit_type, permit_item, enterprise, clerk, reviewer
):
    _approved(permit_item, enterprise, clerk, reviewer)

    page = client.get(PAGE).content.decode()
    assert "示例科技有限公司" in page
    assert enterprise.credit_code in page
    record = PublishedDecision.objects.get()
    assert (record.holder_kind, record.credit_code) == ("enterprise", enterprise.credit_code)


def test_it_withholds_the_decisions_of_an_exempt_item(client, permit_type, permit_item, enterprise, clerk, reviewer):
    permit_item.disclosure_exemption = "commercial_secret"
    permit_item.save()
    _approved(permit_item, enterprise, clerk, reviewer)

    record = PublishedDecision.objects.get()
    assert (record.state, record.withheld_reason, record.current_due_at) == ("withheld", "commercial_secret", None)
    assert "示例科技有限公司" not in client.get(PAGE).content.decode()
    assert len(_csv(client)) == 1  # the header only


def test_supervisors_see_a_withheld_decision_marked_with_its_reason(
    client, in_english, permit_type, permit_item, enterprise, clerk, reviewer, supervisor
):
    permit_item.disclosure_exemption = "state_secret"
    permit_item.save()
    _approved(permit_item, enterprise, clerk, reviewer)
    client.force_login(supervisor)

    page = client.get(reverse("admin:approvals_publisheddecision_changelist")).content.decode()

    assert "Withheld (State secret)" in page
    assert "示例科技有限公司" in page


@pytest.mark.parametrize(
    ("who", "status"),
    [("supervisor", 200), ("reviewer", 403), ("clerk", 403), ("print_operator", 403), ("administrator", 403)],
)
def test_only_supervisors_open_the_admin_of_published_decisions(client, request, who, status):
    client.force_login(request.getfixturevalue(who))

    response = client.get(reverse("admin:approvals_publisheddecision_changelist"))

    assert response.status_code == status


def test_the_admin_of_published_decisions_is_read_only(client, supervisor, construction_department, permit_item):
    record = _records(1, construction_department, permit_item)[0]
    client.force_login(supervisor)

    assert client.get(reverse("admin:approvals_publisheddecision_add")).status_code == 403
    response = client.post(reverse("admin:approvals_publisheddecision_delete", args=[record.pk]), {"post": "yes"})
    assert response.status_code == 403
    assert PublishedDecision.objects.filter(pk=record.pk).exists()


# --- certificate changes ------------------------------------------------------------------


def test_a_revoked_certificate_shows_as_revoked(
    client, in_english, permit_type, permit_item, enterprise, clerk, reviewer
):
    application = _approved(permit_item, enterprise, clerk, reviewer)
    certificate = Certificate.objects.get(source_application=application)

    license_services.certificate_revoke(certificate_id=certificate.pk, actor=reviewer, reason="以欺骗手段取得")

    origin = PublishedDecision.objects.get(application=application, decision="approved")
    assert origin.certificate_status == "revoked"
    change = PublishedDecision.objects.get(decision="revoked")
    assert (change.state, change.certificate_number, change.credit_code) == (
        "published",
        certificate.number,
        enterprise.credit_code,
    )
    page = client.get(PAGE).content.decode()
    assert "Certificate revoked" in page
    assert ">Revoked<" in page


def test_a_suspension_and_its_end_show_on_the_decision(permit_type, permit_item, citizen, clerk, reviewer):
    application = _approved(permit_item, citizen, clerk, reviewer)
    certificate = Certificate.objects.get(source_application=application)

    license_services.certificate_suspend(certificate_id=certificate.pk, actor=reviewer, reason="整改期间")
    assert PublishedDecision.objects.get(decision="approved").certificate_status == "suspended"
    assert PublishedDecision.objects.filter(decision="suspended", holder_name="张*").count() == 1

    license_services.certificate_reinstate(certificate_id=certificate.pk, actor=reviewer)
    assert PublishedDecision.objects.get(decision="approved").certificate_status == "valid"
    assert PublishedDecision.objects.count() == 2


def test_an_expired_certificate_is_published(permit_type, permit_item, citizen, clerk, reviewer):
    application = _approved(permit_item, citizen, clerk, reviewer)
    certificate = Certificate.objects.get(source_application=application)
    Certificate.objects.filter(pk=certificate.pk).update(valid_until=timezone.localdate() - timedelta(days=1))

    assert license_services.certificate_expire(certificate_id=certificate.pk, today=timezone.localdate())

    assert PublishedDecision.objects.get(decision="approved").certificate_status == "expired"
    assert PublishedDecision.objects.get(decision="expired").state == "published"


def test_a_corrected_certificate_moves_the_decision_to_the_new_number(
    permit_type, permit_item, citizen, clerk, reviewer
):
    application = _approved(permit_item, citizen, clerk, reviewer)
    old = Certificate.objects.get(source_application=application)

    new = license_services.certificate_correct(
        certificate_id=old.pk, actor=reviewer, holder_name="张爱莉", reason="姓名录入错误"
    )

    record = PublishedDecision.objects.get(decision="approved")
    assert (record.certificate_id, record.certificate_number, record.certificate_status) == (
        new.pk,
        new.number,
        "valid",
    )


# --- search ---------------------------------------------------------------------------------


@pytest.fixture
def two_decisions(permit_type, permit_item, market_department, citizen, enterprise, clerk, reviewer, other_reviewer):
    """An enterprise's approval in construction (with a certificate) and a person's denial in market regulation."""
    from approvals.tests import factories as approval_factories  # noqa: PLC0415 - a fixture's own builder

    market_item = approval_factories.item(market_department, code="SJJ-XK-0001", name="食品经营许可")
    first = _approved(permit_item, enterprise, clerk, reviewer)
    second = _denied(market_item, citizen, clerk, other_reviewer)
    PublishedDecision.objects.filter(application=first).update(decided_at=timezone.now() - timedelta(days=40))
    return first, second


def _holders(client, **query) -> set[str]:
    response = client.get(PAGE, query)
    assert response.status_code == 200
    return {record.holder_name for record in response.context["page"].rows}


def test_it_searches_by_each_field(client, two_decisions, enterprise, market_department):
    first, _second = two_decisions
    number = Certificate.objects.get(source_application=first).number
    company, person = "示例科技有限公司", "张*"
    old_day = (timezone.localdate() - timedelta(days=40)).isoformat()
    today = timezone.localdate().isoformat()

    assert _holders(client) == {company, person}
    assert _holders(client, name="示例") == {company}
    assert _holders(client, name="张") == {person}
    assert _holders(client, credit_code=enterprise.credit_code.lower()) == {company}
    assert _holders(client, certificate_number=number) == {company}
    assert _holders(client, certificate_number="ZJJ02-1999-000001") == set()
    assert _holders(client, item="食品") == {person}
    assert _holders(client, item=first.item.code) == {company}
    assert _holders(client, department=market_department.pk) == {person}
    assert _holders(client, date_from=today) == {person}
    assert _holders(client, date_to=old_day) == {company}
    assert _holders(client, date_from=old_day, date_to=old_day) == {company}


def test_a_period_ending_before_it_starts_is_refused(client, in_english, two_decisions):
    response = client.get(PAGE, {"date_from": "2026-05-02", "date_to": "2026-05-01"})

    assert response.status_code == 200
    assert "The end of the period is before its start." in response.content.decode()


def test_the_csv_exports_the_published_rows_matching_the_search(client, in_english, two_decisions, enterprise):
    first, _second = two_decisions
    certificate = Certificate.objects.get(source_application=first)

    rows = _csv(client, credit_code=enterprise.credit_code)

    assert rows[0] == [
        "Decided",
        "Decision",
        "Item code",
        "Item",
        "Department",
        "Holder kind",
        "Holder",
        "Unified social credit code",
        "Certificate number",
        "Valid from",
        "Valid until",
        "Certificate status",
        "Published",
    ]
    assert len(rows) == 2
    row = rows[1]
    assert row[1:9] == [
        "Approved",
        first.item.code,
        first.item.name,
        first.department.name,
        "Enterprise",
        "示例科技有限公司",
        enterprise.credit_code,
        certificate.number,
    ]
    assert row[9] == certificate.valid_from.isoformat()
    assert row[11] == "Valid"
    assert len(_csv(client)) == 3


def test_the_csv_writes_a_formula_as_text(client, construction_department, permit_item):
    _records(1, construction_department, permit_item)
    PublishedDecision.objects.update(holder_name="=HYPERLINK(1)")

    assert _csv(client)[1][6] == "'=HYPERLINK(1)"


# --- pages without counting ------------------------------------------------------------------


def _page_queries(client) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(PAGE).status_code == 200
    return [q["sql"] for q in captured.captured_queries]


def test_the_page_runs_as_many_queries_for_1_row_as_for_30(client, construction_department, permit_item):
    _records(1, construction_department, permit_item)
    one = len(_page_queries(client))
    _records(29, construction_department, permit_item)

    assert len(_page_queries(client)) == one


def test_the_listing_never_counts_the_table(client, construction_department, permit_item):
    _records(30, construction_department, permit_item)

    queries = _page_queries(client)
    with CaptureQueriesContext(connection) as captured:
        client.get(PAGE, {"after": client.get(PAGE).context["page"].next_cursor})

    assert not [sql for sql in queries + [q["sql"] for q in captured.captured_queries] if "COUNT(" in sql.upper()]


def test_next_pages_follow_each_other_without_gaps_or_repeats(client, construction_department, permit_item):
    records = _records(45, construction_department, permit_item)
    # Three decisions at the same instant: the cursor breaks the tie by id.
    PublishedDecision.objects.filter(pk__in=[r.pk for r in records[18:21]]).update(decided_at=records[18].decided_at)
    seen, after = [], ""
    while True:
        page = client.get(PAGE, {"after": after} if after else {}).context["page"]
        seen += [record.pk for record in page.rows]
        if not page.next_cursor:
            break
        after = page.next_cursor

    assert sorted(seen) == sorted(r.pk for r in records)
    assert len(seen) == len(set(seen))


def test_a_mangled_cursor_shows_the_first_page(client, construction_department, permit_item):
    _records(3, construction_department, permit_item)

    assert len(client.get(PAGE, {"after": "x_y"}).context["page"].rows) == 3


def test_the_footer_links_to_the_disclosure(client):
    assert f'href="{PAGE}"' in client.get(reverse("home")).content.decode()


# --- the publication clock -------------------------------------------------------------------


@pytest.fixture
def pending(permit_item, enterprise, clerk, reviewer):
    """A denial of an enterprise whose credit code is missing: it cannot be published."""
    application = license_factories.in_review(permit_item, enterprise, clerk, reviewer)
    Application.objects.filter(pk=application.pk).update(applicant_id_number="")
    _denied_now = services.application_deny(application_id=application.pk, actor=reviewer, reason="不符合法定条件")
    return PublishedDecision.objects.get(application=_denied_now)


def test_a_record_with_incomplete_holder_data_waits_with_its_clock_running(pending):
    assert pending.state == "pending"
    assert pending.problem
    assert pending.current_due_at == pending.publish_due_at
    assert pending.due_level == "normal"


@pytest.mark.parametrize("sweeps", [1, 10])
def test_the_clock_alerts_once_when_publication_is_overdue(pending, supervisor, sweeps):
    late = pending.publish_due_at + timedelta(minutes=1)
    for _ in range(sweeps):
        sweep.run(now=late)

    assert ClockAlert.objects.filter(clock="disclosure", object_id=pending.pk).count() == 1
    # The supervisors read it in their daily digest (oversight), not as one notification per alert.
    assert not Notification.objects.filter(user=supervisor, kind="disclosure_overdue").exists()
    pending.refresh_from_db()
    assert pending.due_level == "overdue"


def test_the_clock_raises_no_due_soon_alert(pending, supervisor):
    sweep.run(now=pending.publish_due_at - timedelta(hours=2))

    assert not ClockAlert.objects.filter(clock="disclosure").exists()


def test_the_retry_publishes_once_the_data_is_complete_and_stops_the_clock(pending, supervisor):
    code = portal_factories.credit_code()
    Application.objects.filter(pk=pending.application_id).update(applicant_id_number=code)

    assert disclosure.disclosure_publish_pending() == 1

    pending.refresh_from_db()
    assert (pending.state, pending.credit_code, pending.current_due_at) == ("published", code, None)
    sweep.run(now=pending.publish_due_at + timedelta(days=1))
    assert not ClockAlert.objects.filter(clock="disclosure").exists()
