"""Import of existing certificates (issued before this portal) from CSV, row by row."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from datetime import date, datetime, time

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal import masking
from portal.models import User
from portal.personal_data import exact_q
from portal.validators import normalize_id_number, validate_credit_code, validate_id_number

from ..models import Certificate, CertificateType
from .qr_codes import qr_codes_store_after_commit

GENERATED_NUMBER = re.compile(r"^[A-Z0-9]+-\d{4}-\d{6}$")
IMPORT_COLUMNS = ["type", "number", "holder_name", "holder_id_number", "issued_on", "valid_from", "valid_until"]


@dataclass
class ImportReport:
    imported: int = 0
    errors: list[tuple[int, str]] = dataclass_field(default_factory=list)


def _import_row(row: dict, types: dict, seen: set) -> Certificate:
    def value(name):
        return (row.get(name) or "").strip()

    certificate_type = types.get(value("type"))
    if certificate_type is None:
        raise ValueError(_("unknown certificate type “%(type)s”") % {"type": value("type")})
    number = value("number")
    if not number:
        raise ValueError(_("the number is empty"))
    if GENERATED_NUMBER.match(number):
        # The portal hands these out itself; an imported one would block its counter.
        raise ValueError(_("the number %(number)s has the form of numbers this portal issues") % {"number": number})
    if number in seen or Certificate.objects.filter(number=number).exists():
        raise ValueError(_("the number %(number)s exists already") % {"number": number})
    if not value("holder_name"):
        raise ValueError(_("the holder name is empty"))
    holder_id = normalize_id_number(value("holder_id_number"))
    try:
        validate_id_number(holder_id)
    except ValidationError:
        try:
            validate_credit_code(holder_id)
        except ValidationError:
            raise ValueError(
                _("“%(id)s” is neither a valid ID number nor a valid credit code") % {"id": holder_id}
            ) from None
    try:
        issued_on = date.fromisoformat(value("issued_on"))
        valid_from = date.fromisoformat(value("valid_from") or value("issued_on"))
        valid_until = date.fromisoformat(value("valid_until")) if value("valid_until") else None
    except ValueError:
        raise ValueError(_("dates must be written YYYY-MM-DD")) from None
    if valid_until and valid_until < valid_from:
        raise ValueError(_("valid_until is before valid_from"))
    holder = User.objects.filter(exact_q("id_number", holder_id) | models.Q(credit_code=holder_id)).first()
    today = timezone.localdate()
    certificate = Certificate(
        number=number,
        certificate_type=certificate_type,
        year=issued_on.year,
        sequence=None,
        holder_name=value("holder_name"),
        holder_id_number=holder_id,
        holder=holder,
        department=certificate_type.department,
        data=[["持证人", value("holder_name")], ["证件号码", masking.mask_id_number(holder_id)]],
        issued_at=timezone.make_aware(datetime.combine(issued_on, time(9))),
        valid_from=valid_from,
        valid_until=valid_until,
        status=Certificate.Status.EXPIRED if valid_until and valid_until < today else Certificate.Status.VALID,
    )
    certificate.save(force_insert=True)
    qr_codes_store_after_commit([certificate])  # as an issued one: encoded once, not at every printing
    seen.add(number)
    return certificate


def certificates_import(lines) -> ImportReport:
    """Import existing certificates from CSV text lines, row by row: good rows are kept, bad ones reported.

    Columns: type (code or name), number, holder_name, holder_id_number, issued_on,
    valid_from, valid_until (YYYY-MM-DD; valid_until empty for a permanent certificate).
    """
    report = ImportReport()
    reader = csv.DictReader(lines)
    missing = set(IMPORT_COLUMNS) - set(reader.fieldnames or [])
    if missing:
        report.errors.append((1, _("missing columns: %(columns)s") % {"columns": ", ".join(sorted(missing))}))
        return report
    types = {}
    for certificate_type in CertificateType.objects.select_related("department"):
        types[certificate_type.code] = types[certificate_type.name] = certificate_type
    seen: set[str] = set()
    for line, row in enumerate(reader, start=2):
        try:
            with transaction.atomic():
                _import_row(row, types, seen)
            report.imported += 1
        except ValueError as error:
            report.errors.append((line, str(error)))
    return report
