"""Writes to the certificate database: issuance on approval, numbering, status changes, new versions, expiry."""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from approvals.disclosure.services import disclosure_certificate_changed, disclosure_certificate_replaced
from approvals.models import Application
from portal import masking
from portal.errors import ActionRefused
from portal.services import notification_send

from ..models import Certificate, CertificateCounter, CertificateType, ExpiryNotice, ItemCertificate, PrintJob
from .printing import print_job_cancel, print_job_create, print_jobs_create
from .qr_codes import qr_codes_store_after_commit


def _reserve_numbers(certificate_type: CertificateType, year: int, count: int) -> int:
    """Reserve `count` consecutive sequences of a type in a year and return the first; one statement.

    An upsert adds `count` to the counter and returns the new last sequence. Its row stays
    locked until the calling transaction ends, so two approvals or batches at the same moment
    get consecutive ranges, and a rolled-back one gives its numbers back: no gaps, no duplicates.
    """
    table = connection.ops.quote_name(CertificateCounter._meta.db_table)  # the model's own name, no input
    upsert = (
        f"INSERT INTO {table} (certificate_type_id, year, last) VALUES (%s, %s, %s) "  # noqa: S608
        f"ON CONFLICT (certificate_type_id, year) DO UPDATE SET last = {table}.last + excluded.last RETURNING last"
    )
    with connection.cursor() as cursor:
        cursor.execute(upsert, [certificate_type.pk, year, count])
        (last,) = cursor.fetchone()
    return last - count + 1


def _number(certificate_type: CertificateType, year: int, sequence: int) -> str:
    return f"{certificate_type.number_prefix}-{year}-{sequence:06d}"


def _numbered(certificates: list[Certificate], certificate_type: CertificateType, year: int) -> None:
    """Give consecutive numbers of a type and year to unsaved certificates (one counter statement)."""
    first = _reserve_numbers(certificate_type, year, len(certificates))
    for offset, certificate in enumerate(certificates):
        certificate.sequence = first + offset
        certificate.number = _number(certificate_type, year, certificate.sequence)


def printed_data(certificate_type: CertificateType, application: Application) -> list[list[str]]:
    """Return the [label, value] pairs printed on the certificate, in order, from the application."""
    values = {
        "applicant_name": application.applicant_name,
        "applicant_id_number": masking.mask_id_number(application.applicant_id_number),
        "item_name": application.item.name,
        "reference": application.reference,
        "delivery_address": application.delivery_address,
    }
    data = []
    for field in certificate_type.printed_fields:
        source = field["source"]
        value = application.form_data.get(source[5:], "") if source.startswith("form:") else values.get(source, "")
        data.append([field["label"], str(value)])
    return data


def _valid_until(certificate_type: CertificateType, start: date) -> date | None:
    if not certificate_type.validity_years:
        return None
    year = start.year + certificate_type.validity_years
    try:
        end = start.replace(year=year)
    except ValueError:  # issued on 29 February: the anniversary is 1 March
        end = date(year, 3, 1)
    return date.fromordinal(end.toordinal() - 1)


def certificate_for(application: Application, certificate_type: CertificateType, *, now) -> Certificate:
    """Return the certificate (unsaved, not yet numbered) issued at `now` to an approved application.

    The one place an issued certificate is built, for one approval and for a batch alike. Its QR
    code is stored by a worker once the approval commits (`qr_codes_store_after_commit`).
    """
    today = timezone.localdate(now)
    certificate = Certificate(
        certificate_type=certificate_type,
        year=today.year,
        holder_name=application.applicant_name,
        holder_id_number=application.applicant_id_number,
        holder_id=application.applicant_id,
        department_id=certificate_type.department_id,
        data=printed_data(certificate_type, application),
        issued_at=now,
        valid_from=today,
        valid_until=_valid_until(certificate_type, today),
        source_application=application,
    )
    return certificate


def certificate_issue_for(application: Application) -> Certificate | None:
    """Issue the certificate of an approved application and queue its print job, once.

    Called by approvals inside the approval's transaction. An application whose item
    produces no certificate gets none; one that already has its certificate (a retried
    task, an approval replayed after a crash) keeps it.
    """
    return certificates_issue_for([application]).get(application.pk)


