"""Service evaluation (好差评): one rating per service, bad reviews opening a rectification with its clocks."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from approvals import services as approvals
from approvals.tests import factories as approval_factories
from consultations.models import Rating, Rectification
from consultations.ratings import figures, services
from consultations.ratings.models import Level5, ServiceKind
from consultations.tests import factories
from portal.clock.levels import Level
from portal.errors import ActionRefused, AlreadyHandled
from portal.models import Notification
from portal.services import calendar_load_official

SHANGHAI = ZoneInfo("Asia/Shanghai")
pytestmark = pytest.mark.django_db


def at(*args) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)


@pytest.fixture
def official_calendar(db):
    calendar_load_official()


@pytest.fixture
def rejected(permit_item, citizen, clerk):
    """An application concluded at intake (rejected), the citizen's to rate."""
    application = approval_factories.submitted(permit_item, citizen)
    return approvals.application_reject(application_id=application.pk, actor=clerk, reason="不属于本部门受理范围")


def rate(application, rater, level=Level5.DISSATISFIED, **fields):
    return services.rating_submit(
        rater=rater, kind=ServiceKind.APPLICATION, object_id=application.pk, level=level, **fields
    )


def test_a_bad_review_opens_a_rectification_due_by_the_calendar(official_calendar, rejected, citizen):
    rating = rate(rejected, citizen, comment="补正通知没有一次说清", now=at(2026, 9, 24, 10, 0))

    rectification = Rectification.objects.get(rating=rating)
    assert rectification.department == rejected.department
    # The next working day, then 15 working days counted across Mid-Autumn and National Day.
    assert rectification.visit_due_at.date() == date(2026, 9, 28)
    assert rectification.current_due_at.date() == date(2026, 10, 22)


def test_a_good_review_opens_nothing(rejected, citizen):
    rate(rejected, citizen, level=Level5.SATISFIED)

    assert not Rectification.objects.exists()


def test_a_real_name_review_is_not_closed_without_a_return_visit(rejected, citizen, reviewer):
    rectification = rate(rejected, citizen).rectification

    with pytest.raises(ActionRefused):
        services.rectification_close(
            rectification_id=rectification.pk, actor=reviewer, outcome="rectified", text="已统一补正告知模板"
        )
    services.return_visit_record(
        rectification_id=rectification.pk, actor=reviewer, channel="电话", notes="已致歉并说明"
    )
    closed = services.rectification_close(
        rectification_id=rectification.pk, actor=reviewer, outcome="rectified", text="已统一补正告知模板"
    )

    assert closed.closed_at is not None
    notice = Notification.objects.get(user=citizen, kind="rating_outcome")
    assert "已统一补正告知模板" in notice.body


def test_the_visit_and_rectification_levels_stop_when_each_step_is_done(rejected, citizen, reviewer):
    # A return visit due within one working day is due soon from the start.
    rectification = rate(rejected, citizen).rectification
    assert rectification.visit_level == Level.WARNING

    visited = services.return_visit_record(
        rectification_id=rectification.pk, actor=reviewer, channel="电话", notes="已致歉并说明"
    )
    assert visited.visit_level == Level.NORMAL
    closed = services.rectification_close(
        rectification_id=rectification.pk, actor=reviewer, outcome="rectified", text="已统一补正告知模板"
    )

    assert (closed.visit_level, closed.due_level) == (Level.NORMAL, Level.NORMAL)


def test_an_anonymous_review_may_close_without_a_return_visit(rejected, citizen, reviewer):
    rectification = rate(rejected, citizen, anonymous=True).rectification

    closed = services.rectification_close(
        rectification_id=rectification.pk, actor=reviewer, outcome="explained", text="该要求无法律依据"
    )

    assert closed.outcome == "explained"


def test_another_department_cannot_handle_the_rectification(rejected, citizen, other_reviewer):
    rectification = rate(rejected, citizen).rectification

    with pytest.raises(ActionRefused):
        services.return_visit_record(rectification_id=rectification.pk, actor=other_reviewer, channel="电话", notes="x")


def test_a_service_is_rated_once(rejected, citizen):
    rate(rejected, citizen)

    with pytest.raises(AlreadyHandled):
        rate(rejected, citizen, level=Level5.VERY_SATISFIED)
    assert Rating.objects.count() == 1


def test_only_the_applicant_rates_and_only_once_concluded(permit_item, citizen, other_citizen, rejected):
    open_application = approval_factories.submitted(permit_item, citizen)

    with pytest.raises(ActionRefused):
        rate(rejected, other_citizen)
    with pytest.raises(ActionRefused):
        rate(open_application, citizen)


def test_an_answered_question_is_rated_by_its_asker(permit_item, citizen, consultant):
    question = factories.answered(permit_item, asker=citizen, handler=consultant)

    rating = services.rating_submit(
        rater=citizen, kind=ServiceKind.QUESTION, object_id=question.pk, level=Level5.VERY_SATISFIED
    )

    assert rating.department == permit_item.department


def test_a_used_link_is_no_longer_valid(rejected, citizen):
    invitation = services.invitation_create(kind=ServiceKind.APPLICATION, object_id=rejected.pk, user=citizen)
    assert services.invitation_valid(invitation.token) is not None

    rate(rejected, citizen)

    assert services.invitation_valid(invitation.token) is None


def test_an_expired_link_is_no_longer_valid(rejected, citizen):
    invitation = services.invitation_create(kind=ServiceKind.APPLICATION, object_id=rejected.pk, user=citizen)

    assert services.invitation_valid(invitation.token, now=invitation.expires_at - timedelta(seconds=1)) is not None
    assert services.invitation_valid(invitation.token, now=invitation.expires_at + timedelta(seconds=1)) is None


def test_an_accepted_appeal_excludes_the_rating_from_the_figures_but_keeps_it(rejected, citizen, reviewer, supervisor):
    rectification = rate(rejected, citizen, anonymous=True).rectification
    services.rectification_close(rectification_id=rectification.pk, actor=reviewer, outcome="appeal", text="恶意差评")

    services.appeal_decide(rectification_id=rectification.pk, actor=supervisor, accept=True)

    assert Rating.objects.get(pk=rectification.rating_id).excluded
    assert [row["counted"] for row in figures.rating_figures()] == [0]


def test_the_good_review_rate_matches_a_hand_count(permit_item, citizen, clerk):
    levels = [5, 5, 4, 3, 2, 1, 4]  # five good of seven
    for level in levels:
        application = approval_factories.submitted(permit_item, citizen)
        approvals.application_reject(application_id=application.pk, actor=clerk, reason="不予受理")
        rate(application, citizen, level=level, anonymous=True)

    (row,) = figures.rating_figures()

    assert row["department_id"] == permit_item.department_id
    assert row["counted"] == 7
    assert row["good_rate"] == round(100 * 5 / 7, 2)
    assert row["bad"] == 2
