"""Batch claim and batch approval: what the reviewer selects is claimed and approved, or skipped with its reason."""

from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django_fsm_log.models import StateLog

from approvals import services
from approvals.models import Application, BatchJob, State
from approvals.services.batch import _batch_approve_one
from approvals.tasks import batch_approve_run
from approvals.tests import factories
from licenses.models import Certificate, PrintJob
from licenses.tests.factories import permit_type
from portal import errors, roles
from portal.clock import deadlines
from portal.tests import factories as portal_factories

pytestmark = pytest.mark.django_db

LIST = "admin:approvals_application_changelist"


@pytest.fixture
def certificates(permit_item, construction_department):
    """Approving an application of permit_item issues a certificate and queues its print job."""
    return permit_type(construction_department, permit_item)


@pytest.fixture
def colleague(construction_department):
    """Another reviewer of the reviewer's own department."""
    return portal_factories.staff("reviewer3", roles.REVIEWER, construction_department, real_name="陈建国")


def _accepted_many(n, item, clerk, prefix="p"):
    apps = []
    for i in range(n):
        person = portal_factories.citizen(f"{prefix}{i}", "批量")
        application = factories.submitted(item, person)
        services.application_accept(application_id=application.pk, actor=clerk)
        apps.append(application)
    return apps


def _in_review_many(n, item, clerk, reviewer, prefix="p"):
    apps = _accepted_many(n, item, clerk, prefix)
    for application in apps:
        services.application_claim(application_id=application.pk, actor=reviewer)
    return apps


def _past_statutory_deadline(application):
    """Move the statutory deadline of an application to yesterday (the clock's arithmetic is tested elsewhere)."""
    yesterday = deadlines.day_of(timezone.now()) - timedelta(days=1)
    Application.objects.filter(pk=application.pk).update(statutory_due_at=deadlines.end_of_day(yesterday))


def _post(client, action, applications, **extra):
    return client.post(
        reverse(LIST), {"action": action, "_selected_action": [a.pk for a in applications], **extra}, follow=True
    )


def _in_english(client):
    """Show the admin in English, as the language switch does."""
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"


def _transitions(application):
    logs = StateLog.objects.filter(
        content_type=ContentType.objects.get_for_model(Application), object_id=application.pk
    ).order_by("timestamp", "pk")
    return [(log.transition, log.by_id) for log in logs]


# --- approving accepted cases in one step ----------------------------------------------------


def test_a_reviewer_approves_five_accepted_cases_in_one_confirmation(
    client, permit_item, certificates, clerk, reviewer
):
    apps = _accepted_many(5, permit_item, clerk)
    client.force_login(reviewer)
    _in_english(client)
    confirm = _post(client, "batch_approve", apps)
    assert (confirm.context["ready"], confirm.context["to_claim"], confirm.context["skipped"]) == (5, 5, [])
    with translation.override("en"):
        response = _post(client, "batch_approve", apps, confirmed="yes")
    assert [str(m) for m in response.context["messages"]] == ["5 approved, 0 skipped."]
    assert Application.objects.filter(pk__in=[a.pk for a in apps], state=State.APPROVED).count() == 5
    assert Certificate.objects.filter(source_application__in=apps).count() == 5
    assert PrintJob.objects.filter(certificate__source_application__in=apps).count() == 5
    for application in apps:
        application.refresh_from_db()
        assert application.handler == reviewer
        assert _transitions(application)[-2:] == [("claim", reviewer.pk), ("approve", reviewer.pk)]


def test_a_batch_approves_the_cases_the_reviewer_holds_and_claims_the_accepted_ones(
    permit_item, certificates, clerk, reviewer
):
    held = _in_review_many(2, permit_item, clerk, reviewer, prefix="h")
    accepted = _accepted_many(2, permit_item, clerk, prefix="a")
    job = services.batch_job_create(actor=reviewer, application_ids=[a.pk for a in held + accepted])
    job = services.batch_job_run(job_id=job.pk)
    assert (job.done, job.failed) == (4, 0)
    for application in held:  # claimed before the batch: not claimed again
        assert [t for t, _by in _transitions(application)].count("claim") == 1


