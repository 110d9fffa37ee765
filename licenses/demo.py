"""Load the demo certificate types (licenses/demo_types.py) for ``manage.py seed_demo``."""

from django.db import transaction

from approvals.models import ServiceItem
from portal.models import Department

from .demo_types import COMMON_FIELDS, EXTRA_FIELDS, TYPES
from .models import CertificateType, ItemCertificate


@transaction.atomic
def load_demo_certificate_types(*, stdout=None) -> int:
    """Create or update the 72 types and link them to the items that produce them."""
    departments = {d.code: d for d in Department.objects.all()}
    counts: dict[str, int] = {}
    for department_code, name, years, item_names in TYPES:
        counts[department_code] = counts.get(department_code, 0) + 1
        certificate_type, _ = CertificateType.objects.update_or_create(
            name=name,
            defaults={
                "code": f"{department_code}-{counts[department_code]:02d}",
                "department": departments[department_code],
                "validity_years": years,
                "number_prefix": f"{department_code.upper()}{counts[department_code]:02d}",
                "printed_fields": COMMON_FIELDS + EXTRA_FIELDS.get(name, []),
            },
        )
        for item in ServiceItem.objects.filter(name__in=item_names):
            ItemCertificate.objects.update_or_create(item=item, defaults={"certificate_type": certificate_type})
    if stdout is not None:
        stdout.write(f"Certificates: {len(TYPES)} certificate types in {len(set(counts))} departments.")
    return len(TYPES)
