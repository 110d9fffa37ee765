"""The admin as clerks and reviewers use it: queues, actions, scoping, walk-ins (batches: test_batch.py)."""

import re

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_fsm_log.models import StateLog

from approvals import selectors, services
from approvals.models import Application, State
from approvals.tests import factories
from portal import personal_data, roles
from portal.clock import calendar as workdays
from portal.models import User
from portal.personal_data import exact_q
from portal.tests import factories as portal_factories

pytestmark = pytest.mark.django_db

LIST = "admin:approvals_application_changelist"


def _act(application, action):
    return reverse("admin:approvals_application_act", args=[application.pk, action])


@pytest.fixture
def submitted(permit_item, citizen):
    return factories.submitted(permit_item, citizen)


@pytest.fixture
def in_review(submitted, clerk, reviewer):
    services.application_accept(application_id=submitted.pk, actor=clerk)
    services.application_claim(application_id=submitted.pk, actor=reviewer)
    return submitted


def test_the_clerk_sees_submitted_applications_oldest_first_with_days_waited(client, clerk, permit_item, citizen):
    first = factories.submitted(permit_item, citizen)
    second = factories.submitted(permit_item, citizen)
    client.force_login(clerk)
    response = client.get(reverse(LIST), {"state": "submitted"})
    rows = list(response.context["cl"].result_list)
    assert rows == [first, second]
    assert "等待工作日" in response.content.decode()


def test_the_clerk_accepts_through_the_admin(client, clerk, submitted):
    client.force_login(clerk)
    page = client.get(reverse("admin:approvals_application_change", args=[submitted.pk])).content.decode()
    assert _act(submitted, "accept") in page
    assert _act(submitted, "claim") not in page
    client.post(_act(submitted, "accept"))
    submitted.refresh_from_db()
    assert submitted.state == State.ACCEPTED


def test_a_second_click_says_already_handled(client, clerk, submitted):
    client.force_login(clerk)
    client.post(_act(submitted, "accept"))
    response = client.post(_act(submitted, "accept"), follow=True)
    assert response.status_code == 200
    assert "该办件已经办理，或此步骤不由您办理" in response.content.decode()

    assert StateLog.objects.filter(object_id=submitted.pk, transition="accept").count() == 1


def test_the_correction_notice_lists_materials_and_fields_with_reasons(client, clerk, submitted):
    client.force_login(clerk)
    material = submitted.item.materials.first()
    data = {
        "form-TOTAL_FORMS": 3,
        "form-INITIAL_FORMS": 0,
        "form-0-target": f"m:{material.pk}",
        "form-0-reason": "扫描件不清晰",
        "form-1-target": "f:floor_area",
        "form-1-reason": "与规划许可证不一致",
        "form-2-target": "",
        "form-2-reason": "",
    }
    client.post(_act(submitted, "request_correction"), data)
    submitted.refresh_from_db()
    assert submitted.state == State.NEEDS_CORRECTION
    notice = submitted.correction_notices.get()
    assert [(i.material_id, i.field_key) for i in notice.items.all()] == [(material.pk, ""), (None, "floor_area")]


def test_the_correction_form_groups_materials_and_fields_without_english_prefixes(client, clerk, submitted):
    client.force_login(clerk)
    content = client.get(_act(submitted, "request_correction")).content.decode()
    material = submitted.item.materials.first()
    assert '<optgroup label="申请材料">' in content  # "Materials", already translated
    assert "<optgroup label=" in content.split('<optgroup label="申请材料">', 1)[1]  # the fields' group follows
    assert f'<option value="m:{material.pk}">{material.name}</option>' in content
    assert '<option value="f:parcel_no">宗地编号</option>' in content
    assert "Material:" not in content and "Field:" not in content
    assert '<textarea name="form-0-reason"' in content


