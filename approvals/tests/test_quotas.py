"""Per-account limits of the public filing views: open drafts and stored bytes, before the body is read."""

import io
import os
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http.multipartparser import MultiPartParser
from django.test import Client
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.urls import reverse
from PIL import Image

from approvals import quotas, services
from approvals.models import Application, MaterialFile
from approvals.tests import factories
from portal import errors

pytestmark = pytest.mark.django_db


_form = factories.apply_form


def _noise_png(side: int = 600) -> SimpleUploadedFile:
    """Return a valid PNG of about side * side * 3 bytes (noise does not compress)."""
    buffer = io.BytesIO()
    Image.frombytes("RGB", (side, side), os.urandom(side * side * 3)).save(buffer, format="PNG")
    return SimpleUploadedFile("big.png", buffer.getvalue(), content_type="image/png")


def _apply_url(item):
    return f"{reverse('approvals:apply', args=[item.code])}?t={uuid.uuid4()}"


# Open drafts


def test_one_citizen_cannot_open_more_drafts_than_the_limit(client, citizen, permit_item, settings):
    # The seen defect: 25 drafts with uploads in 14 s.
    settings.UPLOAD_MAX_OPEN_DRAFTS = 10
    client.force_login(citizen)
    material = permit_item.materials.first()
    for _ in range(25):
        client.post(_apply_url(permit_item), {**_form(), f"material_{material.pk}": factories.upload()})
    assert Application.objects.filter(applicant=citizen).count() == 10
    assert MaterialFile.objects.count() == 10


