"""Applying online: draft, uploads checked by content, completeness, submission, references."""

import hashlib
import io
import re
import struct
import threading
import uuid
import zlib

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import translation

from approvals import services
from approvals.forms import ApplicationForm, WalkInForm
from approvals.models import Application, MaterialFile, State
from approvals.tests import factories
from portal import errors
from portal.tests import factories as portal_factories

pytestmark = pytest.mark.django_db


def _form(item, **extra):
    return factories.apply_form(**extra)


def _files(item, **named):
    return {f"material_{m.pk}": named.get(m.name, factories.upload()) for m in item.materials.all()}


def test_the_form_is_prefilled_from_the_account(client, citizen, permit_item):
    client.force_login(citizen)
    content = client.get(reverse("approvals:apply", args=[permit_item.code]), follow=True).content.decode()
    assert citizen.real_name in content
    assert citizen.masked_id_number in content
    assert citizen.id_number not in content
    assert 'value="13812345678"' in content  # contact phone, editable
    assert "宗地编号" in content and "建筑面积（平方米）" in content


def test_an_enterprise_applies_with_its_name_and_credit_code(client, enterprise, permit_item):
    client.force_login(enterprise)
    client.post(reverse("approvals:apply", args=[permit_item.code]), {**_form(permit_item), **_files(permit_item)})
    application = Application.objects.get()
    assert application.applicant_name == enterprise.organization_name
    assert application.applicant_id_number == enterprise.credit_code
    assert application.contact_name == "张爱丽"


def test_it_saves_a_draft_and_submits_it_later(client, citizen, permit_item):
    client.force_login(citizen)
    response = client.post(
        reverse("approvals:apply", args=[permit_item.code]), {**_form(permit_item), **_files(permit_item)}
    )
    draft = Application.objects.get()
    assert draft.state == State.DRAFT
    assert response["Location"] == reverse("approvals:application_edit", args=[draft.reference])
    assert draft.files.count() == 2
    assert draft.form_data == {
        "parcel_no": "330102001001GB00001",
        "floor_area": "1200.5",
        "start_date": "",
        "structure": "",
    }
    # Later, from the personal centre.
    assert reverse("approvals:application_detail", args=[draft.reference]) in client.get(reverse("me")).content.decode()
    response = client.post(
        reverse("approvals:application_edit", args=[draft.reference]), _form(permit_item, action="submit")
    )
    application = Application.objects.get()
    assert application.state == State.SUBMITTED
    assert response["Location"] == reverse("approvals:application_detail", args=[application.reference])
    assert application.submitted_at is not None


def test_submission_lists_everything_missing_at_once_and_keeps_the_draft(client, citizen, permit_item):
    client.force_login(citizen)
    data = _form(permit_item, action="submit", f_parcel_no="", f_floor_area="", delivery_address="")
    response = client.post(reverse("approvals:apply", args=[permit_item.code]), data)
    assert response.status_code == 400
    missing = response.context["missing"]
    assert len(missing) == 5  # two materials, two fields, the address
    content = response.content.decode()
    for text in ("材料1", "材料2", "宗地编号", "建筑面积（平方米）", "收件地址"):
        assert text in content
    assert Application.objects.get().state == State.DRAFT


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
    assert list(response.context["form"].errors) == ["f_floor_area"]
    assert response.context["form"]["f_floor_area"].value() == "abc"  # what was typed is shown again
    assert response.context["missing"] == [
        "材料“材料1”：尚未上传文件。",
        "材料“材料2”：尚未上传文件。",
        "“宗地编号”：尚未填写。",
        "“建筑面积（平方米）”：尚未填写。",
        "收件人：快递寄送需要填写。",
        "收件人电话：快递寄送需要填写。",
        "收件地址：快递寄送需要填写。",
    ]
    assert Application.objects.get().state == State.DRAFT


def test_a_form_with_errors_keeps_everything_typed_and_uploaded(client, citizen, permit_item):
    client.force_login(citizen)
    data = _form(permit_item, f_floor_area="一千二", contact_phone="12345")
    response = client.post(reverse("approvals:apply", args=[permit_item.code]), {**data, **_files(permit_item)})
    assert response.status_code == 400
    content = response.content.decode()
    assert 'value="一千二"' in content
    assert 'value="12345"' in content
    assert 'value="330102001001GB00001"' in content
    draft = Application.objects.get()
    assert draft.files.count() == 2  # the uploads survived the errors
    assert draft.form_data["parcel_no"] == "330102001001GB00001"


