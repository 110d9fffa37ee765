"""Load the demo certificate types (licenses/demo_data/demo_certificate_types.json) for ``manage.py seed_demo``."""

import json
from datetime import date, datetime, time
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from approvals.models import ServiceItem, ServiceMaterial
from portal.clock import deadlines
from portal.models import Department, User

from .models import Certificate, CertificateType, ItemCertificate, MaterialCertificate, PrintJob
from .services.certificates import certificate_correct
from .services.printing import (
    print_batch_create,
    print_batch_run,
    print_job_collect,
    print_job_deliver,
    print_job_dispatch,
    print_job_ready,
)

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


# What becomes of the demo applications' certificates at the printing centre, by delivery:
# (state, share of the jobs). The rest stay queued.
PRINT_PLAN = {
    "courier": [("printed", 0.15), ("dispatched", 0.2), ("delivered", 0.25)],
    "pickup": [("printed", 0.2), ("ready", 0.2), ("collected", 0.2)],
}
OLDEST_QUEUED = 3
PRINT_BATCH_SIZE = 40  # below the size at which a batch starts a helper process for QR codes


def _backdate_certificates() -> None:
    """Date each demo certificate and its print deadline from its application's (backdated) decision.

    Demo data only: the approvals demo loader moved the decisions into the past after the
    services stamped them "now"; the certificates issued with them follow.
    """
    certificates = Certificate.objects.filter(source_application__decided_at__isnull=False).select_related(
        "source_application"
    )
    for certificate in certificates:
        decided_at = certificate.source_application.decided_at
        if certificate.issued_at == decided_at:
            continue
        shift = timezone.localdate(certificate.issued_at) - timezone.localdate(decided_at)
        Certificate.objects.filter(pk=certificate.pk).update(
            issued_at=decided_at,
            valid_from=certificate.valid_from - shift,
            valid_until=certificate.valid_until - shift if certificate.valid_until else None,
        )
        PrintJob.objects.filter(certificate=certificate).update(
            due_at=deadlines.end_of_day(deadlines.certificate_deadline(timezone.localdate(decided_at))),
            created_at=decided_at,
        )


def _demo_correction(jobs, targets) -> None:
    """Correct one certificate still at the centre: its print job is cancelled and the new version queued."""
    reviewer = User.objects.filter(username="reviewer_zjj").first()
    if reviewer is None:
        return
    for job in jobs:
        if job.pk not in targets and job.certificate.department_id == reviewer.department_id:
            certificate_correct(
                certificate_id=job.certificate_id,
                actor=reviewer,
                holder_name=job.certificate.holder_name,
                reason="持证人身份信息经户籍核对后更正，重新核发。",
            )
            return


@transaction.atomic
def load_demo_print_work(*, stdout=None) -> int:
    """Move the demo certificates through the printing centre once; return how many jobs moved now.

    Runs after the approvals demo loader: it prints batches, sends by courier, delivers, puts at
    the counter and hands over, each through the printing services as the ``printer`` account.
    """
    printer = User.objects.filter(username="printer").first()
    if printer is None or PrintJob.objects.exclude(state=PrintJob.State.QUEUED).exists():
        return 0
    _backdate_certificates()
    jobs = list(
        PrintJob.objects.filter(certificate__source_application__isnull=False)
        .select_related("certificate")
        .order_by("due_at", "pk")
    )
    targets: dict[int, str] = {}
    for delivery, shares in PRINT_PLAN.items():
        group = [job for job in jobs if job.delivery_method == delivery]
        # The oldest few stay queued (near or past their deadline), then the oldest are the
        # furthest along, and the newest are still queued.
        start = min(OLDEST_QUEUED, len(group) // 5)
        for state, share in shares:
            count = max(1, round(len(group) * share)) if group else 0
            for job in group[start : start + count]:
                targets[job.pk] = state
            start += count
    to_print = list(targets)
    for first in range(0, len(to_print), PRINT_BATCH_SIZE):
        batch = print_batch_create(actor=printer, job_ids=to_print[first : first + PRINT_BATCH_SIZE])
        print_batch_run(batch_id=batch.pk)
    by_pk = {job.pk: job for job in jobs}
    for n, (pk, state) in enumerate(targets.items(), start=1):
        if state in ("dispatched", "delivered"):
            print_job_dispatch(job_id=pk, actor=printer, courier="EMS", waybill=f"EM{1000000000 + n}CN")
        if state == "delivered":
            print_job_deliver(job_id=pk, actor=printer)
        if state in ("ready", "collected"):
            print_job_ready(job_id=pk, actor=printer)
        if state == "collected":
            holder = by_pk[pk].certificate.holder_id_number
            print_job_collect(job_id=pk, actor=printer, collector_id_number=holder)
    _demo_correction(jobs, targets)
    if stdout is not None:
        stdout.write(f"Printing centre: {len(targets)} of {len(jobs)} demo certificates printed or handed over.")
    return len(targets)