def test_the_draft_limit_redisplays_the_form_with_what_was_typed(client, citizen, permit_item, settings):
    settings.UPLOAD_MAX_OPEN_DRAFTS = 1
    services.application_start(item=permit_item, applicant=citizen)
    client.force_login(citizen)
    material = permit_item.materials.first()
    response = client.post(
        _apply_url(permit_item),
        {**_form(f_parcel_no="330102009999GB00042"), f"material_{material.pk}": factories.upload()},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "330102009999GB00042" in page  # nothing typed is lost
    assert quotas.drafts_limit_message() in [str(m) for m in response.context["messages"]]
    assert Application.objects.filter(applicant=citizen).count() == 1
    assert not MaterialFile.objects.exists()


def test_the_draft_limit_message_names_the_limit(settings):
    settings.UPLOAD_MAX_OPEN_DRAFTS = 10
    assert "10" in quotas.drafts_limit_message()


def test_an_existing_draft_is_still_saved_at_the_draft_limit(client, citizen, permit_item, settings):
    settings.UPLOAD_MAX_OPEN_DRAFTS = 1
    draft = services.application_start(item=permit_item, applicant=citizen)
    client.force_login(citizen)
    response = client.post(
        reverse("approvals:application_edit", args=[draft.reference]), _form(f_parcel_no="330102001001GB00077")
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.form_data["parcel_no"] == "330102001001GB00077"


def test_withdrawn_and_submitted_applications_do_not_count_as_open_drafts(citizen, permit_item, settings):
    settings.UPLOAD_MAX_OPEN_DRAFTS = 1
    factories.submitted(permit_item, citizen)
    first = services.application_start(item=permit_item, applicant=citizen)
    services.application_withdraw(application_id=first.pk, actor=citizen)
    services.application_start(item=permit_item, applicant=citizen)
    with pytest.raises(errors.QuotaExceeded):
        services.application_start(item=permit_item, applicant=citizen)


def test_walk_in_filing_by_a_clerk_is_not_limited(clerk, citizen, permit_item, settings):
    settings.UPLOAD_MAX_OPEN_DRAFTS = 1
    settings.UPLOAD_MAX_BYTES_PER_ACCOUNT = 1
    services.application_start(item=permit_item, applicant=citizen)
    walk_in = services.application_start_walk_in(
        clerk=clerk,
        item=permit_item,
        kind=citizen.kind,
        id_number=citizen.id_number,
        name=citizen.real_name,
        contact_name="",
        mobile=citizen.mobile,
    )
    assert walk_in.applicant == citizen
    services.application_add_file(
        application=walk_in, material=permit_item.materials.first(), uploaded=factories.upload(), actor=clerk
    )
    assert walk_in.files.count() == 1
    assert quotas.stored_bytes(citizen) == 0  # the clerk's upload is not the citizen's


# Stored bytes


def test_an_upload_past_the_accounts_bytes_is_refused_by_the_service(citizen, permit_item, settings):
    content = factories.pdf_bytes()
    settings.UPLOAD_MAX_BYTES_PER_ACCOUNT = len(content) * 2 - 1
    draft = services.application_start(item=permit_item, applicant=citizen)
    material = permit_item.materials.first()
    services.application_add_file(
        application=draft, material=material, uploaded=factories.upload(content=content), actor=citizen
    )
    with pytest.raises(ValidationError) as info:
        services.application_add_file(
            application=draft, material=material, uploaded=factories.upload(content=content), actor=citizen
        )
    assert info.value.code == "quota"
    assert draft.files.count() == 1


def test_files_of_concluded_applications_do_not_count(citizen, permit_item, settings):
    application = factories.submitted(permit_item, citizen)
    used = quotas.stored_bytes(citizen)
    assert used == sum(application.files.values_list("size", flat=True))
    services.application_withdraw(application_id=application.pk, actor=citizen)
    assert quotas.stored_bytes(citizen) == 0


def test_withdrawing_drafts_over_and_over_leaves_no_files_and_the_quota_holds(
    citizen, permit_item, settings, django_capture_on_commit_callbacks
):
    # The seen defect: fill the quota, withdraw the draft, and the quota was free again with the files on disk.
    content = factories.pdf_bytes()
    settings.UPLOAD_MAX_BYTES_PER_ACCOUNT = len(content) * 2
    material = permit_item.materials.first()
    stored = []
    for _ in range(3):
        draft = services.application_start(item=permit_item, applicant=citizen)
        for _ in range(2):
            record = services.application_add_file(
                application=draft, material=material, uploaded=factories.upload(content=content), actor=citizen
            )
            stored.append(record.file.name)
        with pytest.raises(ValidationError):  # the quota is full
            services.application_add_file(
                application=draft, material=material, uploaded=factories.upload(content=content), actor=citizen
            )
        with django_capture_on_commit_callbacks(execute=True):
            services.application_withdraw(application_id=draft.pk, actor=citizen)
        assert not draft.files.exists()
        assert quotas.stored_bytes(citizen) == 0
    assert not MaterialFile.objects.exists()
    assert not any(default_storage.exists(name) for name in stored)


def test_the_files_of_a_withdrawn_draft_stay_until_the_withdrawal_commits(
    citizen, permit_item, django_capture_on_commit_callbacks
):
    draft = services.application_start(item=permit_item, applicant=citizen)
    record = services.application_add_file(
        application=draft, material=permit_item.materials.first(), uploaded=factories.upload(), actor=citizen
    )
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.application_withdraw(application_id=draft.pk, actor=citizen)
    assert callbacks  # a rollback must not leave rows without their files
    assert default_storage.exists(record.file.name)


def test_a_submitted_then_withdrawn_application_keeps_its_files(
    citizen, permit_item, django_capture_on_commit_callbacks
):
    application = factories.submitted(permit_item, citizen)
    names = [record.file.name for record in application.files.all()]
    assert names
    with django_capture_on_commit_callbacks(execute=True):
        services.application_withdraw(application_id=application.pk, actor=citizen)
    application.refresh_from_db()
    assert application.state == "withdrawn"
    assert sorted(application.files.values_list("file", flat=True)) == sorted(names)
    assert all(default_storage.exists(name) for name in names)


def test_a_body_larger_than_what_is_left_is_not_stored_and_the_typed_values_are_kept(
    client, citizen, permit_item, settings
):
    settings.UPLOAD_MAX_BYTES_PER_ACCOUNT = 400 * 1024
    draft = services.application_start(item=permit_item, applicant=citizen)
    client.force_login(citizen)
    material = permit_item.materials.first()
    response = client.post(
        reverse("approvals:application_edit", args=[draft.reference]),
        {**_form(f_parcel_no="330102001001GB00099", action="submit"), f"material_{material.pk}": _noise_png()},
    )
    assert response.status_code == 400
    assert response.context["file_errors"] == [quotas.bytes_limit_message(names=["big.png"], remaining=400 * 1024)]
    assert not draft.files.exists()
    draft.refresh_from_db()
    assert draft.state == "draft"
    assert draft.form_data["parcel_no"] == "330102001001GB00099"  # saved, and shown again
    assert "330102001001GB00099" in response.content.decode()


def test_the_limit_holds_with_csrf_checks_on(citizen, permit_item, settings):
    """The middleware must not read the body before the view sets the limit (that would be a 500)."""
    settings.UPLOAD_MAX_BYTES_PER_ACCOUNT = 400 * 1024
    draft = services.application_start(item=permit_item, applicant=citizen)
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(citizen)
    url = reverse("approvals:application_edit", args=[draft.reference])
    browser.get(url)
    token = browser.cookies["csrftoken"].value
    material = permit_item.materials.first()
    response = browser.post(url, {**_form(), "csrfmiddlewaretoken": token, f"material_{material.pk}": _noise_png()})
    assert response.status_code == 400
    assert "big.png" in response.context["file_errors"][0]
    assert not draft.files.exists()
    # And the form is still protected: without the token it is refused.
    assert browser.post(url, _form()).status_code == 403


def test_a_body_within_what_is_left_is_stored(client, citizen, permit_item, settings):
    settings.UPLOAD_MAX_BYTES_PER_ACCOUNT = 400 * 1024
    draft = services.application_start(item=permit_item, applicant=citizen)
    client.force_login(citizen)
    material = permit_item.materials.first()
    response = client.post(
        reverse("approvals:application_edit", args=[draft.reference]),
        {**_form(), f"material_{material.pk}": factories.upload()},
    )
    assert response.status_code == 302
    assert draft.files.count() == 1


def _parse(body: bytes, handler, content_length):
    meta = {"CONTENT_TYPE": MULTIPART_CONTENT, "CONTENT_LENGTH": content_length}
    return MultiPartParser(meta, io.BytesIO(body), [handler]).parse()


def _body():
    first = SimpleUploadedFile("first.pdf", b"A" * 3000, content_type="application/pdf")
    second = SimpleUploadedFile("second.pdf", b"B" * 3000, content_type="application/pdf")
    # A typed field after the files: it must still be read when a file is dropped.
    return encode_multipart(BOUNDARY, {"material_1": first, "material_2": second, "z_note": "保留"})


def test_the_handler_drops_the_file_that_passes_what_is_left_as_it_streams_in():
    # The announced length is within the form's overhead: the bytes are counted as they come.
    body = _body()
    handler = quotas.QuotaUploadHandler(remaining=4000)
    handler.chunk_size = 1024
    post, files = _parse(body, handler, len(body))
    assert list(files) == ["material_1"]
    assert files["material_1"].read() == b"A" * 3000
    assert post["z_note"] == "保留"
    assert handler.dropped == ["second.pdf"]


def test_the_handler_drops_every_file_when_the_announced_length_passes_what_is_left():
    body = _body()
    handler = quotas.QuotaUploadHandler(remaining=100)
    post, files = _parse(body, handler, len(body) + quotas.FORM_OVERHEAD_BYTES)
    assert not files
    assert post["z_note"] == "保留"
    assert handler.dropped == ["first.pdf", "second.pdf"]
