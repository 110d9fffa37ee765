"""Load the demo certificate types (licenses/demo_data/demo_certificate_types.json) for ``manage.py seed_demo``."""

import json
from datetime import date, datetime, time
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from approvals.models import ServiceItem, ServiceMaterial
from portal.models import Department, User

from .models import Certificate, CertificateType, ItemCertificate, MaterialCertificate

TYPES_FILE = Path(__file__).with_name("demo_data") / "demo_certificate_types.json"


def demo_certificate_types() -> dict:
    """Return the data file: common and per-type printed fields, and the types themselves."""
    return json.loads(TYPES_FILE.read_text(encoding="utf-8"))


@transaction.atomic
def load_demo_certificate_types(*, stdout=None) -> int:
    """Create or update the 72 types and link them to the items that produce them."""
    data = demo_certificate_types()
    types = data["types"]
    departments = {d.code: d for d in Department.objects.all()}
    counts: dict[str, int] = {}
    for entry in types:
        department_code, name = entry["department"], entry["name"]
        # Codes count the types per department in file order: add a type after its department's last one.
        counts[department_code] = counts.get(department_code, 0) + 1
        certificate_type, _ = CertificateType.objects.update_or_create(
            name=name,
            defaults={
                "code": f"{department_code}-{counts[department_code]:02d}",
                "department": departments[department_code],
                "validity_years": entry["validity_years"],
                "number_prefix": f"{department_code.upper()}{counts[department_code]:02d}",
                "printed_fields": data["common_printed_fields"] + data["extra_printed_fields"].get(name, []),
            },
        )
        for item in ServiceItem.objects.filter(name__in=entry["items"]):
            ItemCertificate.objects.update_or_create(item=item, defaults={"certificate_type": certificate_type})
    linked = link_materials_to_certificates()
    demo_business_licence()
    if stdout is not None:
        stdout.write(
            f"Certificates: {len(types)} certificate types in {len(set(counts))} departments; "
            f"{linked} materials provided by certificates."
        )
    return len(types)


# Materials that the city's own certificates stand in for (证照免提交): material name → type name.
MATERIAL_SOURCES = {
    "营业执照": "营业执照",
    "建设工程规划许可证": "建设工程规划许可证",
    "建设用地规划许可证": "建设用地规划许可证",
    "建设工程用地批准文件": "不动产权证书",
}


def link_materials_to_certificates() -> int:
    """Let the certificates named in MATERIAL_SOURCES stand in for those materials."""
    types = {t.name: t for t in CertificateType.objects.filter(name__in=MATERIAL_SOURCES.values())}
    linked = 0
    for material in ServiceMaterial.objects.filter(name__in=MATERIAL_SOURCES):
        MaterialCertificate.objects.update_or_create(
            material=material, defaults={"certificate_type": types[MATERIAL_SOURCES[material.name]]}
        )
        linked += 1
    return linked


def demo_business_licence() -> None:
    """Give the demo enterprise its business licence, so its materials need no upload."""
    enterprise = User.objects.filter(username="huaxia").first()
    licence_type = CertificateType.objects.filter(name="营业执照").first()
    if enterprise is None or licence_type is None:
        return
    Certificate.objects.get_or_create(
        number=f"YYZZ-{enterprise.credit_code}",
        defaults={
            "certificate_type": licence_type,
            "year": 2021,
            "holder_name": enterprise.organization_name,
            "holder_id_number": enterprise.credit_code,
            "holder": enterprise,
            "department": licence_type.department,
            "data": [["名称", enterprise.organization_name], ["统一社会信用代码", enterprise.credit_code]],
            "issued_at": timezone.make_aware(datetime.combine(date(2021, 6, 1), time(9))),
            "valid_from": date(2021, 6, 1),
        },
    )
