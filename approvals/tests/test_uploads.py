"""Stored uploads: random names with the detected type's extension, safe download names, no world permissions."""

import importlib
import os
import stat

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.urls import reverse

from approvals import services
from approvals.models import Application, MaterialFile
from approvals.tests import factories

pytestmark = pytest.mark.django_db


_form = factories.apply_form


@pytest.fixture
def png_as_html(client, citizen, permit_item):
    """A PNG the citizen uploaded through the apply form under the name page.html."""
    client.force_login(citizen)
    material = permit_item.materials.first()
    upload = factories.upload("page.html", factories.image_bytes("PNG"), "text/html")
    client.post(reverse("approvals:apply", args=[permit_item.code]), {**_form(), f"material_{material.pk}": upload})
    return MaterialFile.objects.get()


def test_a_png_uploaded_as_page_html_is_stored_under_a_random_name_ending_in_png(png_as_html):
    name = os.path.basename(png_as_html.file.name)
    assert png_as_html.content_type == "image/png"
    assert name.endswith(".png")
    assert "page" not in name and ".html" not in name
    assert len(name.removesuffix(".png")) == 32  # a random hex name
    assert default_storage.exists(png_as_html.file.name)


def test_the_original_name_is_kept_as_data_only(png_as_html):
    assert png_as_html.original_name == "page.html"


def test_a_png_uploaded_as_page_html_is_downloaded_as_a_png_named_after_the_material(client, png_as_html):
    url = reverse("approvals:material_download", args=[png_as_html.application.reference, png_as_html.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "page.html" not in disposition and ".html" not in disposition
    # 材料1.png, RFC 5987-encoded for the Chinese name.
    assert "filename*=utf-8''%E6%9D%90%E6%96%991.png" in disposition
    assert b"".join(response.streaming_content) == factories.image_bytes("PNG")


def test_staff_open_a_png_uploaded_as_page_html_as_a_png(client, citizen, clerk, permit_item):
    draft = services.application_start(item=permit_item, applicant=citizen)
    first, second = permit_item.materials.all()
    record = services.application_add_file(
        application=draft,
        material=first,
        uploaded=factories.upload("page.html", factories.image_bytes("PNG"), "text/html"),
        actor=citizen,
    )
    services.application_add_file(application=draft, material=second, uploaded=factories.upload(), actor=citizen)
    services.application_update(
        application=draft,
        actor=citizen,
        data=services.DraftData(
            form_data={"parcel_no": "330102001001GB00001", "floor_area": "1200.50"},
            contact_name="张爱丽",
            contact_phone="13812345678",
            delivery_method="pickup",
        ),
    )
    services.application_submit(application_id=draft.pk, actor=citizen)
    client.force_login(clerk)
    response = client.get(reverse("admin:approvals_application_material", args=[draft.pk, record.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert ".html" not in response["Content-Disposition"]
    assert "%E6%9D%90%E6%96%991.png" in response["Content-Disposition"]


def test_a_file_of_an_unknown_recorded_type_is_served_as_octet_stream_with_no_extension(client, citizen, permit_item):
    draft = services.application_start(item=permit_item, applicant=citizen)
    record = services.application_add_file(
        application=draft, material=permit_item.materials.first(), uploaded=factories.upload(), actor=citizen
    )
    MaterialFile.objects.filter(pk=record.pk).update(content_type="text/html")
    client.force_login(citizen)
    response = client.get(reverse("approvals:material_download", args=[draft.reference, record.pk]))
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].endswith("%E6%9D%90%E6%96%991")


def test_the_original_name_loses_folders_and_direction_overrides(citizen, permit_item):
    draft = services.application_start(item=permit_item, applicant=citizen)
    record = services.application_add_file(
        application=draft,
        material=permit_item.materials.first(),
        uploaded=factories.upload("..\\evil\\photo\u202egpj.pdf", factories.pdf_bytes()),
        actor=citizen,
    )
    assert record.original_name == "photogpj.pdf"


def test_the_original_name_is_shown_escaped(client, citizen, permit_item):
    draft = services.application_start(item=permit_item, applicant=citizen)
    services.application_add_file(
        application=draft,
        material=permit_item.materials.first(),
        uploaded=factories.upload("<img src=x onerror=alert(1)>.pdf", factories.pdf_bytes()),
        actor=citizen,
    )
    client.force_login(citizen)
    page = client.get(reverse("approvals:application_edit", args=[draft.reference])).content.decode()
    assert "<img src=x" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;.pdf" in page


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_a_stored_upload_and_its_folders_have_no_world_permissions(png_as_html, settings):
    path = png_as_html.file.path
    assert _mode(path) & 0o007 == 0
    assert _mode(path) == 0o640
    folder = os.path.dirname(path)
    while os.path.abspath(folder) != os.path.abspath(settings.MEDIA_ROOT):
        assert _mode(folder) & 0o007 == 0, folder
        folder = os.path.dirname(folder)


def test_the_settings_restrict_every_file_the_storage_writes(settings):
    # Print batch PDFs and anything else saved through the storage take these modes too.
    assert settings.FILE_UPLOAD_PERMISSIONS == 0o640
    assert settings.FILE_UPLOAD_DIRECTORY_PERMISSIONS == 0o750
    name = default_storage.save("print-batches/2026/11/print-batch-1.pdf", ContentFile(b"%PDF-1.4"))
    assert _mode(default_storage.path(name)) == 0o640
    assert _mode(os.path.dirname(default_storage.path(name))) == 0o750


def test_the_migration_gives_files_stored_without_an_extension_their_types_extension(
    citizen, permit_item, django_capture_on_commit_callbacks
):
    draft = services.application_start(item=permit_item, applicant=citizen)
    record = services.application_add_file(
        application=draft, material=permit_item.materials.first(), uploaded=factories.upload(), actor=citizen
    )
    # As files were stored before: a random name with no extension, readable by everyone.
    old = record.file.name.removesuffix(".pdf")
    os.rename(record.file.path, default_storage.path(old))
    os.chmod(default_storage.path(old), 0o644)
    MaterialFile.objects.filter(pk=record.pk).update(file=old)
    migration = importlib.import_module("approvals.migrations.0008_stored_file_extensions_and_draft_purge_notice")

    class Editor:
        pass

    editor = Editor()
    editor.connection = connection
    with django_capture_on_commit_callbacks(execute=True):
        migration.add_extensions(apps, editor)
    record.refresh_from_db()
    assert record.file.name == f"{old}.pdf"
    assert record.file.read().startswith(b"%PDF")
    assert not default_storage.exists(old)
    assert _mode(record.file.path) == 0o640
    assert Application.objects.get(pk=draft.pk).files.count() == 1
