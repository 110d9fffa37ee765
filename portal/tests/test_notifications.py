"""Notifications: in the personal centre at once, e-mailed after commit, never lost to a broker outage."""

from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from approvals import services as approval_services
from approvals.tests import factories
from portal import services, tasks
from portal.models import Notification

pytestmark = pytest.mark.django_db


def test_the_email_is_queued_only_after_the_transaction_commits(citizen, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.notification_send(user=citizen, kind="accept", title="您的办件已受理", link="/me/")
        assert mail.outbox == []
    for callback in callbacks:  # the e-mail, and dropping the held personal centre
        callback()
    assert len(mail.outbox) == 1
    assert "您的办件已受理" in mail.outbox[0].subject
    assert Notification.objects.get().email_sent_at is not None


def test_a_broker_outage_leaves_the_email_in_the_outbox_and_the_sweep_sends_it_once(
    citizen, django_capture_on_commit_callbacks
):
    broker_down = mock.patch.object(tasks.notification_email_send, "apply_async", side_effect=OSError("broker down"))
    with broker_down, django_capture_on_commit_callbacks(execute=True):
        services.notification_send(user=citizen, kind="approve", title="您的办件已准予许可")
    assert mail.outbox == []
    assert Notification.objects.get().email_sent_at is None
    assert tasks.notifications_outbox_sweep(older_than_seconds=0) == 1
    assert tasks.notifications_outbox_sweep(older_than_seconds=0) == 0
    assert len(mail.outbox) == 1


def test_delivering_twice_sends_one_email(citizen):
    notification = services.notification_send(user=citizen, kind="x", title="通知")
    assert services.notification_email_deliver(notification_id=notification.pk) is True
    assert services.notification_email_deliver(notification_id=notification.pk) is False
    assert len(mail.outbox) == 1


def test_a_failed_send_stays_in_the_outbox(citizen):
    notification = services.notification_send(user=citizen, kind="x", title="通知")
    with mock.patch("portal.services.send_mail", side_effect=OSError("smtp down")), pytest.raises(OSError):
        services.notification_email_deliver(notification_id=notification.pk)
    notification.refresh_from_db()
    assert notification.email_sent_at is None and notification.email_attempts == 1


def test_the_personal_centre_shows_notifications_and_marks_them_read(client, citizen):
    services.notification_send(user=citizen, kind="accept", title="您的办件已受理")
    client.force_login(citizen)
    content = client.get(reverse("me")).content.decode()
    assert "您的办件已受理" in content
    client.post(reverse("notifications_read"))
    assert Notification.objects.get().read_at is not None


def test_the_applicant_is_notified_of_each_decision(citizen, clerk, permit_item):
    application = factories.submitted(permit_item, citizen)
    approval_services.application_request_correction(
        application_id=application.pk, actor=clerk, items=[(None, "parcel_no", "有误")]
    )
    approval_services.application_submit(application_id=application.pk, actor=citizen)
    approval_services.application_accept(application_id=application.pk, actor=clerk)
    kinds = list(Notification.objects.filter(user=citizen).order_by("id").values_list("kind", flat=True))
    assert kinds == ["correction", "accept"]


def test_an_email_claimed_by_a_worker_that_died_is_sent_later(citizen):

    notification = services.notification_send(user=citizen, kind="x", title="通知")
    stale = timezone.now() - timedelta(minutes=11)
    Notification.objects.filter(pk=notification.pk).update(email_sending_since=stale)
    assert services.notification_email_deliver(notification_id=notification.pk) is True
    assert len(mail.outbox) == 1
