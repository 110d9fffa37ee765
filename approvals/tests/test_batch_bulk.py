"""Batch approval in chunks: the same outcome as approving one by one, gapless numbers, constant statements."""

import pytest
from django.apps import apps as django_apps
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_fsm_log.models import StateLog

from approvals import services
from approvals.disclosure.models import PublishedDecision
from approvals.models import Application, BatchJob, State
from approvals.services import batch as batch_services
from approvals.tests import factories
from approvals.tests.test_races import _race
from licenses import qr
from licenses.models import Certificate, CertificateCounter, PrintJob
from licenses.services import certificates as certificate_services
from licenses.tests.factories import permit_type
from portal import roles
from portal.models import Notification
from portal.tests import factories as portal_factories

# Approvals may not import consultations, even in tests: the rating invitation is looked up by name.
RatingInvitation = django_apps.get_model("consultations", "RatingInvitation")


@pytest.fixture
def certificates(permit_item, construction_department):
    """Approving an application of permit_item issues a certificate and queues its print job."""
    return permit_type(construction_department, permit_item)


def _in_review(n, item, clerk, reviewer, prefix="b"):
    apps = []
    for i in range(n):
        person = portal_factories.citizen(f"{prefix}{i}", f"批量{i}")
        application = factories.submitted(item, person)
        services.application_accept(application_id=application.pk, actor=clerk)
        services.application_claim(application_id=application.pk, actor=reviewer)
        apps.append(application)
    return apps


def _run(reviewer, apps):
    job = services.batch_job_create(actor=reviewer, application_ids=[a.pk for a in apps])
    return services.batch_job_run(job_id=job.pk)


def _sequences():
    return sorted(Certificate.objects.values_list("sequence", flat=True))


def _same(text, application, invitation):
    """Return a notice's text with what differs by nature (the reference, the link's token) replaced."""
    return text.replace(application.reference, "REF").replace(invitation.token, "TOKEN")


def _who(user_id, application):
    return "applicant" if user_id == application.applicant_id else user_id


def _outcome(application):
    """Everything an approval leaves behind for one application, without what differs by nature (ids, times)."""
    application.refresh_from_db()
    certificate = Certificate.objects.get(source_application=application)
    job = PrintJob.objects.get(certificate=certificate)
    logs = StateLog.objects.filter(
        content_type=ContentType.objects.get_for_model(Application), object_id=application.pk
    ).order_by("pk")
    record = PublishedDecision.objects.get(application=application)
    invitation = RatingInvitation.objects.get(object_id=application.pk)
    return {
        "application": (application.state, application.handler_id, application.current_due_at is None),
        "certificate": (
            certificate.certificate_type_id,
            certificate.year,
            certificate.holder_id == application.applicant_id,
            certificate.department_id,
            certificate.valid_from,
            certificate.valid_until,
            certificate.status,
            certificate.number == f"{certificate.certificate_type.number_prefix}-{certificate.year}-"
            f"{certificate.sequence:06d}",
        ),
        "data": [label for label, _value in certificate.data],
        "history": [
            (row.history_type, row.number == certificate.number, row.holder_name == application.applicant_name)
            for row in certificate.history.all()
        ],
        "holder": (
            certificate.holder_name == application.applicant_name,
            certificate.holder_id_number == application.applicant_id_number,
        ),
        "print job": (job.delivery_method, job.due_at, job.application_id == application.pk, job.state, job.due_level),
        "log": [
            (log.source_state, log.state, log.transition, _who(log.by_id, application), log.role_record.role)
            for log in logs
        ],
        "notices": sorted(
            (n.kind, _same(n.link, application, invitation), _same(n.title, application, invitation))
            for n in Notification.objects.filter(user=application.applicant).exclude(kind__in=["accept", "submit"])
        ),
        "invitation": (invitation.user_id == application.applicant_id, invitation.kind, invitation.used_at),
        "disclosure": (
            record.decision,
            record.state,
            record.holder_name,
            record.certificate_number == certificate.number,
            record.certificate_valid_until,
            record.item_id,
        ),
    }