def test_the_confirmation_names_each_skipped_case_with_its_real_reason(
    client, permit_item, certificates, clerk, reviewer, colleague
):
    ready = _accepted_many(2, permit_item, clerk, prefix="r")
    (held_by_colleague,) = _in_review_many(1, permit_item, clerk, colleague, prefix="c")
    (late,) = _accepted_many(1, permit_item, clerk, prefix="l")
    _past_statutory_deadline(late)
    waiting = factories.submitted(permit_item, portal_factories.citizen("w", "等待"))
    client.force_login(reviewer)
    _in_english(client)
    with translation.override("en"):
        confirm = _post(client, "batch_approve", [*ready, held_by_colleague, late, waiting])
    assert confirm.context["ready"] == 2
    reasons = {application.reference: reason for application, reason in confirm.context["skipped"]}
    assert reasons == {
        held_by_colleague.reference: "Held by Reviewer 陈建国.",
        late.reference: (
            f"Its statutory deadline ({(timezone.localdate() - timedelta(days=1)).isoformat()}) "
            "has passed: decide it on its own."
        ),
        waiting.reference: (
            "It is Submitted, awaiting intake: a batch approves only accepted applications "
            "and the ones under review you hold."
        ),
    }
    page = confirm.content.decode()
    assert all(reference in page for reference in reasons)


def test_the_holder_is_named_with_role_and_name_in_chinese(permit_item, clerk, reviewer, colleague):
    (held,) = _in_review_many(1, permit_item, clerk, colleague)
    with translation.override("zh-hans"):
        preview = services.batch_preview(actor=reviewer, application_ids=[held.pk])
    assert "审批人员 陈建国" in preview.skipped[0][1]


def test_the_run_skips_each_case_with_the_same_reason_the_confirmation_gave(
    client, permit_item, certificates, clerk, reviewer, colleague
):
    ready = _accepted_many(2, permit_item, clerk, prefix="r")
    (held_by_colleague,) = _in_review_many(1, permit_item, clerk, colleague, prefix="c")
    (late,) = _accepted_many(1, permit_item, clerk, prefix="l")
    _past_statutory_deadline(late)
    selection = [*ready, held_by_colleague, late]
    client.force_login(reviewer)
    _in_english(client)
    with translation.override("en"):
        confirm = _post(client, "batch_approve", selection)
        expected = {application.reference: reason for application, reason in confirm.context["skipped"]}
        response = _post(client, "batch_approve", selection, confirmed="yes")
    (message,) = [str(m) for m in response.context["messages"]]
    assert message.startswith("2 approved, 2 skipped.")
    for reference, reason in expected.items():
        assert f"{reference}: {reason}" in message
    job = BatchJob.objects.get()
    assert {item.application.reference: item.message for item in job.items.filter(approved=False)} == expected
    held_by_colleague.refresh_from_db()
    late.refresh_from_db()
    assert (held_by_colleague.state, held_by_colleague.handler) == (State.IN_REVIEW, colleague)
    assert (late.state, late.handler) == (State.ACCEPTED, None)  # not even claimed: the case was left untouched


def test_a_case_of_another_department_is_skipped_with_its_department(
    permit_item, certificates, clerk, reviewer, market_department
):
    other_item = factories.item(market_department)
    (foreign,) = _accepted_many(1, other_item, clerk, prefix="f")
    (own,) = _accepted_many(1, permit_item, clerk, prefix="o")
    with translation.override("en"):
        job = services.batch_job_run(
            job_id=services.batch_job_create(actor=reviewer, application_ids=[foreign.pk, own.pk]).pk
        )
    assert (job.done, job.failed) == (1, 1)
    assert job.items.get(approved=False).message == (f"It belongs to {market_department.name}, not to your department.")
    foreign.refresh_from_db()
    assert (foreign.state, foreign.handler) == (State.ACCEPTED, None)