def test_an_empty_correction_notice_is_refused_and_keeps_the_page(client, clerk, submitted):
    client.force_login(clerk)
    response = client.post(
        _act(submitted, "request_correction"),
        {"form-TOTAL_FORMS": 1, "form-INITIAL_FORMS": 0, "form-0-target": "", "form-0-reason": ""},
    )
    assert response.status_code == 200
    assert "至少" in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.state == State.SUBMITTED


def test_the_reviewer_suspends_resumes_extends_and_approves(client, reviewer, in_review):
    client.force_login(reviewer)
    client.post(_act(in_review, "suspend"), {"kind": "expert_review", "reason": "组织专家论证", "expected_days": 5})
    in_review.refresh_from_db()
    assert in_review.state == State.SUSPENDED
    client.post(_act(in_review, "resume"))
    client.post(_act(in_review, "approve"))
    in_review.refresh_from_db()
    assert in_review.state == State.APPROVED


def test_a_denial_needs_reasons(client, reviewer, in_review):
    client.force_login(reviewer)
    response = client.post(_act(in_review, "deny"), {"reason": ""})
    assert response.status_code == 200
    in_review.refresh_from_db()
    assert in_review.state == State.IN_REVIEW
    client.post(_act(in_review, "deny"), {"reason": "不符合法定条件"})
    in_review.refresh_from_db()
    assert in_review.state == State.DENIED


class TestAnotherDepartmentsReviewer:
    """The reviewer of another department never sees the application anywhere."""

    def test_not_in_the_list_search_filter_or_count(self, client, other_reviewer, in_review):
        client.force_login(other_reviewer)
        for params in ({}, {"q": in_review.reference}, {"state": "in_review"}, {"q": in_review.applicant_name}):
            response = client.get(reverse(LIST), params)
            assert response.status_code == 200
            assert response.context["cl"].result_count == 0
            # The list no longer counts the whole table for display; its unfiltered rows are still scoped.
            assert not response.context["cl"].root_queryset.exists()
            assert reverse("admin:approvals_application_change", args=[in_review.pk]) not in response.content.decode()

    @pytest.mark.parametrize("what", ["change", "act", "material"])
    def test_every_url_is_404(self, client, other_reviewer, in_review, what):
        client.force_login(other_reviewer)
        url = {
            "change": reverse("admin:approvals_application_change", args=[in_review.pk]),
            "act": _act(in_review, "approve"),
            "material": reverse(
                "admin:approvals_application_material", args=[in_review.pk, in_review.files.first().pk]
            ),
        }[what]
        assert client.get(url).status_code == 404
        assert client.post(url).status_code == 404
        in_review.refresh_from_db()
        assert in_review.state == State.IN_REVIEW

    def test_the_batch_action_skips_it(self, client, other_reviewer, in_review):
        client.force_login(other_reviewer)
        client.post(reverse(LIST), {"action": "batch_approve", "_selected_action": [in_review.pk], "confirmed": "yes"})
        in_review.refresh_from_db()
        assert in_review.state == State.IN_REVIEW


def test_the_reviewer_sees_only_their_departments_applications(client, reviewer, other_reviewer, in_review):
    client.force_login(reviewer)
    assert list(client.get(reverse(LIST)).context["cl"].result_list) == [in_review]


