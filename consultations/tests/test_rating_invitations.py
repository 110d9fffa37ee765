"""Invitations to rate: one single-use link and one notice when a service ends, never twice, never on a failure."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from approvals import services as approvals
from approvals.models import State
from approvals.tests import factories as approval_factories
from consultations import services as questions
from consultations.appointments import services as appointments
from consultations.models import RatingInvitation
from consultations.ratings import services
from consultations.ratings.models import ServiceKind
from consultations.tests import appointment_factories as af
from consultations.tests import factories
from licenses.tests.factories import permit_type
from portal.models import Notification
from portal.services import calendar_load_official
from portal.tests import factories as portal_factories

pytestmark = pytest.mark.django_db
MONDAY = date(2026, 10, 12)
FRIDAY = datetime(2026, 10, 9, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def invitations(user) -> list[Notification]:
    return list(Notification.objects.filter(user=user, kind="rating_invitation"))


def accepted(item, applicant, clerk):
    application = approval_factories.submitted(item, applicant)
    return approvals.application_accept(application_id=application.pk, actor=clerk)


def test_a_rejected_application_invites_its_applicant_once(permit_item, citizen, clerk, in_english):
    application = approval_factories.submitted(permit_item, citizen)

    approvals.application_reject(application_id=application.pk, actor=clerk, reason="不属于本部门受理范围")

    (notice,) = invitations(citizen)
    invitation = RatingInvitation.objects.get(kind=ServiceKind.APPLICATION, object_id=application.pk)
    assert invitation.user == citizen
    assert notice.link == reverse("consultations:rate_by_link", args=[invitation.token])
    assert notice.title == f"Please rate the service: {permit_item.name}"


def test_approval_and_denial_each_invite_once(permit_item, citizen, clerk, reviewer):
    permit_type(permit_item.department, permit_item)
    approved = accepted(permit_item, citizen, clerk)
    denied = accepted(permit_item, citizen, clerk)
    for application in (approved, denied):
        approvals.application_claim(application_id=application.pk, actor=reviewer)

    approvals.application_approve(application_id=approved.pk, actor=reviewer)
    approvals.application_deny(application_id=denied.pk, actor=reviewer, reason="不符合条件")

    assert len(invitations(citizen)) == 2
    assert set(RatingInvitation.objects.values_list("object_id", flat=True)) == {approved.pk, denied.pk}


def test_batch_approval_invites_each_applicant_once(permit_item, clerk, reviewer):
    permit_type(permit_item.department, permit_item)
    people = [portal_factories.citizen(f"batch{i}", "批量") for i in range(3)]
    apps = [accepted(permit_item, person, clerk) for person in people]

    job = approvals.batch_job_create(actor=reviewer, application_ids=[a.pk for a in apps])
    job = approvals.batch_job_run(job_id=job.pk)

    assert job.done == 3
    for person in people:
        assert len(invitations(person)) == 1
    assert RatingInvitation.objects.count() == 3


def test_a_failed_approval_leaves_no_invitation(permit_item, citizen, clerk, reviewer, monkeypatch):
    application = accepted(permit_item, citizen, clerk)
    approvals.application_claim(application_id=application.pk, actor=reviewer)

    def broken(application):
        raise RuntimeError("the certificate database is down")

    monkeypatch.setattr("approvals.services.review.certificate_issue_for", broken)
    with pytest.raises(RuntimeError):
        approvals.application_approve(application_id=application.pk, actor=reviewer)

    application.refresh_from_db()
    assert application.state == State.IN_REVIEW
    assert not RatingInvitation.objects.exists()
    assert invitations(citizen) == []


def test_a_draft_or_an_unaccepted_application_withdrawn_invites_nobody(permit_item, citizen):
    draft = approval_factories.complete_draft(permit_item, citizen)
    submitted = approval_factories.submitted(permit_item, citizen)

    approvals.application_withdraw(application_id=draft.pk, actor=citizen, reason="不办了")
    approvals.application_withdraw(application_id=submitted.pk, actor=citizen, reason="不办了")

    assert invitations(citizen) == []


def test_withdrawing_after_acceptance_invites_the_applicant(permit_item, citizen, clerk):
    application = accepted(permit_item, citizen, clerk)

    approvals.application_withdraw(application_id=application.pk, actor=citizen, reason="项目取消")

    assert len(invitations(citizen)) == 1


def test_an_answered_question_invites_its_asker_once(permit_item, citizen, consultant):
    question = factories.answered(permit_item, asker=citizen, handler=consultant)
    questions.question_follow_up(question_id=question.pk, text="还需要别的吗？")
    questions.question_answer(question_id=question.pk, actor=consultant, text="不需要了。")

    (notice,) = invitations(citizen)
    invitation = RatingInvitation.objects.get(kind=ServiceKind.QUESTION, object_id=question.pk)
    assert notice.link == reverse("consultations:rate_by_link", args=[invitation.token])


def test_a_question_asked_without_an_account_invites_nobody(permit_item, consultant):
    question = factories.ask(permit_item)
    questions.question_claim(question_id=question.pk, actor=consultant)
    questions.question_answer(question_id=question.pk, actor=consultant, text="需要申请表。")

    assert not RatingInvitation.objects.exists()


@pytest.fixture
def checked_in(citizen, permit_item, window, clerk):
    calendar_load_official()
    slot = af.slots(window, MONDAY)[0]
    booked = appointments.appointment_book(holder=citizen, slot_id=slot.pk, item=permit_item, now=FRIDAY)
    appointments.check_in(appointment_id=booked.pk, actor=clerk, now=slot.starts_at)
    return booked, appointments.call_next(counter=window, actor=clerk, now=slot.starts_at)


def test_a_ticket_served_invites_the_holder_of_the_appointment(checked_in, citizen, clerk):
    booked, ticket = checked_in

    appointments.ticket_finish(ticket_id=ticket.pk, served=True, actor=clerk)

    assert len(invitations(citizen)) == 1
    assert RatingInvitation.objects.get().object_id == booked.pk


def test_a_ticket_missed_invites_nobody(checked_in, clerk, settings):
    _booked, ticket = checked_in
    settings.APPOINTMENT_MISSED_AFTER_CALLS = 1

    appointments.ticket_finish(ticket_id=ticket.pk, served=False, actor=clerk)

    assert not RatingInvitation.objects.exists()


def test_a_service_is_never_invited_twice(permit_item, citizen, clerk):
    application = approval_factories.submitted(permit_item, citizen)
    approvals.application_reject(application_id=application.pk, actor=clerk, reason="不予受理")

    again = services.invitation_send(
        kind=ServiceKind.APPLICATION, object_id=application.pk, user=citizen, service_name=permit_item.name
    )

    assert again is None
    assert len(invitations(citizen)) == 1
