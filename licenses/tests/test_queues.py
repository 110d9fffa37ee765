"""The printing centre's queues on the admin's home page: what to print, dispatch and hand over."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from licenses.models import PrintJob
from licenses.tests import factories as license_factories

pytestmark = pytest.mark.django_db

HOME = "admin:index"


def _queues(response) -> dict[str, int | None]:
    return {row.name: row.count for row in response.context["queues"]}


def test_the_print_operator_sees_jobs_to_print_dispatch_and_at_the_counter(
    client, clerk, reviewer, print_operator, permit_item, construction_department, citizen
):
    license_factories.permit_type(construction_department, permit_item)
    license_factories.issued(permit_item, citizen, clerk, reviewer)
    overdue = license_factories.issued(permit_item, citizen, clerk, reviewer)
    PrintJob.objects.filter(certificate=overdue).update(due_at=timezone.now() - timedelta(days=1))
    client.force_login(print_operator)
    response = client.get(reverse(HOME))
    queues = _queues(response)
    assert queues["printing.print"] == 2
    assert queues["printing.print_overdue"] == 1
    assert queues["printing.dispatch"] == 0
    assert queues["printing.counter"] == 0
    page = response.content.decode()
    assert "/admin/licenses/printjob/?state=queued" in page
    assert "/admin/licenses/printjob/?state=ready" in page
    assert "applications.intake" not in queues


def test_the_print_queue_link_opens_the_print_list_on_queued_jobs(
    client, clerk, reviewer, print_operator, permit_item, construction_department, citizen
):
    license_factories.permit_type(construction_department, permit_item)
    license_factories.issued(permit_item, citizen, clerk, reviewer)
    client.force_login(print_operator)
    response = client.get("/admin/licenses/printjob/?state=queued")
    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == 1


def test_the_print_operator_home_runs_the_same_number_of_queries_however_many_jobs_wait(
    client, clerk, reviewer, print_operator, permit_item, construction_department, citizen
):
    license_factories.permit_type(construction_department, permit_item)
    license_factories.issued(permit_item, citizen, clerk, reviewer)
    client.force_login(print_operator)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            client.get(reverse(HOME))
        return len(captured)

    before = queries()
    for _ in range(3):
        license_factories.issued(permit_item, citizen, clerk, reviewer)
    assert queries() == before
