"""Reading the certificate database from outside the issuing department.

The public verification of a certificate, the logged search across every department
(集中共享), and the certificates that stand in for an application's materials (证照免提交).
"""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from approvals.material_sources import Provided
from portal.errors import ActionRefused
from portal.personal_data import exact_q

from ..models import Certificate, CertificateAccess, MaterialCertificate, VerificationLog

# The public page's look-up: one statement naming only the columns the page shows (no ORM compiling per scan).
_VERIFY_SQL = (
    "SELECT c.id, c.number, c.status, c.holder_name, c.holder_id_number, c.issued_at, c.valid_from,"
    " c.valid_until, c.token, t.name AS type_name, d.name AS department_name, u.kind AS holder_kind"
    " FROM licenses_certificate c JOIN licenses_certificatetype t ON t.id = c.certificate_type_id"
    " JOIN portal_department d ON d.id = c.department_id LEFT JOIN portal_user u ON u.id = c.holder_id"
    " WHERE c.token = %s"
)
_LOG_SQL = (
    "BEGIN; SET LOCAL synchronous_commit TO OFF;"
    " INSERT INTO licenses_verificationlog (certificate_id, found, address_hash, created_at) VALUES (%s, %s, %s, %s);"
    " COMMIT"
)


def certificate_for_verification(token: str) -> Certificate | None:
    """Return the certificate with this verification token, with only what the public page shows, or None.

    Besides its own columns the row carries ``type_name``, ``department_name`` and ``holder_kind``
    (the holder account's kind, None without an account): one query, no joined objects.
    """
    return next(iter(Certificate.objects.raw(_VERIFY_SQL, [token])), None)


def verification_record(*, certificate: Certificate | None, address: str) -> None:
    """Log one public verification with a keyed hash of the address (the address itself is not kept).

    On PostgreSQL outside any transaction the log row is written in one round trip: the transaction,
    its asynchronous commit and the insert go to the server as one message.
    """
    digest = hmac.new(settings.SECRET_KEY.encode(), address.encode(), hashlib.sha256).hexdigest()
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        with connection.cursor() as cursor:
            # A lost log row after a crash is acceptable; waiting for the disk on every public scan is not.
            cursor.execute(
                _LOG_SQL,
                [certificate.pk if certificate else None, certificate is not None, digest, timezone.now()],
            )
        return
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # A lost log row after a crash is acceptable; waiting for the disk on every public scan is not.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
        VerificationLog.objects.create(certificate=certificate, found=certificate is not None, address_hash=digest)


def certificates_search(*, user, query: str, purpose: str, limit: int = 50) -> list[Certificate]:
    """Find certificates of every department by number, holder ID or name; log look-ups of other departments'."""
    if user is None or not user.has_perm("licenses.search_certificates"):
        raise ActionRefused(_("You may not search the certificates of every department."))
    query, purpose = query.strip(), purpose.strip()
    if len(query) < 2:
        raise ActionRefused(_("Enter at least 2 characters of a number, ID number or name."))
    if not purpose:
        raise ActionRefused(_("State the purpose of the look-up; it is recorded."))
    found = list(
        Certificate.objects.select_related("certificate_type", "department")
        .filter(models.Q(number=query) | exact_q("holder_id_number", query) | models.Q(holder_name__icontains=query))
        .order_by("-issued_at")[:limit]
    )
    CertificateAccess.objects.bulk_create(
        CertificateAccess(user=user, certificate=certificate, purpose=purpose[:300])
        for certificate in found
        if certificate.department_id != user.department_id
    )
    return found


def certificates_standing_in(application) -> dict:
    """Return {material_id: Provided} for the materials the applicant's valid certificates provide."""
    links = list(MaterialCertificate.objects.filter(material__item_id=application.item_id))
    if not links:
        return {}
    holder = models.Q(holder_id=application.applicant_id) | exact_q("holder_id_number", application.applicant_id_number)
    held = {}
    certificates = Certificate.objects.filter(
        holder, status=Certificate.Status.VALID, certificate_type_id__in=[link.certificate_type_id for link in links]
    ).select_related("certificate_type")
    for certificate in certificates.order_by("-issued_at"):
        held.setdefault(certificate.certificate_type_id, certificate)
    provided = {}
    for link in links:
        certificate = held.get(link.certificate_type_id)
        if certificate is not None:
            label = f"{certificate.certificate_type.name} {certificate.number}"
            provided[link.material_id] = Provided(label=label, url=certificate.verify_path)
    return provided