def certificates_issue_for(applications: list[Application]) -> dict[int, Certificate]:
    """Issue the certificates of approved applications and queue their print jobs, once each, in bulk.

    Returns {application pk: its certificate} for the applications whose item produces one
    (an existing certificate is returned, not issued again). Called inside the approval's
    transaction: two look-ups, one counter statement per certificate type, and one insert each
    for the certificates, their history and their print jobs, whatever the number of applications.
    """
    links = {
        link.item_id: link.certificate_type
        for link in ItemCertificate.objects.select_related("certificate_type").filter(
            item_id__in={application.item_id for application in applications}
        )
    }
    concerned = [application for application in applications if application.item_id in links]
    if not concerned:
        return {}
    issued = {
        certificate.source_application_id: certificate
        for certificate in Certificate.objects.filter(source_application__in=concerned)
    }
    by_type: dict[CertificateType, list[Application]] = {}
    for application in concerned:
        if application.pk not in issued:
            by_type.setdefault(links[application.item_id], []).append(application)
    now = timezone.now()
    built = {
        certificate_type: [certificate_for(application, certificate_type, now=now) for application in waiting]
        for certificate_type, waiting in by_type.items()
    }
    new = []
    # The counters last: their rows stay locked to the end of the transaction. In one order (by
    # type) so that two batches of several types wait for each other instead of deadlocking.
    for certificate_type in sorted(built, key=lambda certificate_type: certificate_type.pk):
        _numbered(built[certificate_type], certificate_type, timezone.localdate(now).year)
        new += built[certificate_type]
    if new:
        with transaction.atomic():
            new = bulk_create_with_history(new, Certificate)
            print_jobs_create(new)
            qr_codes_store_after_commit(new)
        issued.update((certificate.source_application_id, certificate) for certificate in new)
    return issued


def _lock_for_change(*, certificate_id: int, actor, allowed_from: tuple[str, ...]) -> Certificate:
    """Lock a certificate that `actor` may change and that is in one of the `allowed_from` states.

    Only a holder of the manage permission (the reviewers) of the issuing department changes
    a certificate, as the admin offers it today. Supervisors, administrators, clerks and the
    printing centre look certificates up but do not change them; a superuser counts as a
    member of their own department only. Checked here, not only in the admin's list, so
    every caller (admin, view, task, command) is held to it.
    """
    if actor is None or not actor.has_perm("licenses.manage_certificate"):
        raise ActionRefused(_("Only reviewers of the issuing department can change certificates."))
    certificate = Certificate.objects.select_for_update().get(pk=certificate_id)
    if actor.department_id != certificate.department_id:
        raise ActionRefused(
            _("This certificate was issued by %(department)s: only its reviewers can change it.")
            % {"department": certificate.department.name}
        )
    if certificate.status not in allowed_from:
        raise ActionRefused(
            _("This certificate is %(status)s: that change is not possible.")
            % {"status": certificate.get_status_display()}
        )
    return certificate


def _record(certificate: Certificate, *, actor, reason: str) -> None:
    """Save a change with its reason and its author in the certificate's history."""
    certificate._change_reason = reason
    certificate._history_user = actor  # also when no request is going on (a task, a command, a shell)
    certificate.save()


def _change_status(*, certificate_id: int, actor, status: str, reason: str, allowed_from: tuple[str, ...]):
    with transaction.atomic():
        certificate = _lock_for_change(certificate_id=certificate_id, actor=actor, allowed_from=allowed_from)
        certificate.status = status
        certificate.status_reason = reason
        _record(certificate, actor=actor, reason=reason)
        # The public disclosure shows the change on the decision's record, in the same transaction.
        disclosure_certificate_changed(certificate=certificate)
    return certificate


def certificate_revoke(*, certificate_id: int, actor, reason: str) -> Certificate:
    """Revoke a certificate (撤销); the reason is required and kept in its history."""
    if not reason.strip():
        raise ActionRefused(_("A revocation states its reason."))
    return _change_status(
        certificate_id=certificate_id,
        actor=actor,
        status=Certificate.Status.REVOKED,
        reason=reason.strip(),
        allowed_from=(Certificate.Status.VALID, Certificate.Status.SUSPENDED),
    )


def certificate_suspend(*, certificate_id: int, actor, reason: str) -> Certificate:
    """Suspend a valid certificate (暂扣)."""
    return _change_status(
        certificate_id=certificate_id,
        actor=actor,
        status=Certificate.Status.SUSPENDED,
        reason=reason.strip(),
        allowed_from=(Certificate.Status.VALID,),
    )


def certificate_reinstate(*, certificate_id: int, actor, reason: str = "") -> Certificate:
    """End a suspension."""
    return _change_status(
        certificate_id=certificate_id,
        actor=actor,
        status=Certificate.Status.VALID,
        reason=reason.strip(),
        allowed_from=(Certificate.Status.SUSPENDED,),
    )


