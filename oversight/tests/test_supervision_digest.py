"""The supervisors' daily digest: one notification a day listing every overdue clock, instead of one per alert."""

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation

from oversight.supervision import digest, tasks
from portal.clock import registry
from portal.models import ClockAlert, Notification

from .supervision_cases import at, every_clock_late

pytestmark = pytest.mark.django_db


@pytest.fixture
def in_english(settings):
    """Read the staff's messages in English (the Chinese is the translation of the same text)."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def late(permit_item, clerk, reviewer, consultant, citizen, supervisor):
    return every_clock_late(item=permit_item, clerk=clerk, reviewer=reviewer, consultant=consultant, citizen=citizen)


def test_the_sweep_alerts_the_team_at_once_but_not_the_supervisors(late, reviewer, supervisor):
    assert ClockAlert.objects.filter(clock="applications", object_id=late["application"].pk, level="overdue").exists()
    assert Notification.objects.filter(user=reviewer, kind="sla_overdue").exists()
    assert not Notification.objects.filter(user=supervisor).exists()


def test_the_supervisor_gets_one_digest_per_day_listing_every_overdue_clock_of_every_kind(late, supervisor, in_english):
    with time_machine.travel(at("2027-01-08", 8), tick=False):
        assert tasks.supervision_digests_send() == 1
        assert tasks.supervision_digests_send() == 0  # run twice (or redelivered): still one
    notices = Notification.objects.filter(user=supervisor, kind=digest.KIND)
    assert notices.count() == 1
    body = notices.get().body
    for lane in (
        "Applications: Decision (Art. 42)",
        "Issuance and printing (Art. 44)",
        "Replies to questions",
        "Forwarding of questions",
        "Return visits after a bad review",
        "Rectifications after a bad review",
        "Publication of decisions",
    ):
        assert f"- {lane} · 市住房和城乡建设局: 1" in body
    assert reverse("admin:approvals_application_change", args=[late["application"].pk]) in body
    assert late["forward"].reference in body
    assert "overdue" in notices.get().title

    with time_machine.travel(at("2027-01-11", 8), tick=False):
        assert tasks.supervision_digests_send() == 1
    assert notices.count() == 2


def test_every_registered_clock_is_in_the_digest(late, supervisor):
    with time_machine.travel(at("2027-01-08", 8), tick=False):
        found = digest.overdue_digest()
    counted = {row.lane.clock.name for row in found.rows}
    assert counted == {clock.name for clock in registry.registered()}


def test_no_digest_when_nothing_is_overdue(supervisor):
    assert tasks.supervision_digests_send() == 0
    assert not Notification.objects.exists()


def test_an_inactive_supervisor_gets_no_digest(late, supervisor):
    supervisor.is_active = False
    supervisor.save()
    with time_machine.travel(at("2027-01-08", 8), tick=False):
        assert digest.supervision_digest_send(supervisor_id=supervisor.pk) is None


def test_the_digest_is_on_the_beat_once_a_day(settings):
    entry = next(
        entry
        for entry in settings.CELERY_BEAT_SCHEDULE.values()
        if entry["task"] == "oversight.supervision.tasks.supervision_digests_send"
    )
    assert entry["schedule"].hour == {8}
