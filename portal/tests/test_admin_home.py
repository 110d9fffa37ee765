"""The admin's home page lists the queues each app registers, to the roles that work them."""

import pytest

from portal import work_queues
from portal.models import ClockAlert

pytestmark = pytest.mark.django_db


@pytest.fixture
def queue():
    """Register a test queue for window clerks, removed afterwards."""
    registered = work_queues.Queue(
        name="test.only",
        order=1,
        label="Test queue",
        permission="approvals.intake_application",
        url=lambda user: "/somewhere/",
        count=lambda user: 7,
    )
    work_queues.register(registered)
    yield registered
    work_queues._queues.pop(registered.name)


def test_a_queue_is_shown_with_its_count_to_the_role_that_works_it(queue, clerk, reviewer):
    rows = {row.name: row for row in work_queues.queues_for(clerk)}
    assert rows["test.only"].count == 7
    assert rows["test.only"].url == "/somewhere/"
    assert "test.only" not in {row.name for row in work_queues.queues_for(reviewer)}


def test_citizens_have_no_queues(queue, citizen):
    assert work_queues.queues_for(citizen) == []


def test_an_alert_of_an_unknown_clock_is_shown_without_a_link(supervisor):
    ClockAlert.objects.create(clock="gone", object_id=1, level="overdue", deadline="2025-01-02T09:00:00+08:00")
    [row] = work_queues.recent_alerts(supervisor)
    assert row.url == ""
    assert row.label == "gone #1"


def test_the_admin_home_shows_the_queue(client, queue, clerk):
    client.force_login(clerk)
    page = client.get("/admin/").content.decode()
    assert 'href="/somewhere/"' in page
    assert "Test queue" in page
