"""The demo printing centre: certificates of the demo applications at every step."""

import pytest
from django.core.management import call_command
from django.db.models import Count

from approvals.models import State
from approvals.tests.demo_seeded import seeded  # noqa: F401 - the fixture below
from licenses.models import Certificate, PrintJob
from portal.clock.levels import Level

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeded")]


def _states(queryset, field="state"):
    return dict(queryset.values_list(field).annotate(n=Count("id")))


def test_print_jobs_are_in_every_print_state():
    assert set(_states(PrintJob.objects.all())) == set(PrintJob.State.values)


def test_queued_print_jobs_near_and_past_their_deadline_are_flagged():
    levels = _states(PrintJob.objects.filter(state=PrintJob.State.QUEUED), "due_level")
    assert levels.get(Level.OVERDUE, 0) > 0 and levels.get(Level.WARNING, 0) > 0


def test_every_approved_demo_application_has_its_certificate_dated_by_the_decision():
    certificates = Certificate.objects.filter(source_application__state=State.APPROVED).select_related(
        "source_application"
    )
    assert certificates.count() >= 40
    for certificate in certificates:
        assert certificate.issued_at == certificate.source_application.decided_at


def test_seeding_again_moves_no_print_job(settings):
    settings.DEBUG = True
    before = _states(PrintJob.objects.all())
    call_command("seed_demo", verbosity=0)
    assert _states(PrintJob.objects.all()) == before
