"""Storing the verification QR code of the certificates issued before codes were stored."""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction

from .. import qr
from ..models import Certificate


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
        for certificate in batch:
            certificate.qr_code = qr.verification(certificate)["qr_code"]
        with transaction.atomic():
            Certificate.objects.bulk_update(batch, ["qr_code"])
        stored += len(batch)
        last = batch[-1].pk
        if progress is not None:
            progress(stored)
