"""The demo city at work: seed_demo leaves work in every queue, the same work on every run."""

import pytest
from django.core.management import call_command
from django.db import models
from django.db.models import Count
from django.utils import timezone

from approvals.demo_work import PREFIX
from approvals.models import Application, MaterialFile, State
from approvals.tests.demo_seeded import seeded  # noqa: F401 - the fixture below
from portal.clock.levels import Level
from portal.models import ClockAlert, Notification, User
from portal.validators import validate_credit_code, validate_id_number

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeded")]


def _counts():
    return {
        model.__name__: model.objects.count() for model in (Application, MaterialFile, User, Notification, ClockAlert)
    }


def _states(queryset, field="state"):
    return dict(queryset.values_list(field).annotate(n=Count("id")))


def test_seeding_again_adds_nothing(settings):
    settings.DEBUG = True
    before = _counts()
    call_command("seed_demo", verbosity=0)
    assert _counts() == before
    assert before["Application"] >= 200


def test_every_application_state_is_present():
    states = _states(Application.objects.all())
    assert set(states) == set(State.values)
    assert Application.objects.exclude(extended_at=None).filter(state=State.IN_REVIEW).exists()


def test_some_applications_are_overdue_and_some_due_soon():
    levels = _states(Application.objects.exclude(current_due_at=None), "due_level")
    assert levels.get(Level.OVERDUE, 0) > 0 and levels.get(Level.WARNING, 0) > 0 and levels.get(Level.NORMAL, 0) > 0
    assert Application.objects.filter(state=State.SUBMITTED, due_level=Level.WARNING).exists()
    assert ClockAlert.objects.exists()


def test_late_intakes_were_accepted_by_law():
    late = Application.objects.filter(accepted_at=None).filter(state=State.SUBMITTED)
    assert not late.filter(current_due_at__lt=timezone.now()).exists()
    accepted_by_law = Application.objects.filter(accepted_at__isnull=False, handler=None, state=State.ACCEPTED)
    assert accepted_by_law.filter(accepted_at=models.F("submitted_at")).exists()


def test_the_past_is_simulated_in_the_stored_times():
    today = timezone.localdate()
    decided = Application.objects.filter(state=State.APPROVED)
    assert any(timezone.localdate(a.decided_at) < today for a in decided)


def test_a_reference_names_the_day_its_application_was_filed():
    filed = Application.objects.filter(submitted_at__isnull=False)

    assert filed.count() > 300  # the city at work and its six months of history
    for application in filed:
        assert f"-{timezone.localdate(application.submitted_at):%Y%m%d}-" in application.reference


def test_the_notices_of_a_filing_moved_into_the_past_name_its_new_reference():
    references = set(Application.objects.values_list("reference", flat=True))
    links = Notification.objects.filter(link__contains="/me/applications/").values_list("link", flat=True)

    assert links
    assert {link.split("/")[3] for link in links} <= references


def test_demo_applicants_have_valid_identity_numbers():
    people = User.objects.filter(username__startswith=PREFIX)
    assert people.count() >= 30
    for person in people:
        if person.kind == User.Kind.ENTERPRISE:
            validate_credit_code(person.credit_code)
        else:
            validate_id_number(person.id_number)


def test_no_demo_notice_is_left_to_e_mail():
    assert not Notification.objects.filter(email_sent_at=None).exists()