def test_a_case_claimed_by_someone_else_after_the_confirmation_is_skipped_with_their_name(
    permit_item, certificates, clerk, reviewer, colleague
):
    (application,) = _accepted_many(1, permit_item, clerk)
    assert services.batch_preview(actor=reviewer, application_ids=[application.pk]).ready == [application]
    job = services.batch_job_create(actor=reviewer, application_ids=[application.pk])
    services.application_claim(application_id=application.pk, actor=colleague)  # a colleague was quicker
    with translation.override("en"):
        job = services.batch_job_run(job_id=job.pk)
    assert (job.done, job.failed) == (0, 1)
    assert job.items.get().message == "Held by Reviewer 陈建国."


def test_the_confirmation_page_has_a_fixed_number_of_queries(client, permit_item, clerk, reviewer, colleague):
    def confirmation_queries(n):
        ready = _accepted_many(n, permit_item, clerk, prefix=f"r{n}-")
        held = _in_review_many(n, permit_item, clerk, colleague, prefix=f"c{n}-")
        client.force_login(reviewer)
        with CaptureQueriesContext(connection) as queries:
            response = _post(client, "batch_approve", ready + held)
        assert (response.context["ready"], len(response.context["skipped"])) == (n, n)
        return len(queries)

    assert confirmation_queries(3) == confirmation_queries(10)


# --- batch claim -----------------------------------------------------------------------------


def test_a_reviewer_claims_the_selected_accepted_cases(client, permit_item, clerk, reviewer, colleague):
    accepted = _accepted_many(3, permit_item, clerk, prefix="a")
    (held,) = _in_review_many(1, permit_item, clerk, colleague, prefix="c")
    client.force_login(reviewer)
    _in_english(client)
    with translation.override("en"):
        response = _post(client, "batch_claim", [*accepted, held])
    assert [str(m) for m in response.context["messages"]] == [
        f"3 claimed, 1 skipped. {held.reference}: Held by Reviewer 陈建国."
    ]
    for application in accepted:
        application.refresh_from_db()
        assert (application.state, application.handler) == (State.IN_REVIEW, reviewer)
        assert _transitions(application)[-1] == ("claim", reviewer.pk)
    held.refresh_from_db()
    assert held.handler == colleague


def test_a_batch_claim_skips_what_is_not_accepted_with_its_state(permit_item, clerk, reviewer, citizen):
    waiting = factories.submitted(permit_item, citizen)
    (mine,) = _in_review_many(1, permit_item, clerk, reviewer)
    with translation.override("en"):
        outcome = services.batch_claim(actor=reviewer, application_ids=[waiting.pk, mine.pk])
    assert outcome.claimed == []
    assert outcome.skipped == [
        (waiting.reference, "It is Submitted, awaiting intake: only accepted applications can be claimed."),
        (mine.reference, "You already hold it."),
    ]


# --- the Celery path -------------------------------------------------------------------------


def test_above_the_threshold_the_worker_claims_approves_and_skips_the_same_way(
    client, permit_item, certificates, clerk, reviewer, colleague, settings, django_capture_on_commit_callbacks
):
    settings.BATCH_APPROVE_SYNC_LIMIT = 2
    accepted = _accepted_many(3, permit_item, clerk, prefix="a")
    (held,) = _in_review_many(1, permit_item, clerk, colleague, prefix="c")
    client.force_login(reviewer)
    _in_english(client)
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse(LIST),
            {"action": "batch_approve", "_selected_action": [a.pk for a in [*accepted, held]], "confirmed": "yes"},
        )
    job = BatchJob.objects.get()
    assert response["Location"] == reverse("admin:approvals_batchjob_change", args=[job.pk])
    assert (job.status, job.done, job.failed) == (BatchJob.Status.DONE, 3, 0 + 1)
    assert Certificate.objects.filter(source_application__in=accepted).count() == 3
    for application in accepted:
        assert _transitions(application)[-2:] == [("claim", reviewer.pk), ("approve", reviewer.pk)]
    with translation.override("en"):
        page = client.get(response["Location"]).content.decode()
    assert f"{held.reference}: Held by Reviewer 陈建国." in page


