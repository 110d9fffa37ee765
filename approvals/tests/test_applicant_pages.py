"""The applicant's pages: personal centre list, one application, correction, withdrawal."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from approvals import services
from approvals.models import Application, State
from approvals.tests import factories
from portal import errors

pytestmark = pytest.mark.django_db


def _queries(client, url):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


def test_the_personal_centre_query_count_does_not_grow(client, citizen, permit_item, settings):
    settings.PERSONAL_CENTRE_HOLD_SECONDS = 0  # the cost of rendering it, every time
    client.force_login(citizen)
    for _ in range(2):
        factories.submitted(permit_item, citizen)
    client.get(reverse("me"))  # warm the per-process working-day calendar
    few = _queries(client, reverse("me"))
    for _ in range(8):
        factories.submitted(permit_item, citizen)
    services.application_start(item=permit_item, applicant=citizen)
    many = _queries(client, reverse("me"))
    # Eleven applications overflow the section's first page of ten: one COUNT more, and no more than that.
    assert many == few + 1


def test_the_personal_centre_shows_state_next_step_and_due_date(client, citizen, permit_item):
    client.force_login(citizen)
    application = factories.submitted(permit_item, citizen)
    content = client.get(reverse("me")).content.decode()
    assert application.reference in content
    assert "已提交，待受理" in content
    assert "窗口正在审核您的材料" in content
    assert "截止" in content


def test_the_detail_shows_the_timeline_without_staff_names(client, citizen, clerk, permit_item):
    client.force_login(citizen)
    application = factories.submitted(permit_item, citizen)
    material = permit_item.materials.first()
    services.application_request_correction(
        application_id=application.pk, actor=clerk, items=[(material, "", "复印件不清晰，请上传原件扫描件")]
    )
    content = client.get(reverse("approvals:application_detail", args=[application.reference])).content.decode()
    assert "窗口人员" in content
    assert clerk.username not in content and clerk.real_name not in content
    assert "复印件不清晰，请上传原件扫描件" in content
    assert "需补正" in content


def test_it_resubmits_against_the_correction_notice(client, citizen, clerk, permit_item):
    client.force_login(citizen)
    application = factories.submitted(permit_item, citizen)
    field_item = (None, "floor_area", "建筑面积与规划许可证不一致")
    notice = services.application_request_correction(application_id=application.pk, actor=clerk, items=[field_item])
    edit = client.get(reverse("approvals:application_edit", args=[application.reference]))
    assert "建筑面积与规划许可证不一致" in edit.content.decode()
    data = {
        "contact_name": "张爱丽",
        "contact_phone": "13812345678",
        "f_parcel_no": "330102001001GB00001",
        "f_floor_area": "1180",
        "delivery_method": "courier",
        "delivery_name": "张爱丽",
        "delivery_phone": "13812345678",
        "delivery_address": "东城区人民路1号",
        "action": "submit",
    }
    client.post(reverse("approvals:application_edit", args=[application.reference]), data)
    application.refresh_from_db()
    notice.refresh_from_db()
    assert application.state == State.SUBMITTED
    assert application.form_data["floor_area"] == "1180"
    assert notice.resolved_at is not None


def test_it_withdraws_after_a_confirmation(client, citizen, permit_item):
    client.force_login(citizen)
    application = factories.submitted(permit_item, citizen)
    url = reverse("approvals:application_withdraw", args=[application.reference])
    confirm = client.get(url)
    assert confirm.status_code == 200
    assert Application.objects.get().state == State.SUBMITTED
    client.post(url, {"reason": "信息填错，重新申请"})
    application.refresh_from_db()
    assert application.state == State.WITHDRAWN
    assert application.withdrawn_at is not None


def _zh(text: str) -> str:
    with translation.override("zh-hans"):
        return translation.gettext(text)


def test_withdrawing_a_draft_warns_of_and_explains_the_deleted_files(client, citizen, permit_item):
    client.force_login(citizen)
    draft = services.application_start(item=permit_item, applicant=citizen)
    services.application_add_file(
        application=draft, material=permit_item.materials.first(), uploaded=factories.upload(), actor=citizen
    )
    confirm = client.get(reverse("approvals:application_withdraw", args=[draft.reference]))
    # Asserted in English, the msgid: the Chinese is added to the catalogue separately.
    assert _zh("The files uploaded to this draft are deleted with it.") in confirm.content.decode()
    services.application_withdraw(application_id=draft.pk, actor=citizen)
    page = client.get(reverse("approvals:application_detail", args=[draft.reference]))
    assert _zh("The files uploaded to this draft were deleted when it was withdrawn.") in page.content.decode()


def test_withdrawing_twice_says_already_withdrawn(client, citizen, permit_item):
    client.force_login(citizen)
    application = factories.submitted(permit_item, citizen)
    url = reverse("approvals:application_withdraw", args=[application.reference])
    client.post(url, {})
    response = client.post(url, {}, follow=True)
    assert response.status_code == 200
    assert "已撤回" in response.content.decode()


def test_a_draft_cannot_be_edited_after_withdrawal(client, citizen, permit_item):
    client.force_login(citizen)
    draft = services.application_start(item=permit_item, applicant=citizen)
    services.application_withdraw(application_id=draft.pk, actor=citizen)
    response = client.get(reverse("approvals:application_edit", args=[draft.reference]))
    assert response.status_code == 302
    with pytest.raises(errors.ActionRefused):
        services.application_add_file(
            application=draft, material=permit_item.materials.first(), uploaded=factories.upload(), actor=citizen
        )


def test_the_applicant_downloads_their_material(client, citizen, permit_item):
    client.force_login(citizen)
    application = factories.submitted(permit_item, citizen)
    record = application.files.first()
    response = client.get(reverse("approvals:material_download", args=[application.reference, record.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_the_applicant_opens_the_acceptance_and_correction_notices(client, citizen, clerk, permit_item):
    application = factories.submitted(permit_item, citizen)
    services.application_request_correction(
        application_id=application.pk, actor=clerk, items=[(None, "parcel_no", "宗地编号与权属证书不符")]
    )
    services.application_submit(application_id=application.pk, actor=citizen)
    services.application_accept(application_id=application.pk, actor=clerk)
    client.force_login(citizen)
    detail = client.get(reverse("approvals:application_detail", args=[application.reference])).content.decode()
    acceptance = reverse("approvals:notice", args=[application.reference, "acceptance"])
    correction = reverse("approvals:correction_notice", args=[application.reference, 1])
    assert acceptance in detail and correction in detail
    assert "受理通知书" in client.get(acceptance).content.decode()
    assert "宗地编号与权属证书不符" in client.get(correction).content.decode()
    assert client.get(reverse("approvals:notice", args=[application.reference, "denial"])).status_code == 404


def test_the_denial_decision_states_reasons_and_remedies(client, citizen, clerk, reviewer, permit_item):
    application = factories.submitted(permit_item, citizen)
    services.application_accept(application_id=application.pk, actor=clerk)
    services.application_claim(application_id=application.pk, actor=reviewer)
    services.application_deny(application_id=application.pk, actor=reviewer, reason="建设用地手续不全")
    client.force_login(citizen)
    content = client.get(reverse("approvals:notice", args=[application.reference, "denial"])).content.decode()
    assert "不予许可决定书" in content
    assert "建设用地手续不全" in content
    assert "行政复议" in content and "行政诉讼" in content


def test_another_citizen_cannot_open_the_notices(client, citizen, other_citizen, clerk, permit_item):
    application = factories.submitted(permit_item, citizen)
    services.application_accept(application_id=application.pk, actor=clerk)
    client.force_login(other_citizen)
    assert client.get(reverse("approvals:notice", args=[application.reference, "acceptance"])).status_code == 404
