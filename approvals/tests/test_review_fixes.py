"""Edge cases found in review: tracking any item code, hostile uploads, stale drafts, escaping."""

import io
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from approvals import services
from approvals.models import Application, ServiceMaterial, State
from approvals.tests import factories
from portal import errors

pytestmark = pytest.mark.django_db


def test_an_item_whose_code_starts_like_a_draft_can_be_tracked(client, citizen, construction_department):
    item = factories.item(construction_department, code="CGJ-XK-0001")
    application = factories.submitted(item, citizen)
    response = client.post(
        reverse("approvals:track"), {"reference": application.reference, "id_tail": citizen.id_number[-6:]}
    )
    assert response.context["application"] == application


def test_an_image_claiming_huge_dimensions_is_refused_not_a_500(citizen, permit_item):
    import struct
    import zlib

    png = bytearray(factories.image_bytes("PNG"))
    # Rewrite the IHDR chunk to claim 60000 x 60000 pixels (and fix its CRC): a tiny file.
    png[16:24] = struct.pack(">II", 60000, 60000)
    png[29:33] = struct.pack(">I", zlib.crc32(bytes(png[12:29])))
    buffer = io.BytesIO(bytes(png))
    draft = services.application_start(item=permit_item, applicant=citizen)
    with pytest.raises(ValidationError) as info:
        services.application_add_file(
            application=draft,
            material=permit_item.materials.first(),
            uploaded=factories.upload("bomb.png", buffer.getvalue(), "image/png"),
            actor=citizen,
        )
    assert "像素" in info.value.messages[0]


def test_a_format_error_on_submit_still_lists_everything_missing(client, citizen, permit_item):
    client.force_login(citizen)
    data = {
        "form_token": str(uuid.uuid4()),
        "f_floor_area": "abc",
        "contact_name": "张",
        "contact_phone": "13812345678",
        "action": "submit",
    }
    response = client.post(reverse("approvals:apply", args=[permit_item.code]), data)
    assert response.status_code == 400
    missing = " ".join(response.context["missing"])
    assert "材料1" in missing and "宗地编号" in missing
    assert 'value="abc"' in response.content.decode()


def test_a_draft_of_an_item_taken_offline_cannot_be_submitted(citizen, permit_item):
    draft = factories.complete_draft(permit_item, citizen)
    permit_item.offline_reason = "涉及国家秘密"
    permit_item.online_depth = 1
    permit_item.save()
    with pytest.raises(errors.ActionRefused):
        services.application_submit(application_id=draft.pk, actor=citizen)
    draft.refresh_from_db()
    assert draft.state == State.DRAFT


def test_another_accounts_form_token_starts_a_fresh_draft(citizen, other_citizen, permit_item):
    token = uuid.uuid4()
    first = services.application_start(item=permit_item, applicant=citizen, form_token=token)
    second = services.application_start(item=permit_item, applicant=other_citizen, form_token=token)
    assert first.pk != second.pk and second.applicant == other_citizen


def test_a_material_cannot_allow_more_than_the_portal_limit(permit_item, settings):
    material = ServiceMaterial(item=permit_item, name="大图纸", formats="pdf", max_size_mb=settings.UPLOAD_MAX_MB + 1)
    with pytest.raises(ValidationError) as info:
        material.full_clean()
    assert "max_size_mb" in info.value.message_dict


def test_the_number_of_files_per_material_is_capped(citizen, permit_item, settings):
    settings.UPLOAD_MAX_FILES_PER_MATERIAL = 2
    draft = services.application_start(item=permit_item, applicant=citizen)
    material = permit_item.materials.first()
    for _ in range(2):
        services.application_add_file(application=draft, material=material, uploaded=factories.upload(), actor=citizen)
    with pytest.raises(ValidationError):
        services.application_add_file(application=draft, material=material, uploaded=factories.upload(), actor=citizen)


def test_help_text_from_the_catalogue_is_escaped(client, citizen, construction_department):
    fields = [{"key": "x", "label": "说明", "type": "text", "required": False, "help": "<script>alert(1)</script>"}]
    item = factories.item(construction_department, fields=fields)
    client.force_login(citizen)
    content = client.get(reverse("approvals:apply", args=[item.code])).content.decode()
    assert "<script>alert(1)</script>" not in content
    assert "&lt;script&gt;" in content


def test_a_bad_filter_does_not_drop_the_search(client, construction_department):
    factories.item(construction_department, name="甲事项")
    factories.item(construction_department, name="乙事项")
    response = client.get(reverse("approvals:catalogue"), {"q": "甲", "depth": "9"})
    assert [i.name for i in response.context["page"]] == ["甲事项"]


def test_emptying_the_schema_in_the_admin_saves_no_fields(client, administrator, permit_item):
    client.force_login(administrator)
    url = reverse("admin:approvals_serviceitem_change", args=[permit_item.pk])
    data = {
        "code": permit_item.code,
        "name": permit_item.name,
        "department": permit_item.department_id,
        "kind": "permit",
        "is_active": "on",
        "statutory_days": 15,
        "promised_days": 3,
        "extension_days": 0,
        "fee": "0",
        "online_depth": 4,
        "extra_fields": "",
        "materials-TOTAL_FORMS": 0,
        "materials-INITIAL_FORMS": 0,
    }
    response = client.post(url, data)
    assert response.status_code == 302
    permit_item.refresh_from_db()
    assert permit_item.extra_fields == []


def test_the_correction_log_entry_is_chinese_whatever_the_clerks_language(citizen, clerk, permit_item):
    from django.utils import translation
    from django_fsm_log.models import StateLog

    application = factories.submitted(permit_item, citizen)
    with translation.override("en"):
        services.application_request_correction(
            application_id=application.pk, actor=clerk, items=[(None, "parcel_no", "有误")]
        )
    log = StateLog.objects.get(object_id=application.pk, transition="request_correction")
    assert log.description == "第 1 次补正告知"
    assert Application.objects.get().state == State.NEEDS_CORRECTION