def test_the_task_function_runs_the_same_batch(permit_item, certificates, clerk, reviewer):
    apps = _accepted_many(2, permit_item, clerk)
    job = services.batch_job_create(actor=reviewer, application_ids=[a.pk for a in apps])
    assert batch_approve_run(job.pk) == 2
    assert PrintJob.objects.filter(certificate__source_application__in=apps).count() == 2


# --- who may ---------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["clerk", "print_operator"])
@pytest.mark.parametrize("action", ["batch_approve", "batch_claim"])
def test_a_clerk_or_print_operator_cannot_run_a_batch(client, permit_item, clerk, role, action, request):
    apps = _accepted_many(2, permit_item, clerk)
    client.force_login(request.getfixturevalue(role))
    _post(client, action, apps, confirmed="yes")
    assert not BatchJob.objects.exists()
    assert Application.objects.filter(pk__in=[a.pk for a in apps], state=State.ACCEPTED).count() == 2


@pytest.mark.parametrize("role", ["clerk", "print_operator", "supervisor"])
def test_the_batch_services_refuse_anyone_but_a_reviewer(permit_item, clerk, role, request):
    apps = _accepted_many(1, permit_item, clerk)
    actor = request.getfixturevalue(role)
    with pytest.raises(errors.ActionRefused):
        services.batch_job_create(actor=actor, application_ids=[apps[0].pk])
    with pytest.raises(errors.ActionRefused):
        services.batch_claim(actor=actor, application_ids=[apps[0].pk])
    apps[0].refresh_from_db()
    assert apps[0].state == State.ACCEPTED


# --- resuming, errors (moved from test_admin.py) ---------------------------------------------


def test_batch_approval_of_a_mixed_selection_reports_approved_and_skipped(
    client, permit_item, clerk, reviewer, citizen
):
    ready = _in_review_many(3, permit_item, clerk, reviewer)
    (accepted,) = _accepted_many(1, permit_item, clerk, prefix="a")  # claimed on the way
    waiting = factories.submitted(permit_item, citizen)  # not accepted yet: skipped
    client.force_login(reviewer)
    selected = [*ready, accepted, waiting]
    confirm = _post(client, "batch_approve", selected)
    assert confirm.status_code == 200 and "confirmed" in confirm.content.decode()
    response = _post(client, "batch_approve", selected, confirmed="yes")
    assert Application.objects.filter(state=State.APPROVED).count() == 4
    content = response.content.decode()
    assert "4 件已批准，1 件跳过" in content
    assert waiting.reference in content


def test_a_large_batch_runs_as_a_job_and_resumes_without_approving_twice(permit_item, clerk, reviewer, settings):
    apps = _in_review_many(6, permit_item, clerk, reviewer)
    job = services.batch_job_create(actor=reviewer, application_ids=[a.pk for a in apps])
    # Simulate a worker that died after three approvals.

    for application in apps[:3]:
        _batch_approve_one(job, application.pk)
    BatchJob.objects.filter(pk=job.pk).update(status=BatchJob.Status.RUNNING)

    batch_approve_run.delay(job.pk)
    job.refresh_from_db()
    assert (job.done, job.failed, job.status) == (6, 0, BatchJob.Status.DONE)
    assert job.items.count() == 6

    for application in apps:
        assert StateLog.objects.filter(object_id=application.pk, transition="approve").count() == 1


def test_above_the_threshold_the_admin_queues_a_job_with_a_progress_page(
    client, permit_item, clerk, reviewer, settings, django_capture_on_commit_callbacks
):
    settings.BATCH_APPROVE_SYNC_LIMIT = 2
    apps = _in_review_many(3, permit_item, clerk, reviewer)
    client.force_login(reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse(LIST),
            {"action": "batch_approve", "_selected_action": [a.pk for a in apps], "confirmed": "yes"},
        )
    job = BatchJob.objects.get()
    assert response["Location"] == reverse("admin:approvals_batchjob_change", args=[job.pk])
    page = client.get(response["Location"]).content.decode()
    assert "<progress" in page and "100%" in page
    assert Application.objects.filter(state=State.APPROVED).count() == 3