def _new_version(old: Certificate, *, actor, reason: str, holder_name: str | None = None, renew: bool = False):
    """Issue a new certificate replacing `old` (new number, print job); `old` becomes superseded.

    The old version's print job is cancelled if it has not left the centre, so only the new one is printed.
    """
    now = timezone.now()
    today = timezone.localdate(now)
    data = [list(pair) for pair in old.data]
    if holder_name:
        data = [[label, holder_name if value == old.holder_name else value] for label, value in data]
    new = Certificate(
        certificate_type=old.certificate_type,
        year=today.year,
        holder_name=holder_name or old.holder_name,
        holder_id_number=old.holder_id_number,
        holder=old.holder,
        department=old.department,
        data=data,
        issued_at=now,
        valid_from=today if renew else old.valid_from,
        valid_until=_valid_until(old.certificate_type, today) if renew else old.valid_until,
        replaces=old,
    )
    _numbered([new], old.certificate_type, today.year)
    _record(new, actor=actor, reason=reason)
    qr_codes_store_after_commit([new])
    old.status = Certificate.Status.SUPERSEDED
    old.status_reason = reason
    _record(old, actor=actor, reason=reason)
    disclosure_certificate_replaced(old=old, new=new)
    previous = PrintJob.objects.filter(certificate=old).first()
    print_job_cancel(certificate_id=old.pk, actor=actor, reason=reason)
    print_job_create(
        certificate=new,
        delivery_method=previous.delivery_method if previous else "",
        application=previous.application if previous else None,
    )
    return new


def certificate_correct(*, certificate_id: int, actor, holder_name: str, reason: str) -> Certificate:
    """Correct the holder's name: a new version is issued; the old one verifies as superseded."""
    if not holder_name.strip() or not reason.strip():
        raise ActionRefused(_("A correction gives the corrected name and the reason."))
    with transaction.atomic():
        old = _lock_for_change(certificate_id=certificate_id, actor=actor, allowed_from=(Certificate.Status.VALID,))
        return _new_version(old, actor=actor, reason=reason.strip(), holder_name=holder_name.strip())


def certificate_renew(*, certificate_id: int, actor, reason: str = "") -> Certificate:
    """Renew a valid or expired certificate for a new validity period."""
    with transaction.atomic():
        old = _lock_for_change(
            certificate_id=certificate_id,
            actor=actor,
            allowed_from=(Certificate.Status.VALID, Certificate.Status.EXPIRED),
        )
        return _new_version(old, actor=actor, reason=reason.strip() or _("Renewed"), renew=True)


def certificate_expire(*, certificate_id: int, today: date) -> bool:
    """Mark a certificate expired if it is still valid and its validity ended before `today`; return whether it was.

    The one way a certificate expires: the row is locked and checked again, and saved (not
    updated in bulk) so its history keeps the change with its reason. A second or concurrent
    run finds it expired already, changes nothing and writes no second history row.
    """
    with transaction.atomic():
        certificate = Certificate.objects.select_for_update().filter(pk=certificate_id).first()
        if (
            certificate is None
            or certificate.status != Certificate.Status.VALID
            or certificate.valid_until is None
            or certificate.valid_until >= today
        ):
            return False
        with translation.override(settings.LANGUAGE_CODE):  # kept in the history, in the official language
            reason = str(_("Validity ended"))
        certificate.status = Certificate.Status.EXPIRED
        certificate.status_reason = reason
        certificate._change_reason = reason
        certificate.save()
        disclosure_certificate_changed(certificate=certificate)
    return True


def certificates_expire_and_remind(*, today: date | None = None, remind_days: int = 30) -> tuple[int, int]:
    """Mark certificates past their validity as expired; remind holders once, `remind_days` ahead.

    Returns (expired, reminded). Safe to run twice: certificate_expire re-checks each
    certificate under its row lock, and the unique ExpiryNotice makes every reminder happen once.
    """
    today = today or timezone.localdate()
    past = Certificate.objects.filter(status=Certificate.Status.VALID, valid_until__lt=today)
    expired = sum(certificate_expire(certificate_id=pk, today=today) for pk in list(past.values_list("pk", flat=True)))
    reminded = 0
    due = Certificate.objects.filter(
        status=Certificate.Status.VALID,
        valid_until__gte=today,
        valid_until__lte=today + timedelta(days=remind_days),
        holder__isnull=False,
        expiry_notice__isnull=True,
    ).select_related("certificate_type", "holder")
    for certificate in due:
        try:
            with transaction.atomic():
                ExpiryNotice.objects.create(certificate=certificate)
                with translation.override(settings.LANGUAGE_CODE):
                    title = _("Your %(type)s %(number)s expires on %(date)s") % {
                        "type": certificate.certificate_type.name,
                        "number": certificate.number,
                        "date": certificate.valid_until.isoformat(),
                    }
                notification_send(user=certificate.holder, kind="certificate_expiry", title=title, link="/me/")
                reminded += 1
        except IntegrityError:
            continue  # reminded by a concurrent run
    return expired, reminded
