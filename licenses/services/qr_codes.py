"""Storing the verification QR codes: of new certificates just after they commit, and of older ones.

Encoding a code takes a few milliseconds (segno picks the best of eight masks), more than the rest of
an approval; so the approval's transaction only queues `certificates_qr_store` for a worker, and
printing encodes a code that is not stored yet itself.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import transaction

from .. import qr
from ..models import Certificate

logger = logging.getLogger(__name__)


def _store(certificates: list[Certificate]) -> None:
    for certificate in certificates:
        certificate.qr_code = qr.verification(certificate)["qr_code"]
    with transaction.atomic():
        Certificate.objects.bulk_update(certificates, ["qr_code"])


def certificates_qr_store(certificate_ids: list[int]) -> int:
    """Encode and store the QR codes of these certificates that have none yet; return how many (a worker's task)."""
    waiting = list(Certificate.objects.filter(pk__in=certificate_ids, qr_code="").only("pk", "token"))
    if waiting:
        _store(waiting)
    return len(waiting)


def qr_codes_store_after_commit(certificates: list[Certificate]) -> None:
    """Have a worker store the QR codes of certificates just issued, once the current transaction commits.

    If the broker cannot be reached nothing is lost: printing encodes a missing code itself, and
    ``manage.py certificates_store_qr`` stores them later.
    """
    ids = [certificate.pk for certificate in certificates]
    if ids:
        transaction.on_commit(lambda: _queue(ids))


def _queue(ids: list[int]) -> None:
    from ..tasks import certificates_qr_store as task  # noqa: PLC0415  (tasks imports the services)

    try:
        task.apply_async(args=[ids], retry=False)
    except Exception:  # a broker outage must not break the approval that issued them
        logger.warning("Broker unreachable: %s QR codes left for printing to encode", len(ids), exc_info=True)


def certificates_store_qr(*, batch_size: int = 500, progress: Callable[[int], None] | None = None) -> int:
    """Encode and store the QR code of every certificate that has none, a batch to a transaction; return how many.

    Safe while the portal serves: each batch writes only ``qr_code`` (the token it encodes never
    changes) and printing encodes a missing code itself meanwhile. Safe to run twice or to stop.
    """
    stored = 0
    last = 0
    while True:
        batch = list(
            Certificate.objects.filter(pk__gt=last, qr_code="").order_by("pk").only("pk", "token")[:batch_size]
        )
        if not batch:
            return stored
        _store(batch)
        stored += len(batch)
        last = batch[-1].pk
        if progress is not None:
            progress(stored)
