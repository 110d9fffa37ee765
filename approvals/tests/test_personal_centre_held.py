"""The personal centre held per person: served from the shared cache, yet never stale and never another's."""

import re
from datetime import timedelta
from unittest import mock

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from approvals import services as approvals_services
from approvals.models import Application
from approvals.tests import factories
from licenses.models import Certificate
from licenses.tests.factories import permit_type
from portal import personal_centre, services

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _me(client, path=None):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path or reverse("me"))
    assert response.status_code == 200
    return response.content.decode(), len(queries)


def test_a_second_visit_is_served_held_reading_only_the_account(client, citizen, permit_item):
    application = factories.submitted(permit_item, citizen)
    services.notification_send(user=citizen, kind="accept", title="您的办件已受理")
    client.force_login(citizen)
    first, rendering = _me(client)
    second, holding = _me(client)
    assert holding == 1 < rendering  # the session comes from the cache
    assert application.reference in second
    assert TOKEN.sub("", second) == TOKEN.sub("", first)


def test_nobody_is_served_another_persons_held_page(client, citizen, other_citizen, permit_item):
    mine = factories.submitted(permit_item, citizen)
    theirs = factories.submitted(permit_item, other_citizen)
    client.force_login(citizen)
    _me(client)
    _me(client)
    client.force_login(other_citizen)
    page, _ = _me(client)
    assert theirs.reference in page
    assert mine.reference not in page


def test_what_is_held_carries_no_csrf_token_and_each_visit_gets_its_own(client, citizen):
    services.notification_send(user=citizen, kind="accept", title="您的办件已受理")
    client.force_login(citizen)
    _me(client)
    page, _ = _me(client)
    stamp, held = cache.get(personal_centre.held_key(citizen.pk, "zh-hans"))
    assert personal_centre.PLACEHOLDER_CSRF in held
    assert "csrfmiddlewaretoken" in held
    tokens = TOKEN.findall(page)
    assert tokens and personal_centre.PLACEHOLDER_CSRF not in tokens
    assert all(token not in held for token in tokens)
    # The form works: marking the notifications read is accepted with the page's token.
    client.handler.enforce_csrf_checks = True
    response = client.post(reverse("notifications_read"), {"csrfmiddlewaretoken": tokens[-1]})
    assert response.status_code == 302


def test_a_bulk_update_shows_at_once_marking_notifications_read(client, citizen):
    for title in ("一", "二"):
        services.notification_send(user=citizen, kind="accept", title=title)
    client.force_login(citizen)
    _me(client)
    assert 'badge text-bg-danger">2<' in _me(client)[0]
    services.notifications_mark_read(user=citizen)  # a QuerySet.update(): no signal
    assert "text-bg-danger" not in _me(client)[0]


def test_a_batch_approval_shows_at_once_with_its_certificate_and_notice(
    client, citizen, permit_item, construction_department, clerk, reviewer
):
    permit_type(construction_department, permit_item)
    application = factories.submitted(permit_item, citizen)
    approvals_services.application_accept(application_id=application.pk, actor=clerk)
    approvals_services.application_claim(application_id=application.pk, actor=reviewer)
    client.force_login(citizen)
    _me(client)
    before, _ = _me(client)
    assert "准予许可" not in before
    job = approvals_services.batch_job_create(actor=reviewer, application_ids=[application.pk])
    assert approvals_services.batch_job_run(job_id=job.pk).done == 1  # one UPDATE and bulk inserts
    after, _ = _me(client)
    assert "已准予许可" in after  # the notice, inserted in bulk
    assert Certificate.objects.get(source_application=application).number in after  # issued in bulk


def test_rows_moved_to_another_person_show_on_their_page(client, citizen, other_citizen, permit_item):
    application = factories.submitted(permit_item, citizen)
    client.force_login(other_citizen)
    _me(client)
    assert application.reference not in _me(client)[0]
    Application.objects.filter(pk=application.pk).update(applicant=other_citizen)
    assert application.reference in _me(client)[0]


def test_a_catalogue_change_shows_at_once(client, citizen, permit_item):
    factories.submitted(permit_item, citizen)
    client.force_login(citizen)
    _me(client)
    permit_item.name = "建筑工程施工许可（新版）"
    permit_item.save()
    assert "建筑工程施工许可（新版）" in _me(client)[0]


def test_a_page_of_a_section_is_rendered_afresh_and_not_held(client, citizen, permit_item):
    factories.submitted(permit_item, citizen)
    client.force_login(citizen)
    _, first = _me(client, reverse("me") + "?page=1")
    _, second = _me(client, reverse("me") + "?page=1")
    assert second == first > 1


def test_after_midnight_it_is_rendered_again(client, citizen, permit_item):
    late = timezone.localtime().replace(hour=23, minute=30, second=0, microsecond=0)
    with time_machine.travel(late, tick=False) as traveller:
        factories.submitted(permit_item, citizen)
        client.force_login(citizen)
        _me(client)
        assert _me(client)[1] == 1
        traveller.shift(timedelta(hours=1))  # due dates read "today" from the new day
        assert _me(client)[1] > 1


def test_without_the_shared_cache_the_page_is_rendered_whole(client, citizen, permit_item):
    application = factories.submitted(permit_item, citizen)
    client.force_login(citizen)
    with mock.patch.object(personal_centre.cache, "get_many", side_effect=ConnectionError("cache down")):
        page, _ = _me(client)
    assert application.reference in page


def test_with_holding_off_every_visit_renders(client, citizen, permit_item, settings):
    settings.PERSONAL_CENTRE_HOLD_SECONDS = 0
    factories.submitted(permit_item, citizen)
    client.force_login(citizen)
    _me(client)
    assert _me(client)[1] > 1
    assert cache.get(personal_centre.held_key(citizen.pk, "zh-hans")) is None
