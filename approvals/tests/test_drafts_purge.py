"""The daily purge of abandoned drafts: a notice to the owner, then the draft and its files are deleted."""

from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.utils import timezone

from approvals import services, tasks
from approvals.models import Application, MaterialFile
from approvals.tests import factories
from portal.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _retention(settings):
    settings.DRAFT_RETENTION_DAYS = 90
    settings.DRAFT_PURGE_NOTICE_DAYS = 7


def _age(application, days):
    """Make the draft and its uploads look last changed `days` ago."""
    then = timezone.now() - timedelta(days=days)
    Application.objects.filter(pk=application.pk).update(updated_at=then, created_at=then)
    MaterialFile.objects.filter(application=application).update(uploaded_at=then)


@pytest.fixture
def old_draft(citizen, permit_item):
    draft = services.application_start(item=permit_item, applicant=citizen)
    services.application_add_file(
        application=draft, material=permit_item.materials.first(), uploaded=factories.upload(), actor=citizen
    )
    _age(draft, 100)
    return draft


def test_the_owner_is_told_a_week_before_and_nothing_is_deleted_yet(old_draft, citizen):
    outcome = services.drafts_purge()
    assert outcome.notified == 1 and outcome.purged == 0
    assert Application.objects.filter(pk=old_draft.pk).exists()
    notice = Notification.objects.get(user=citizen, kind="draft_purge_notice")
    assert old_draft.item.name in notice.title
    assert notice.link.endswith(f"/me/applications/{old_draft.reference}/edit/")


def test_the_owner_is_told_once(old_draft, citizen):
    services.drafts_purge()
    services.drafts_purge()
    assert Notification.objects.filter(user=citizen, kind="draft_purge_notice").count() == 1


def test_a_draft_past_the_retention_is_deleted_with_its_files_a_week_after_the_notice(
    old_draft, django_capture_on_commit_callbacks
):
    services.drafts_purge()
    names = [record.file.name for record in old_draft.files.all()]
    assert names and all(default_storage.exists(name) for name in names)
    with django_capture_on_commit_callbacks(execute=True):
        outcome = services.drafts_purge(now=timezone.now() + timedelta(days=7, minutes=1))
    assert outcome.purged == 1 and outcome.files == 1
    assert not Application.objects.filter(pk=old_draft.pk).exists()
    assert not MaterialFile.objects.exists()
    assert not any(default_storage.exists(name) for name in names)


def test_files_stay_until_the_deletion_commits(old_draft, django_capture_on_commit_callbacks):
    services.drafts_purge()
    names = [record.file.name for record in old_draft.files.all()]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.drafts_purge(now=timezone.now() + timedelta(days=8))
    assert callbacks  # the deletion of the files waits for the commit
    assert all(default_storage.exists(name) for name in names)


def test_a_draft_changed_after_the_notice_is_kept(old_draft, citizen):
    services.drafts_purge()
    services.application_update(
        application=old_draft, actor=citizen, data=services.DraftData(form_data={}, contact_name="张爱丽")
    )
    outcome = services.drafts_purge(now=timezone.now() + timedelta(days=8))
    assert outcome.purged == 0
    assert Application.objects.filter(pk=old_draft.pk).exists()


def test_a_recent_upload_keeps_an_old_draft(old_draft, citizen, permit_item):
    services.application_add_file(
        application=old_draft, material=permit_item.materials.last(), uploaded=factories.upload(), actor=citizen
    )
    outcome = services.drafts_purge(now=timezone.now() + timedelta(days=8))
    assert outcome == services.DraftsPurgeOutcome(notified=0, purged=0, files=0)


def test_a_draft_is_never_deleted_without_a_notice_first(old_draft, settings):
    Application.objects.filter(pk=old_draft.pk).update(updated_at=timezone.now() - timedelta(days=400))
    outcome = services.drafts_purge()
    assert outcome.purged == 0 and outcome.notified == 1


def test_without_a_notice_period_drafts_past_the_retention_go_at_once(old_draft, settings):
    settings.DRAFT_PURGE_NOTICE_DAYS = 0
    outcome = services.drafts_purge()
    assert outcome.purged == 1 and outcome.notified == 0


def test_submitted_applications_and_young_drafts_are_kept(citizen, permit_item):
    application = factories.submitted(permit_item, citizen)
    _age(application, 400)
    young = services.application_start(item=permit_item, applicant=citizen)
    _age(young, 80)
    far_future = timezone.now() + timedelta(days=8)
    services.drafts_purge()
    outcome = services.drafts_purge(now=far_future)
    assert outcome.purged == 0
    assert Application.objects.filter(pk__in=[application.pk, young.pk]).count() == 2


def test_the_command_and_the_task_run_the_purge(old_draft, settings, capsys):
    settings.DRAFT_PURGE_NOTICE_DAYS = 0
    call_command("purge_drafts")
    assert "Drafts purged: 1" in capsys.readouterr().out
    assert tasks.drafts_purge.delay().get() == 0


def test_the_purge_runs_daily():
    entry = django_settings.CELERY_BEAT_SCHEDULE["drafts-purge"]
    assert entry["task"] == "approvals.tasks.drafts_purge"
    assert tasks.drafts_purge.name == entry["task"]


def test_files_left_by_a_draft_withdrawn_earlier_are_deleted_by_the_purge(
    citizen, permit_item, django_capture_on_commit_callbacks
):
    draft = services.application_start(item=permit_item, applicant=citizen)
    record = services.application_add_file(
        application=draft, material=permit_item.materials.first(), uploaded=factories.upload(), actor=citizen
    )
    # Withdrawn before withdrawals deleted a draft's files.
    Application.objects.filter(pk=draft.pk).update(state="withdrawn", withdrawn_at=timezone.now())
    submitted = factories.submitted(permit_item, citizen)
    Application.objects.filter(pk=submitted.pk).update(state="withdrawn", withdrawn_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        outcome = services.drafts_purge()
    assert outcome.withdrawn_files == 1
    assert not MaterialFile.objects.filter(application=draft).exists()
    assert not default_storage.exists(record.file.name)
    assert submitted.files.exists()  # a case record keeps its files
