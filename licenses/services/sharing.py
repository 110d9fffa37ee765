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
# The names come from scalar subqueries rather than joins: PostgreSQL plans the statement on every scan,
# and planning a four-table join cost more than running it (0.3 ms against 0.04 ms; subqueries 0.13 ms).
_VERIFY_SQL = (
    "SELECT c.id, c.number, c.status, c.holder_name, c.holder_id_number, c.issued_at, c.valid_from,"
    " c.valid_until, c.token,"
    " (SELECT t.name FROM licenses_certificatetype t WHERE t.id = c.certificate_type_id) AS type_name,"
    " (SELECT d.name FROM portal_department d WHERE d.id = c.department_id) AS department_name,"
    " (SELECT u.kind FROM portal_user u WHERE u.id = c.holder_id) AS holder_kind"
    " FROM licenses_certificate c WHERE c.token = %s"
)
# The scan's log row and the look-up in one message: the row in a transaction of its own with an asynchronous
# commit, then the look-up (last, so that its rows are the answer). Parameters: address hash, time, token, token.
_VERIFY_AND_LOG_SQL = (
    "BEGIN; SET LOCAL synchronous_commit TO OFF;"  # noqa: S608 - constant text, the values are parameters
    " INSERT INTO licenses_verificationlog (certificate_id, found, address_hash, created_at)"
    " SELECT c.id, c.id IS NOT NULL, %s, %s FROM (SELECT 1) AS one LEFT JOIN licenses_certificate c ON c.token = %s;"
    " COMMIT; " + _VERIFY_SQL
)


def _address_hash(address: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), address.encode(), hashlib.sha256).hexdigest()


def certificate_verify(token: str, *, address: str) -> Certificate | None:
    """Log one public scan of `token` from `address` and return its certificate as the page shows it, or None.

    The certificate is read on every scan (its status is never held anywhere). On PostgreSQL outside any
    transaction, the log row and the look-up go to the server as one message: one round trip for both,
    the row committed asynchronously (a crash may lose the last few rows, never a certificate's state).
    Elsewhere (SQLite, tests inside a transaction) they are `verification_record` and
    `certificate_for_verification`, one after the other.
    """
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        rows = Certificate.objects.raw(_VERIFY_AND_LOG_SQL, [_address_hash(address), timezone.now(), token, token])
        return next(iter(rows), None)
    certificate = certificate_for_verification(token)
    verification_record(certificate=certificate, address=address)
    return certificate


def certificate_for_verification(token: str) -> Certificate | None:
    """Return the certificate with this verification token, with only what the public page shows, or None.

    Besides its own columns the row carries ``type_name``, ``department_name`` and ``holder_kind``
    (the holder account's kind, None without an account): one query, no joined objects.
    """
    return next(iter(Certificate.objects.raw(_VERIFY_SQL, [token])), None)


def verification_record(*, certificate: Certificate | None, address: str) -> None:
    """Log one public verification with a keyed hash of the address (the address itself is not kept)."""
    digest = _address_hash(address)
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