def test_a_file_named_pdf_that_is_not_a_pdf_is_refused_by_content(client, citizen, permit_item):
    client.force_login(citizen)
    first, second = permit_item.materials.all()
    fake = factories.upload("施工许可申请表.pdf", b"MZ\x90\x00 this is really an executable" * 20)
    files = {f"material_{first.pk}": fake, f"material_{second.pk}": factories.upload()}
    response = client.post(reverse("approvals:apply", args=[permit_item.code]), {**_form(permit_item), **files})
    assert response.status_code == 400
    content = response.content.decode()
    assert "施工许可申请表.pdf" in content
    assert "按文件内容识别" in content
    draft = Application.objects.get()
    assert list(draft.files.values_list("material_id", flat=True)) == [second.pk]


def test_a_png_is_refused_where_only_pdf_is_accepted(citizen, permit_item):
    material = permit_item.materials.first()
    material.formats = "pdf"
    material.save()
    draft = services.application_start(item=permit_item, applicant=citizen)
    with pytest.raises(ValidationError) as info:
        services.application_add_file(
            application=draft,
            material=material,
            uploaded=factories.upload("扫描件.pdf", factories.image_bytes("PNG"), "application/pdf"),
            actor=citizen,
        )
    assert "PNG" in info.value.messages[0]


def test_a_damaged_pdf_is_refused(citizen, permit_item):
    draft = services.application_start(item=permit_item, applicant=citizen)
    with pytest.raises(ValidationError):
        services.application_add_file(
            application=draft,
            material=permit_item.materials.first(),
            uploaded=factories.upload("坏.pdf", b"%PDF-1.7\n garbage without any object"),
            actor=citizen,
        )


def test_a_file_above_the_material_limit_is_refused_with_the_sizes(citizen, permit_item, settings):
    material = permit_item.materials.first()
    material.max_size_mb = 1
    material.save()
    draft = services.application_start(item=permit_item, applicant=citizen)
    big = factories.pdf_bytes() + b"%" * (1024 * 1024 + 10)
    with pytest.raises(ValidationError) as info:
        services.application_add_file(
            application=draft, material=material, uploaded=factories.upload("大.pdf", big), actor=citizen
        )
    assert "1.0" in info.value.messages[0]


def test_an_image_claiming_huge_dimensions_is_refused_not_a_500(citizen, permit_item):
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
    assert "图片像素过大" in info.value.messages[0]
    assert not draft.files.exists()


def test_the_number_of_files_per_material_is_capped(citizen, permit_item, settings):
    settings.UPLOAD_MAX_FILES_PER_MATERIAL = 2
    draft = services.application_start(item=permit_item, applicant=citizen)
    material = permit_item.materials.first()
    for _ in range(2):
        services.application_add_file(application=draft, material=material, uploaded=factories.upload(), actor=citizen)
    with pytest.raises(ValidationError):
        services.application_add_file(application=draft, material=material, uploaded=factories.upload(), actor=citizen)
    assert draft.files.filter(material=material).count() == 2


def test_jpeg_and_png_are_accepted_and_recorded_with_hash_and_size(citizen, permit_item):
    draft = services.application_start(item=permit_item, applicant=citizen)
    content = factories.image_bytes("JPEG")
    record = services.application_add_file(
        application=draft,
        material=permit_item.materials.first(),
        uploaded=factories.upload("照片.png", content, "image/png"),
        actor=citizen,
    )
    assert record.content_type == "image/jpeg"  # from the content, not the name
    assert record.size == len(content)
    assert record.sha256 == hashlib.sha256(content).hexdigest()
    assert "照片" not in record.file.name
    assert record.file.name.startswith("materials/")


def test_a_double_click_on_the_first_save_makes_one_draft(client, citizen, permit_item):
    client.force_login(citizen)
    data = _form(permit_item)
    client.post(reverse("approvals:apply", args=[permit_item.code]), data)
    client.post(reverse("approvals:apply", args=[permit_item.code]), data)
    assert Application.objects.count() == 1


def test_another_accounts_form_token_starts_a_fresh_draft(citizen, other_citizen, permit_item):
    token = uuid.uuid4()
    first = services.application_start(item=permit_item, applicant=citizen, form_token=token)
    second = services.application_start(item=permit_item, applicant=other_citizen, form_token=token)
    assert second.pk != first.pk
    assert second.applicant == other_citizen
    assert Application.objects.get(pk=first.pk).applicant == citizen


