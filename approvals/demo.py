"""Load the demo catalogue (approvals/demo_data/demo_catalogue.json) for ``manage.py seed_demo``.

The file is plain data, one object per service item with its materials and extra fields, so
it can be reviewed and edited without reading code. Its construction chain (enterprise
qualification → planning → drawings → construction permit → fire acceptance → completion
filing) mirrors the city's one-window reform: the permit is promised in 3 working days
against a statutory 15.
"""

import json
from decimal import Decimal
from pathlib import Path

from django.db import transaction

from portal.models import Department, District

from .models import ServiceItem, ServiceMaterial

HALL = "市民中心政务服务大厅"
HOURS = "工作日 9:00–12:00，13:30–17:00（法定节假日除外）"
CATALOGUE = Path(__file__).with_name("demo_data") / "demo_catalogue.json"


def demo_items() -> list[dict]:
    """Return the demo catalogue's items as stored in the data file."""
    return json.loads(CATALOGUE.read_text(encoding="utf-8"))


@transaction.atomic
def load_demo_catalogue(*, stdout=None) -> int:
    """Create or update every demo item and its materials; return the number of items."""
    items = demo_items()
    departments = {d.code: d for d in Department.objects.all()}
    districts = {d.code: d for d in District.objects.all()}
    window = {code: n for n, code in enumerate(sorted(departments), start=1)}
    for data in items:
        department = departments[data["department"]]
        item, _ = ServiceItem.objects.update_or_create(
            code=data["code"],
            defaults={
                "name": data["name"],
                "department": department,
                "district": districts.get(data["district"]) if data["district"] else None,
                "kind": data["kind"],
                "statutory_days": data["statutory_days"],
                "promised_days": data["promised_days"],
                "extension_days": data["extension_days"],
                "online_depth": data["depth"],
                "offline_reason": data["offline_reason"],
                "fee": Decimal(data["fee"]),
                "legal_basis": data["legal_basis"],
                "conditions": data["conditions"],
                "process": data["process"],
                "place": f"{HALL} {window[department.code]:02d} 号综合窗口",
                "hours": HOURS,
                "phone": department.phone,
                "extra_fields": data["fields"],
                "is_active": True,
            },
        )
        item.full_clean()
        for order, material in enumerate(data["materials"]):
            ServiceMaterial.objects.update_or_create(
                item=item,
                name=material["name"],
                defaults={
                    "required": material["required"],
                    "formats": material["formats"],
                    "max_size_mb": material["max_size_mb"],
                    "explanation": material["explanation"],
                    "sort_order": order,
                },
            )
    if stdout is not None:
        stdout.write(f"Catalogue: {len(items)} service items in {len({d['department'] for d in items})} departments.")
    return len(items)
