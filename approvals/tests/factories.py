"""Builders for catalogue items, applications and upload files in tests."""

import io
import itertools
import uuid

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from reportlab.pdfgen import canvas

from approvals import services
from approvals.models import ServiceItem, ServiceMaterial
from portal.tests import factories as portal_factories

_sequence = itertools.count(1)

CONSTRUCTION_FIELDS = [
    {"key": "parcel_no", "label": "宗地编号", "type": "text", "required": True, "help": ""},
    {"key": "floor_area", "label": "建筑面积（平方米）", "type": "number", "required": True, "help": ""},
    {"key": "start_date", "label": "计划开工日期", "type": "date", "required": False, "help": ""},
    {
        "key": "structure",
        "label": "结构类型",
        "type": "choice",
        "required": False,
        "help": "",
        "choices": ["框架结构", "钢结构"],
    },
]


def item(department=None, *, code=None, depth=4, materials=2, fields=None, **extra) -> ServiceItem:
    """Return a saved item with `materials` required materials."""
    department = department or portal_factories.department()
    n = next(_sequence)
    defaults = {
        "name": f"建筑工程施工许可证核发{n}",
        "kind": ServiceItem.Kind.PERMIT,
        "statutory_days": 15,
        "promised_days": 3,
        "online_depth": depth,
        "extra_fields": CONSTRUCTION_FIELDS if fields is None else fields,
    }
    defaults.update(extra)
    created = ServiceItem.objects.create(code=code or f"ZJJ-XK-{n:04d}", department=department, **defaults)
    for i in range(materials):
        ServiceMaterial.objects.create(
            item=created, name=f"材料{i + 1}", required=True, formats="pdf,jpg,png", sort_order=i
        )
    return created


def pdf_bytes(text: str = "OneWindow test") -> bytes:
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer)
    pdf.drawString(72, 720, text)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def image_bytes(fmt: str = "PNG") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), (200, 30, 30)).save(buffer, format=fmt)
    return buffer.getvalue()


def upload(name: str = "申请表.pdf", content: bytes | None = None, content_type: str = "application/pdf"):
    return SimpleUploadedFile(name, pdf_bytes() if content is None else content, content_type=content_type)


def apply_form(**extra) -> dict:
    """Return the POST data of the apply form for the permit item of the tests, with changes."""
    return {
        "form_token": str(uuid.uuid4()),
        "contact_name": "张爱丽",
        "contact_phone": "13812345678",
        "f_parcel_no": "330102001001GB00001",
        "f_floor_area": "1200.5",
        "delivery_method": "courier",
        "delivery_name": "张爱丽",
        "delivery_phone": "13812345678",
        "delivery_address": "东城区人民路1号",
        "action": "save",
        **extra,
    }


def complete_draft(item_, applicant):
    """Return a draft of item_ with every field filled in and every required material uploaded."""
    draft = services.application_start(item=item_, applicant=applicant)
    services.application_update(
        application=draft,
        actor=applicant,
        data=services.DraftData(
            form_data={"parcel_no": "330102001001GB00001", "floor_area": "1200.50"},
            contact_name=applicant.real_name or "联系人",
            contact_phone="13812345678",
            delivery_method="courier",
            delivery_name="收件人",
            delivery_phone="13812345678",
            delivery_address="东城区人民路1号",
        ),
    )
    for material in item_.materials.filter(required=True):
        services.application_add_file(application=draft, material=material, uploaded=upload(), actor=applicant)
    draft.refresh_from_db()
    return draft


def submitted(item_, applicant):
    draft = complete_draft(item_, applicant)
    return services.application_submit(application_id=draft.pk, actor=applicant)