def test_a_second_submit_says_already_submitted(client, citizen, permit_item):
    client.force_login(citizen)
    draft = factories.complete_draft(permit_item, citizen)
    url = reverse("approvals:application_edit", args=[draft.reference])
    client.post(url, _form(permit_item, action="submit"))
    application = Application.objects.get()
    with translation.override("en"):
        response = client.post(url, _form(permit_item, action="submit"), follow=True)
    assert response.status_code == 200
    assert response.redirect_chain == [(application.get_absolute_url(), 302)]
    assert f"该申请已提交，办件编号为 {application.reference}" in _messages(response)
    assert Application.objects.get().state == State.SUBMITTED


def _messages(response) -> str:
    return " ".join(str(m) for m in response.context["messages"])


def _apply_url(client, item) -> str:
    """Open the apply page as a browser does; return its address, which carries the form token."""
    response = client.get(reverse("approvals:apply", args=[item.code]))
    assert response.status_code == 302
    return response["Location"]


def _submission(item, token) -> dict:
    return {**_form(item, action="submit", form_token=token), **_files(item)}


def test_the_apply_page_carries_its_form_token_in_the_address_and_is_never_cached(client, citizen, permit_item):
    client.force_login(citizen)
    url = _apply_url(client, permit_item)
    token = url.split("?t=")[1]
    response = client.get(url)
    assert response.status_code == 200
    assert str(response.context["form_token"]) == token
    assert f'name="form_token" value="{token}"' in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert _apply_url(client, permit_item) != url  # every visit from the guide is a new form


def test_the_same_form_sent_twice_lands_on_the_existing_application(client, citizen, permit_item):
    client.force_login(citizen)
    url = _apply_url(client, permit_item)
    token = url.split("?t=")[1]
    first = client.post(url, _submission(permit_item, token))
    application = Application.objects.get()
    assert application.state == State.SUBMITTED
    assert first["Location"] == application.get_absolute_url()
    with translation.override("en"):
        second = client.post(url, _submission(permit_item, token))
        messages = [str(m) for m in get_messages(second.wsgi_request)]
    assert second.status_code == 302
    assert second["Location"] == application.get_absolute_url()
    assert not second["Location"].count("DRAFT-")
    assert any(f"该申请已提交，办件编号为 {application.reference}" in m for m in messages)
    assert Application.objects.count() == 1
    assert application.files.count() == 2  # the second post attached nothing
    assert client.get(second["Location"]).status_code == 200


def test_back_to_the_form_after_submitting_lands_on_the_existing_application(client, citizen, permit_item):
    client.force_login(citizen)
    url = _apply_url(client, permit_item)
    client.post(url, _submission(permit_item, url.split("?t=")[1]))
    application = Application.objects.get()
    # Back: the browser asks for the form's address again (the page is never cached).
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == application.get_absolute_url()
    assert Application.objects.count() == 1


def test_back_to_the_form_after_saving_a_draft_continues_that_draft(client, citizen, permit_item):
    client.force_login(citizen)
    url = _apply_url(client, permit_item)
    client.post(url, {**_form(permit_item, form_token=url.split("?t=")[1]), **_files(permit_item)})
    draft = Application.objects.get()
    response = client.get(url)
    assert response["Location"] == reverse("approvals:application_edit", args=[draft.reference])
    # The page restored from the browser's cache, submitted: the same draft is submitted, once.
    response = client.post(url, _form(permit_item, action="submit", form_token=url.split("?t=")[1]))
    application = Application.objects.get()
    assert application.pk == draft.pk and application.state == State.SUBMITTED
    assert response["Location"] == application.get_absolute_url()


def test_a_form_token_in_the_address_without_the_hidden_field_still_finds_the_application(client, citizen, permit_item):
    client.force_login(citizen)
    url = _apply_url(client, permit_item)
    client.post(url, _submission(permit_item, url.split("?t=")[1]))
    data = _submission(permit_item, "")
    del data["form_token"]
    response = client.post(url, data)
    assert Application.objects.count() == 1
    assert response["Location"] == Application.objects.get().get_absolute_url()


def test_another_accounts_form_address_opens_a_fresh_form(client, citizen, other_citizen, permit_item):
    client.force_login(citizen)
    url = _apply_url(client, permit_item)
    client.post(url, _submission(permit_item, url.split("?t=")[1]))
    client.force_login(other_citizen)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("approvals:apply", args=[permit_item.code]) + "?t=")
    assert response["Location"] != url


