"""Demo data only: the disclosure records of the demo's decisions, dated by their backdated decisions.

The demo loaders of approvals take applications through the real services (which record and
publish each decision "now") and then move the applications' times into the past. This loader
(order 36, after the applications and their history) records the decided applications that lack
a record (whatever loader made them) and moves each decision's record to its application's
``decided_at``, with its deadline, publication time and certificate validity shifted alike (as
licenses' demo loader, order 40, then does for the certificates themselves). Nothing outside the
demo calls it.
"""

from __future__ import annotations

from django.db import transaction

from ..models import Application
from . import services
from .models import PublishedDecision

DECISIONS = [PublishedDecision.Decision.APPROVED, PublishedDecision.Decision.DENIED]


def _certificate(application: Application):
    # licenses' reverse one-to-one (Certificate.source_application), read without importing licenses.
    return getattr(application, "certificate", None)


@transaction.atomic
def load_demo_disclosure(*, stdout=None) -> int:
    """Record the demo decisions that have no record and realign every record to its decision; return how many."""
    recorded = PublishedDecision.objects.filter(decision__in=DECISIONS, application__isnull=False)
    decided = Application.objects.filter(state__in=["approved", "denied"], decided_at__isnull=False)
    created = 0
    for application in decided.exclude(pk__in=recorded.values("application_id")).select_related("certificate"):
        services.disclosure_record_decision(application=application, certificate=_certificate(application))
        created += 1
    moved = 0
    for record in recorded.select_related("application", "application__certificate"):
        application = record.application
        certificate = _certificate(application)
        stale = record.decided_at != application.decided_at
        if certificate is not None and certificate.issued_at != application.decided_at:
            stale = True  # licenses' demo loader will move it to the decision: follow it now
        if stale:
            services.disclosure_realign_demo(record=record, decided_at=application.decided_at, certificate=certificate)
            moved += 1
    if stdout is not None:
        stdout.write(f"Disclosure: {created} decisions recorded, {moved} dated by their (backdated) decisions.")
    return created