@pytest.mark.django_db
def test_a_batch_leaves_exactly_what_approving_one_by_one_leaves(permit_item, certificates, clerk, reviewer):
    alone, batched = _in_review(2, permit_item, clerk, reviewer)
    services.application_approve(application_id=alone.pk, actor=reviewer)
    job = _run(reviewer, [batched])
    assert (job.done, job.failed) == (1, 0)

    single, batch = _outcome(alone), _outcome(batched)
    assert single["application"] == (State.APPROVED, reviewer.pk, True)
    assert single["log"][-1][:4] == (State.IN_REVIEW, State.APPROVED, "approve", reviewer.pk)
    assert [kind for kind, _link, _title in single["notices"]] == ["approve", "rating_invitation"]
    assert batch == single
    assert _sequences() == [1, 2]


@pytest.mark.django_db
def test_accepted_cases_are_claimed_and_approved_with_both_steps_logged(permit_item, certificates, clerk, reviewer):
    person = portal_factories.citizen("accepted0", "受理")
    application = factories.submitted(permit_item, person)
    services.application_accept(application_id=application.pk, actor=clerk)
    _run(reviewer, [application])
    logs = StateLog.objects.filter(object_id=application.pk, transition__in=["claim", "approve"]).order_by("pk")
    assert [(log.transition, log.by_id, log.role_record.role) for log in logs] == [
        ("claim", reviewer.pk, roles.REVIEWER),
        ("approve", reviewer.pk, roles.REVIEWER),
    ]
    application.refresh_from_db()
    assert (application.state, application.handler_id) == (State.APPROVED, reviewer.pk)


@pytest.mark.django_db
def test_numbers_stay_gapless_across_chunks(permit_item, certificates, clerk, reviewer, monkeypatch):
    monkeypatch.setattr(batch_services, "BATCH_APPROVE_CHUNK", 2)
    apps = _in_review(5, permit_item, clerk, reviewer)
    job = _run(reviewer, apps)
    assert (job.done, job.failed, job.items.count()) == (5, 0, 5)
    assert _sequences() == [1, 2, 3, 4, 5]
    assert CertificateCounter.objects.get().last == 5
    by_application = dict(Certificate.objects.values_list("source_application_id", "sequence"))
    assert [by_application[a.pk] for a in apps] == [1, 2, 3, 4, 5]  # in the order of the selection


@pytest.mark.django_db
def test_a_batch_encodes_no_qr_code_in_its_transaction_and_a_worker_stores_them_after_commit(
    permit_item, certificates, clerk, reviewer, monkeypatch, django_capture_on_commit_callbacks
):
    encoded = []
    encode = qr.verification
    monkeypatch.setattr(qr, "verification", lambda certificate: encoded.append(certificate.pk) or encode(certificate))
    with django_capture_on_commit_callbacks() as after_commit:
        _run(reviewer, _in_review(3, permit_item, clerk, reviewer))
    assert encoded == []  # nothing encoded while the rows and the number counter are locked
    assert set(Certificate.objects.values_list("qr_code", flat=True)) == {""}
    for callback in after_commit:
        callback()
    assert sorted(encoded) == sorted(Certificate.objects.values_list("pk", flat=True))
    for certificate in Certificate.objects.all():
        url = qr.verify_url(certificate)
        assert qr.unpack(certificate.qr_code, url) == qr.encode(url)


@pytest.mark.django_db
def test_an_unexpected_error_inside_a_chunk_fails_that_application_alone(
    permit_item, certificates, clerk, reviewer, monkeypatch
):
    monkeypatch.setattr(batch_services, "BATCH_APPROVE_CHUNK", 3)
    apps = _in_review(5, permit_item, clerk, reviewer)
    real = certificate_services.printed_data

    def flaky(certificate_type, application):
        # Fails the chunk's bulk issuance, then this one application's own approval when redone alone.
        if application.pk == apps[1].pk:
            raise RuntimeError("disk full")
        return real(certificate_type, application)

    monkeypatch.setattr(certificate_services, "printed_data", flaky)
    job = _run(reviewer, apps)
    assert (job.done, job.failed) == (4, 1)
    failed = job.items.get(approved=False)
    assert failed.application_id == apps[1].pk and "内部错误" in failed.message
    states = dict(Application.objects.values_list("pk", "state"))
    assert [states[a.pk] for a in apps] == [
        State.APPROVED,
        State.IN_REVIEW,
        State.APPROVED,
        State.APPROVED,
        State.APPROVED,
    ]
    assert _sequences() == [1, 2, 3, 4]
    assert not StateLog.objects.filter(object_id=apps[1].pk, transition="approve").exists()
    assert not RatingInvitation.objects.filter(object_id=apps[1].pk).exists()