def test_a_resubmitted_correction_sent_again_lands_on_the_application(client, citizen, clerk, permit_item):
    application = factories.submitted(permit_item, citizen)
    services.application_request_correction(
        application_id=application.pk,
        actor=clerk,
        items=[(permit_item.materials.first(), "", "不清晰")],
    )
    client.force_login(citizen)
    url = reverse("approvals:application_edit", args=[application.reference])
    client.post(url, _form(permit_item, action="submit"))
    response = client.post(url, _form(permit_item, action="submit"))
    application.refresh_from_db()
    assert application.state == State.SUBMITTED
    assert response["Location"] == application.get_absolute_url()
    assert application.correction_notices.count() == 1


def test_a_draft_of_an_item_taken_offline_cannot_be_submitted(citizen, permit_item):
    draft = factories.complete_draft(permit_item, citizen)
    permit_item.offline_reason = "涉及国家秘密"
    permit_item.online_depth = 1
    permit_item.save()
    with pytest.raises(errors.ActionRefused):
        services.application_submit(application_id=draft.pk, actor=citizen)
    draft.refresh_from_db()
    assert draft.state == State.DRAFT


def test_the_reference_is_readable_and_sequential_per_item_and_day(citizen, other_citizen, permit_item):
    first = factories.submitted(permit_item, citizen)
    second = factories.submitted(permit_item, other_citizen)
    assert re.fullmatch(r"ZJJ-XK-0002-\d{8}-0001", first.reference)
    assert second.reference.endswith("-0002")


def test_level_4_defaults_to_courier_and_level_3_is_pickup(citizen, construction_department):
    level4 = factories.item(construction_department, depth=4)
    level3 = factories.item(construction_department, depth=3)
    assert services.application_start(item=level4, applicant=citizen).delivery_method == "courier"
    draft = services.application_start(item=level3, applicant=citizen)
    assert draft.delivery_method == "pickup"
    services.application_update(
        application=draft, actor=citizen, data=services.DraftData(form_data={}, delivery_method="courier")
    )
    draft.refresh_from_db()
    assert draft.delivery_method == "pickup"


def test_pickup_needs_no_address(citizen, permit_item):
    draft = factories.complete_draft(permit_item, citizen)
    services.application_update(
        application=draft,
        actor=citizen,
        data=services.DraftData(
            form_data=draft.form_data, contact_name="张", contact_phone="13812345678", delivery_method="pickup"
        ),
    )
    assert services.application_missing(Application.objects.get()) == []


def test_help_text_from_the_catalogue_is_escaped(client, citizen, construction_department):
    fields = [{"key": "x", "label": "说明", "type": "text", "required": False, "help": "<script>alert(1)</script>"}]
    item = factories.item(construction_department, fields=fields)
    client.force_login(citizen)
    content = client.get(reverse("approvals:apply", args=[item.code]), follow=True).content.decode()
    assert "<script>alert(1)</script>" not in content
    assert "&lt;script&gt;" in content


def test_staff_cannot_apply_online(client, clerk, permit_item):
    client.force_login(clerk)
    response = client.get(reverse("approvals:apply", args=[permit_item.code]))
    assert response.status_code == 302
    with pytest.raises(errors.ActionRefused):
        services.application_start(item=permit_item, applicant=clerk)


def test_the_state_field_cannot_be_set_directly(citizen, permit_item):
    draft = services.application_start(item=permit_item, applicant=citizen)
    with pytest.raises(AttributeError):
        draft.state = State.APPROVED


def test_a_file_is_removed_from_a_draft(client, citizen, permit_item):
    client.force_login(citizen)
    draft = factories.complete_draft(permit_item, citizen)
    record = draft.files.first()
    client.post(reverse("approvals:material_delete", args=[draft.reference, record.pk]))
    assert not MaterialFile.objects.filter(pk=record.pk).exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_simultaneous_submissions_never_share_a_reference(requires_postgresql, permit_item):
    applicants = [portal_factories.citizen(f"c{i}", "并发") for i in range(8)]
    drafts = [factories.complete_draft(permit_item, a) for a in applicants]
    barrier = threading.Barrier(len(drafts))
    errors = []

    def submit(draft):
        try:
            barrier.wait()
            services.application_submit(application_id=draft.pk, actor=draft.applicant)
        except Exception as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=(d,)) for d in drafts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    references = sorted(Application.objects.values_list("reference", flat=True))
    assert len(set(references)) == 8
    assert [r[-4:] for r in references] == [f"{n:04d}" for n in range(1, 9)]


