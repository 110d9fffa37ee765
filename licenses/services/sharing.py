"""Reading the certificate database from outside the issuing department.

The public verification of a certificate, the logged search across every department
(集中共享), and the certificates that stand in for an application's materials (证照免提交).
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import weakref
from dataclasses import dataclass

from django.conf import settings
from django.db import DatabaseError, connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from approvals.material_sources import Provided
from portal import masking, personal_data
from portal.errors import ActionRefused
from portal.models import User
from portal.personal_data import exact_q

from ..models import Certificate, CertificateAccess, MaterialCertificate

# The public page's look-up: one statement naming only the columns the page shows (no ORM compiling per scan).
# The names come from scalar subqueries rather than joins: planning a four-table join cost more than running it
# (0.3 ms against 0.04 ms; subqueries 0.13 ms). {token} is the parameter's place.
_VERIFY_SQL = (
    "SELECT c.number, c.status, c.holder_name, c.holder_id_number, c.issued_at, c.valid_from, c.valid_until,"
    " (SELECT t.name FROM licenses_certificatetype t WHERE t.id = c.certificate_type_id),"
    " (SELECT d.name FROM portal_department d WHERE d.id = c.department_id),"
    " (SELECT u.kind FROM portal_user u WHERE u.id = c.holder_id)"
    " FROM licenses_certificate c WHERE c.token = {token}"
)
# The scan's log row, with its certificate found by the same token (NULL and found = false for an unknown one).
_LOG_SQL = (
    "INSERT INTO licenses_verificationlog (certificate_id, found, address_hash, created_at)"
    " SELECT c.id, c.id IS NOT NULL, {address_hash}, {at} FROM (SELECT 1) AS one"
    " LEFT JOIN licenses_certificate c ON c.token = {token}"
)
# On PostgreSQL both are prepared once per connection (parsing and planning them cost more than running them),
# then a scan is one message: the log row in a transaction of its own with an asynchronous commit, then the
# look-up (last, so that its rows are the answer). DEALLOCATE ALL first makes preparing safe to repeat after a
# failure; nothing else here prepares statements.
_PREPARE_SQL = (
    "DEALLOCATE ALL;"
    " PREPARE ow_verification_log(text, timestamptz, text) AS "
    + _LOG_SQL.format(address_hash="$1", at="$2", token="$3")
    + "; PREPARE ow_verification(text) AS "
    + _VERIFY_SQL.format(token="$1")
)
_SCAN_SQL = (
    "BEGIN; SET LOCAL synchronous_commit TO OFF; EXECUTE ow_verification_log(%s, %s, %s); COMMIT;"
    " EXECUTE ow_verification(%s)"
)
# The raw connections (psycopg2's) on which _PREPARE_SQL has run.
_prepared_on = weakref.WeakSet()


@dataclass(frozen=True, slots=True)
class PublicCertificate:
    """A certificate as the public verification page shows it: a person's name and ID number masked.

    The page writes its dates with ``isoformat`` (2026-12-01), a fifth of the date filter's cost.
    """

    number: str
    status: str
    type_name: str
    department_name: str
    holder: str
    masked_holder_id: str
    issued_on: datetime.date  # in the city's time zone
    valid_from: datetime.date
    valid_until: datetime.date | None

    @property
    def status_label(self) -> str:
        return Certificate.Status(self.status).label  # get_status_display would rebuild the choices per call

    @classmethod
    def from_row(cls, row) -> PublicCertificate:
        """Build from a row of _VERIFY_SQL, read with a plain cursor (a model instance cost 0.2 ms more per scan)."""
        (number, status, holder_name, holder_id, issued_at, valid_from, valid_until, type_name, department, kind) = row
        if timezone.is_naive(issued_at):  # SQLite keeps UTC without an offset; PostgreSQL's driver adds it
            issued_at = timezone.make_aware(issued_at, datetime.UTC)
        return cls(
            number=number,
            status=status,
            type_name=type_name,
            department_name=department,
            # An enterprise is public by name; a person (or a holder without an account) is masked.
            holder=holder_name if kind == User.Kind.ENTERPRISE else masking.mask_name(holder_name),
            masked_holder_id=masking.mask_id_number(personal_data.decrypt(holder_id)),
            issued_on=timezone.localdate(issued_at),
            valid_from=valid_from,
            valid_until=valid_until,
        )


def _address_hash(address: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), address.encode(), hashlib.sha256).hexdigest()


def certificate_verify(token: str, *, address: str) -> PublicCertificate | None:
    """Log one public scan of `token` from `address` and return its certificate as the page shows it, or None.

    The certificate is read on every scan (its status is never held anywhere). On PostgreSQL outside any
    transaction, the log row and the look-up go to the server as one message of prepared statements: one
    round trip for both, the row committed asynchronously (a crash may lose the last few rows, never a
    certificate's state). Behind a pooler that hands each transaction another server connection
    (DISABLE_SERVER_SIDE_CURSORS set, as Django asks for PgBouncer's transaction pooling), and elsewhere
    (SQLite, tests inside a transaction), they are `verification_record` and `certificate_for_verification`.
    """
    if (
        connection.vendor == "postgresql"
        and not connection.in_atomic_block
        and not connection.settings_dict.get("DISABLE_SERVER_SIDE_CURSORS")
    ):
        row = _scan_prepared([_address_hash(address), timezone.now(), token, token])
        return None if row is None else PublicCertificate.from_row(row)
    verification_record(token=token, address=address)
    return certificate_for_verification(token)


def _scan_prepared(parameters: list):
    with connection.cursor() as cursor:
        raw = connection.connection
        if raw not in _prepared_on:
            cursor.execute(_PREPARE_SQL)
            _prepared_on.add(raw)
        try:
            cursor.execute(_SCAN_SQL, parameters)
        except DatabaseError:
            _prepared_on.discard(raw)  # prepared afresh on the next scan, whatever went wrong
            raise
        return cursor.fetchone()


def certificate_for_verification(token: str) -> PublicCertificate | None:
    """Return the certificate with this verification token as the public page shows it, or None."""
    with connection.cursor() as cursor:
        cursor.execute(_VERIFY_SQL.format(token="%s"), [token])
        row = cursor.fetchone()
    return None if row is None else PublicCertificate.from_row(row)


def verification_record(*, token: str, address: str) -> None:
    """Log one public verification of `token` with a keyed hash of the address (the address itself is not kept)."""
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # A lost log row after a crash is acceptable; waiting for the disk on every public scan is not.
            cursor.execute("SET LOCAL synchronous_commit TO OFF")
        cursor.execute(
            _LOG_SQL.format(address_hash="%s", at="%s", token="%s"), [_address_hash(address), timezone.now(), token]
        )


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