@pytest.mark.django_db
def test_a_rerun_approves_nothing_twice(permit_item, certificates, clerk, reviewer):
    apps = _in_review(3, permit_item, clerk, reviewer)
    _run(reviewer, apps)
    again = _run(reviewer, apps)
    assert (again.done, again.failed) == (0, 3)
    assert all("当前状态为“准予许可”" in item.message for item in again.items.all())
    assert Certificate.objects.count() == PrintJob.objects.count() == 3
    assert CertificateCounter.objects.get().last == 3
    assert StateLog.objects.filter(transition="approve").count() == 3
    assert Notification.objects.filter(kind="approve").count() == 3
    assert RatingInvitation.objects.count() == PublishedDecision.objects.count() == 3


@pytest.mark.django_db
def test_a_batch_resumed_after_its_worker_died_between_chunks_finishes_without_doubles(
    permit_item, certificates, clerk, reviewer, monkeypatch
):
    monkeypatch.setattr(batch_services, "BATCH_APPROVE_CHUNK", 2)
    apps = _in_review(5, permit_item, clerk, reviewer)
    job = services.batch_job_create(actor=reviewer, application_ids=[a.pk for a in apps])
    # The worker committed its first chunk, then died.
    batch_services._batch_approve_chunk(job, [a.pk for a in apps[:2]], roles={})
    BatchJob.objects.filter(pk=job.pk).update(status=BatchJob.Status.RUNNING)

    job = services.batch_job_run(job_id=job.pk)
    assert (job.done, job.failed, job.status, job.items.count()) == (5, 0, BatchJob.Status.DONE, 5)
    assert _sequences() == [1, 2, 3, 4, 5]
    for application in apps:
        assert StateLog.objects.filter(object_id=application.pk, transition="approve").count() == 1
        assert Notification.objects.filter(user=application.applicant, kind="approve").count() == 1


@pytest.mark.django_db
def test_the_statements_of_a_batch_do_not_grow_with_its_size(permit_item, certificates, clerk, reviewer):
    small, large = _in_review(3, permit_item, clerk, reviewer, "s"), _in_review(12, permit_item, clerk, reviewer, "l")
    _run(reviewer, _in_review(1, permit_item, clerk, reviewer, "w"))  # warms the caches (content types, calendar)
    counts = []
    for apps in (small, large):
        job = services.batch_job_create(actor=reviewer, application_ids=[a.pk for a in apps])
        with CaptureQueriesContext(connection) as queries:
            job = services.batch_job_run(job_id=job.pk)
        assert job.done == len(apps)
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    assert counts[1] <= 32, counts  # one chunk: about 29 statements, one of each kind (and the applicants read)


# --- two batches at the same moment (PostgreSQL) -----------------------------------------------


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_batches_at_once_number_gaplessly_and_approve_each_case_once(
    requires_postgresql, permit_item, certificates, clerk, reviewer, monkeypatch
):
    monkeypatch.setattr(batch_services, "BATCH_APPROVE_CHUNK", 4)
    apps = _in_review(16, permit_item, clerk, reviewer)
    # Two batches, overlapping on the middle eight cases.
    first = services.batch_job_create(actor=reviewer, application_ids=[a.pk for a in apps[:12]])
    second = services.batch_job_create(actor=reviewer, application_ids=[a.pk for a in apps[4:]][::-1])
    results = _race(
        lambda: services.batch_job_run(job_id=first.pk),
        lambda: services.batch_job_run(job_id=second.pk),
    )
    assert all(isinstance(result, BatchJob) for result in results), results
    assert sum(job.done for job in results) == 16
    assert sum(job.failed for job in results) == 8  # each overlapping case is approved by one and skipped by the other
    assert _sequences() == list(range(1, 17))
    assert Application.objects.filter(state=State.APPROVED).count() == 16
    assert StateLog.objects.filter(transition="approve").count() == 16
    assert Notification.objects.filter(kind="approve").count() == 16
    assert PrintJob.objects.count() == RatingInvitation.objects.count() == 16