def test_staff_open_materials_through_the_checked_view(client, reviewer, in_review):
    client.force_login(reviewer)
    record = in_review.files.first()
    response = client.get(reverse("admin:approvals_application_material", args=[in_review.pk, record.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"


def test_the_print_operator_cannot_open_applications(client, print_operator, in_review):
    client.force_login(print_operator)
    assert client.get(reverse(LIST)).status_code == 403
    assert client.get(reverse("admin:approvals_application_change", args=[in_review.pk])).status_code == 403


def test_the_log_shows_actors_and_roles_and_cannot_be_edited(client, supervisor, in_review, reviewer):
    client.force_login(supervisor)
    page = client.get(reverse("admin:approvals_application_change", args=[in_review.pk])).content.decode()
    assert reviewer.real_name in page
    assert "审批人员" in page

    assert StateLog not in admin.site._registry  # no admin page can change or delete the log


def _rows_queries(client, user, params):
    client.get(reverse(LIST), params)  # warm the calendar
    with CaptureQueriesContext(connection) as context:
        response = client.get(reverse(LIST), params)
    assert response.status_code == 200
    return len(context.captured_queries), len(response.context["cl"].result_list)


@pytest.mark.parametrize("actor", ["clerk", "reviewer"])
def test_the_lists_have_a_fixed_number_of_queries(client, request, permit_item, citizen, clerk, reviewer, actor):
    def make(n):
        for _ in range(n):
            application = factories.submitted(permit_item, citizen)
            if actor == "reviewer":
                services.application_accept(application_id=application.pk, actor=clerk)

    user = request.getfixturevalue(actor)
    client.force_login(user)
    make(10)
    few, rows = _rows_queries(client, user, {})
    assert rows == 10
    make(90)
    many, rows = _rows_queries(client, user, {})
    assert rows == 50  # one page
    assert many == few


def test_the_list_reads_the_calendars_version_once_for_its_rows(client, monkeypatch, permit_item, citizen, clerk):
    for _ in range(10):
        factories.submitted(permit_item, citizen)
    client.force_login(clerk)
    reads = []
    read = workdays._current_version
    monkeypatch.setattr(workdays, "_current_version", lambda: reads.append(1) or read())
    response = client.get(reverse(LIST))
    assert len(response.context["cl"].result_list) == 10
    assert "waited" in response.context["cl"].list_display
    assert len(reads) == 1


def test_the_clerks_list_counts_its_rows_once_and_never_the_whole_table(client, permit_item, citizen, clerk):
    for _ in range(3):
        factories.submitted(permit_item, citizen)
    client.force_login(clerk)
    client.get(reverse(LIST))  # warm the calendar
    with CaptureQueriesContext(connection) as context:
        response = client.get(reverse(LIST))
    assert response.context["cl"].result_count == 3
    counts = [query["sql"] for query in context.captured_queries if "COUNT(" in query["sql"].upper()]
    assert len(counts) == 1
    assert "LIMIT 1001" in counts[0]


def test_the_lists_cells_escape_what_applicants_typed(client, permit_item, citizen, clerk):
    application = factories.submitted(permit_item, citizen)
    Application.objects.filter(pk=application.pk).update(applicant_name='<b>"张三"</b>')
    client.force_login(clerk)
    page = client.get(reverse(LIST)).content.decode()
    assert 'title="&lt;b&gt;&quot;张三&quot;&lt;/b&gt;">&lt;b&gt;&quot;张三&quot;&lt;/b&gt;</span>' in page
    assert '<b>"张三"</b>' not in page


def test_the_lists_action_checkbox_is_djangos(submitted):
    model_admin = admin.site._registry[Application]
    assert model_admin.action_checkbox(submitted) == admin.ModelAdmin.action_checkbox(model_admin, submitted)


def test_the_list_reads_no_encrypted_identifier(client, permit_item, citizen, clerk, monkeypatch):
    factories.submitted(permit_item, citizen)
    client.force_login(clerk)
    client.get(reverse(LIST))  # warm the calendar
    decrypted = []
    decrypt = personal_data.decrypt
    monkeypatch.setattr(personal_data, "decrypt", lambda value: decrypted.append(value) or decrypt(value))
    response = client.get(reverse(LIST))
    assert len(response.context["cl"].result_list) == 1
    assert [value for value in decrypted if value] == []


def test_a_walk_in_application_is_filed_for_a_new_visitor(client, clerk, construction_department):
    item = factories.item(construction_department, depth=1, materials=1)
    client.force_login(clerk)
    number = portal_factories.id_number()
    response = client.post(
        reverse("admin:approvals_application_walk_in"),
        {"item": item.pk, "applicant_kind": "citizen", "id_number": number, "name": "赵来访", "mobile": "13700001111"},
    )
    application = Application.objects.get()
    assert response["Location"] == reverse("admin:approvals_application_fill", args=[application.pk])
    visitor = User.objects.get(exact_q("id_number", number))
    assert not visitor.has_usable_password()
    fill = reverse("admin:approvals_application_fill", args=[application.pk])
    material = item.materials.get()
    client.post(
        fill,
        {
            "f_parcel_no": "P-1",
            "f_floor_area": "80",
            "contact_name": "赵来访",
            "contact_phone": "13700001111",
            f"material_{material.pk}": factories.upload(),
            "action": "submit",
        },
    )
    application.refresh_from_db()
    assert application.state == State.SUBMITTED
    assert application.channel == Application.Channel.WINDOW
    assert application.created_by == clerk


def test_a_walk_in_visitor_who_registers_later_finds_the_application(
    client, clerk, construction_department, sms_outbox
):
    item = factories.item(construction_department, depth=1, materials=0, fields=[])
    number = portal_factories.id_number()
    application = services.application_start_walk_in(
        clerk=clerk, item=item, kind="citizen", id_number=number, name="钱来访", contact_name="", mobile="13700002222"
    )
    application = services.application_submit(application_id=application.pk, actor=clerk)
    client.post(
        reverse("register_citizen"),
        {
            "username": "qianlf",
            "real_name": "钱来访",
            "id_number": number,
            "mobile": "13700002222",
            "email": "q@example.com",
            "password1": "a-Long-passphrase-42",
            "password2": "a-Long-passphrase-42",
        },
    )
    [message] = sms_outbox  # the code, to the mobile the clerk recorded
    assert message.mobile == "13700002222"
    client.post(reverse("register_verify"), {"code": re.search(r"\d{6}", message.text).group()})
    user = User.objects.get(exact_q("id_number", number))
    assert user.username == "qianlf" and user.has_usable_password()
    assert application.reference in client.get(reverse("me")).content.decode()


def test_a_walk_in_account_is_not_taken_over_with_a_wrong_name(client, clerk, construction_department):
    item = factories.item(construction_department, depth=1, materials=0, fields=[])
    number = portal_factories.id_number()
    services.application_start_walk_in(
        clerk=clerk, item=item, kind="citizen", id_number=number, name="孙来访", contact_name="", mobile="13700003333"
    )
    response = client.post(
        reverse("register_citizen"),
        {
            "username": "thief",
            "real_name": "冒名者",
            "id_number": number,
            "mobile": "13900000000",
            "email": "t@example.com",
            "password1": "a-Long-passphrase-42",
            "password2": "a-Long-passphrase-42",
        },
    )
    assert response["Location"] == reverse("register_verify")  # the same page as for a right name
    assert not User.objects.filter(username="thief").exists()
    assert not User.objects.get(exact_q("id_number", number)).has_usable_password()


def test_full_id_and_phone_only_for_the_clerk(client, clerk, reviewer, in_review, citizen):
    url = reverse("admin:approvals_application_change", args=[in_review.pk])
    client.force_login(reviewer)
    page = client.get(url).content.decode()
    assert citizen.id_number not in page and in_review.contact_phone not in page
    assert in_review.masked_id_number in page
    client.force_login(clerk)
    page = client.get(url).content.decode()
    assert citizen.id_number in page and in_review.contact_phone in page


def test_the_log_keeps_the_role_held_at_the_time(clerk, submitted):

    services.application_accept(application_id=submitted.pk, actor=clerk)
    clerk.groups.set([Group.objects.get(name=roles.SUPERVISOR)])  # the clerk changes job afterwards
    rows = selectors.staff_log(submitted)
    assert [(r["transition"], r["role"]) for r in rows] == [("submit", "申请人"), ("accept", "窗口人员")]