@pytest.fixture
def stalled_job(permit_item, clerk, reviewer):
    """A batch of three whose worker died after approving the first one."""
    apps = _in_review_many(3, permit_item, clerk, reviewer)
    job = services.batch_job_create(actor=reviewer, application_ids=[a.pk for a in apps])
    _batch_approve_one(job, apps[0].pk)
    BatchJob.objects.filter(pk=job.pk).update(status=BatchJob.Status.RUNNING)
    return job


def test_the_reviewer_who_started_a_batch_resumes_it_after_the_commit(
    stalled_job, reviewer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as queued:
        services.batch_job_resume(job_id=stalled_job.pk, actor=reviewer)
    stalled_job.refresh_from_db()
    assert stalled_job.status == BatchJob.Status.PENDING and len(queued) == 1  # nothing runs before the commit
    queued[0]()
    stalled_job.refresh_from_db()
    assert (stalled_job.done, stalled_job.failed, stalled_job.status) == (3, 0, BatchJob.Status.DONE)
    assert Application.objects.filter(state=State.APPROVED).count() == 3


def test_a_colleague_of_the_same_department_resumes_a_batch(
    stalled_job, construction_department, django_capture_on_commit_callbacks
):
    colleague = portal_factories.staff("reviewer3", roles.REVIEWER, construction_department)
    with django_capture_on_commit_callbacks(execute=True):
        services.batch_job_resume(job_id=stalled_job.pk, actor=colleague)
    stalled_job.refresh_from_db()
    assert (stalled_job.done, stalled_job.status) == (3, BatchJob.Status.DONE)


@pytest.mark.parametrize(
    "role", ["citizen", "clerk", "other_reviewer", "print_operator", "supervisor", "administrator"]
)
def test_nobody_else_resumes_a_batch(stalled_job, role, request, django_capture_on_commit_callbacks):
    actor = request.getfixturevalue(role)  # before the capture: a new department queues a page-cache bump
    with django_capture_on_commit_callbacks() as queued, pytest.raises(errors.ActionRefused) as refused:
        services.batch_job_resume(job_id=stalled_job.pk, actor=actor)
    assert refused.value.message == "只有该批次所属部门的审批人员可以继续执行该批次。"
    stalled_job.refresh_from_db()
    assert (stalled_job.status, stalled_job.done, queued) == (BatchJob.Status.RUNNING, 1, [])


def test_a_finished_batch_is_not_resumed(stalled_job, reviewer, django_capture_on_commit_callbacks):
    services.batch_job_run(job_id=stalled_job.pk)
    with django_capture_on_commit_callbacks() as queued, pytest.raises(errors.AlreadyHandled) as refused:
        services.batch_job_resume(job_id=stalled_job.pk, actor=reviewer)
    assert refused.value.message == "该批次已执行完毕：3 件已批准，0 件跳过。"
    assert queued == []


def test_the_admin_resumes_the_unfinished_batches_and_says_why_not_the_others(
    client, stalled_job, permit_item, clerk, reviewer, django_capture_on_commit_callbacks
):
    finished = services.batch_job_run(
        job_id=services.batch_job_create(actor=reviewer, application_ids=[stalled_job.application_ids[0]]).pk
    )
    client.force_login(reviewer)
    url = reverse("admin:approvals_batchjob_changelist")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url, {"action": "resume_jobs", "_selected_action": [stalled_job.pk, finished.pk]}, follow=True
        )
    shown = [str(m) for m in response.context["messages"]]
    assert shown == ["已继续 1 个批次。", f"#{finished.pk}: 该批次已执行完毕：0 件已批准，1 件跳过。"]
    stalled_job.refresh_from_db()
    assert (stalled_job.done, stalled_job.status) == (3, BatchJob.Status.DONE)


def test_the_supervisor_sees_batches_but_cannot_resume_them(client, stalled_job, supervisor):
    client.force_login(supervisor)
    url = reverse("admin:approvals_batchjob_changelist")
    assert client.get(url).status_code == 200
    client.post(url, {"action": "resume_jobs", "_selected_action": [stalled_job.pk]})
    stalled_job.refresh_from_db()
    assert stalled_job.status == BatchJob.Status.RUNNING