def test_an_old_draft_address_finds_the_submitted_application(client, citizen, permit_item):
    client.force_login(citizen)
    url = _apply_url(client, permit_item)
    client.post(url, {**_form(permit_item, form_token=url.split("?t=")[1]), **_files(permit_item)})
    draft_reference = Application.objects.get().reference
    assert draft_reference.startswith("DRAFT-")
    edit_url = reverse("approvals:application_edit", args=[draft_reference])
    client.post(edit_url, _form(permit_item, action="submit"))
    application = Application.objects.get()
    assert application.reference != draft_reference
    # Back to the edit form of the draft, and submit it again.
    response = client.post(edit_url, _form(permit_item, action="submit"))
    assert response["Location"] == application.get_absolute_url()
    response = client.get(reverse("approvals:application_detail", args=[draft_reference]))
    assert response["Location"] == application.get_absolute_url()
    assert Application.objects.count() == 1


def test_an_old_draft_address_of_another_account_is_not_found(client, citizen, other_citizen, permit_item):
    client.force_login(citizen)
    url = _apply_url(client, permit_item)
    client.post(url, _form(permit_item, form_token=url.split("?t=")[1]))
    draft_reference = Application.objects.get().reference
    client.force_login(other_citizen)
    assert client.get(reverse("approvals:application_detail", args=[draft_reference])).status_code == 404
    assert client.get(reverse("approvals:application_detail", args=["DRAFT-<script>"])).status_code == 404


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_posts_of_one_form_at_once_make_one_application(requires_postgresql, permit_item, citizen):
    url = f"{reverse('approvals:apply', args=[permit_item.code])}?t={uuid.uuid4()}"
    token = url.split("?t=")[1]
    browsers = [Client(), Client()]
    for browser in browsers:
        browser.force_login(citizen)
    barrier = threading.Barrier(len(browsers))
    responses = [None] * len(browsers)

    def send(index):
        data = _submission(permit_item, token)  # each request its own uploads
        try:
            barrier.wait()
            responses[index] = browsers[index].post(url, data)
        except Exception as exc:  # asserted below
            responses[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(i,)) for i in range(len(browsers))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    application = Application.objects.get()
    assert application.state == State.SUBMITTED
    assert not application.reference.startswith("DRAFT-")
    for response in responses:
        assert not isinstance(response, Exception), response
        assert response.status_code == 302
        assert response["Location"] == application.get_absolute_url()
    assert application.files.count() == 2  # the request that waited attached nothing
    assert browsers[0].get(application.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("field", ["contact_name", "delivery_name", "agent_name"])
@pytest.mark.parametrize("value", ["<script>alert(1)</script>", "张三3", "张" * 51])
def test_names_on_the_apply_form_must_be_names(client, citizen, permit_item, field, value):
    client.force_login(citizen)
    url = _apply_url(client, permit_item)
    response = client.post(url, _form(permit_item, **{field: value, "form_token": url.split("?t=")[1]}))
    assert response.status_code == 400
    assert list(response.context["form"].errors) == [field]
    assert len(response.context["form"].errors[field]) == 1
    assert getattr(Application.objects.get(), field) != value


def test_the_apply_form_accepts_a_transliterated_agent_name(client, citizen, permit_item):
    client.force_login(citizen)
    url = _apply_url(client, permit_item)
    client.post(url, _form(permit_item, agent_name="阿卜杜勒・买买提", form_token=url.split("?t=")[1]))
    assert Application.objects.get().agent_name == "阿卜杜勒·买买提"


def test_the_apply_form_speaks_plainly_about_a_bad_number(permit_item):
    with translation.override("en"):
        form = ApplicationForm({"f_floor_area": "abc", "contact_name": "张" * 60}, item=permit_item)
        form.is_valid()
        assert form.errors["f_floor_area"] == ["建筑面积（平方米）: please enter a number, e.g. 1200.5."]
        assert form.errors["contact_name"] == ["Contact person: at most 50 characters; you entered 60."]


@pytest.mark.parametrize(
    ("kind", "name", "valid"),
    [
        ("citizen", "阿卜杜勒·买买提", True),
        ("citizen", "John Smith", True),
        ("citizen", "华夏建设工程有限公司（杭州）", False),
        ("citizen", "张" * 51, False),
        ("citizen", "<b>张三</b>", False),
        ("enterprise", "华夏建设工程有限公司（杭州）", True),
        ("enterprise", "<b>华夏</b>", False),
    ],
)
def test_the_walk_in_form_checks_the_name_by_the_kind_of_applicant(permit_item, kind, name, valid):
    id_number = portal_factories.id_number() if kind == "citizen" else portal_factories.credit_code()
    data = {"item": permit_item.pk, "applicant_kind": kind, "id_number": id_number, "name": name}
    form = WalkInForm({**data, "mobile": "13812345678"})
    assert form.is_valid() is valid, form.errors
    if not valid:
        assert list(form.errors) == ["name"]
