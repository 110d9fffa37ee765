"""The demo ratings seed_demo loads: mostly good, bad reviews in every rectification state, one overdue, idempotent."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db.models import Count, F, Q
from django.utils import timezone

from approvals.models import Application, State
from approvals.tests.demo_seeded import seeded  # noqa: F401 - the fixture below
from consultations.models import Question, QueueTicket, Rating, Rectification
from consultations.ratings import clock
from consultations.ratings.models import BAD_LEVELS, Level5, ServiceKind
from portal.clock.levels import Level
from portal.models import ClockAlert

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeded")]
Outcome, Appeal = Rectification.Outcome, Rectification.Appeal


def _counts():
    return (
        Application.objects.count(),
        Rating.objects.count(),
        Rectification.objects.count(),
        ClockAlert.objects.count(),
    )


def test_seeding_again_adds_nothing(settings):
    settings.DEBUG = True
    before = _counts()

    call_command("seed_demo", verbosity=0)

    assert _counts() == before


def test_it_makes_a_few_hundred_ratings_mostly_good_and_a_few_per_cent_bad():
    levels = dict(Rating.objects.values_list("level").annotate(n=Count("id")))
    total = sum(levels.values())

    assert 200 <= total <= 500
    assert set(levels) == set(Level5.values)
    assert (levels[Level5.VERY_SATISFIED] + levels[Level5.SATISFIED]) / total > 0.8
    assert 0.02 <= sum(levels[level] for level in BAD_LEVELS) / total <= 0.08


def test_ratings_are_spread_over_departments_months_and_kinds():
    today = timezone.localdate()
    ratings = Rating.objects.all()

    assert ratings.values("department").distinct().count() >= 10
    assert ratings.filter(rated_at__date__lt=today - timedelta(days=150)).exists()
    assert not ratings.filter(rated_at__gt=timezone.now()).exists()
    assert set(ratings.values_list("kind", flat=True)) == set(ServiceKind.values)


def test_the_history_concludes_applications_over_six_months_mostly_on_time():
    old = Application.objects.filter(decided_at__date__lt=timezone.localdate() - timedelta(days=30))
    decided = old.filter(state__in=[State.APPROVED, State.DENIED])

    assert old.count() >= 200
    assert old.filter(state=State.REJECTED).exists() and decided.filter(state=State.DENIED).exists()
    assert Application.objects.filter(state=State.WITHDRAWN, accepted_at__isnull=False).exists()
    late = decided.filter(decided_at__gt=F("promised_due_at")).count()
    assert 0 < late < decided.count() * 0.1
    assert not decided.filter(decided_at__gt=F("statutory_due_at")).exists()


def test_every_rating_is_of_a_concluded_service_by_its_own_person():
    for rating in Rating.objects.filter(kind=ServiceKind.APPLICATION).select_related("application"):
        application = rating.application
        assert rating.rater_id == application.applicant_id
        assert application.state in (State.APPROVED, State.DENIED, State.REJECTED, State.WITHDRAWN)
        assert application.accepted_at is not None or application.state == State.REJECTED
        assert rating.rated_at >= (application.decided_at or application.withdrawn_at)
    for rating in Rating.objects.filter(kind=ServiceKind.QUESTION).select_related("question"):
        assert rating.rater_id == rating.question.asker_id
        assert rating.question.first_reply_at is not None
        assert rating.rated_at >= rating.question.first_reply_at
    for rating in Rating.objects.filter(kind=ServiceKind.APPOINTMENT).select_related("appointment"):
        assert rating.rater_id == rating.appointment.holder_id
        assert QueueTicket.objects.filter(appointment=rating.appointment, state=QueueTicket.State.SERVED).exists()


def test_the_demo_people_keep_services_to_rate_themselves():
    for username in ("zhangsan", "huaxia"):
        rated = Rating.objects.filter(rater__username=username, kind=ServiceKind.APPLICATION).values("application")
        concluded = Application.objects.filter(applicant__username=username, decided_at__isnull=False)
        assert concluded.exclude(pk__in=rated).exists()
    asked = Question.objects.filter(asker__username="zhangsan", first_reply_at__isnull=False)
    assert asked.exclude(pk__in=Rating.objects.filter(kind=ServiceKind.QUESTION).values("question")).exists()


def test_every_bad_review_opens_a_rectification_of_its_department():
    bad = Rating.objects.filter(level__in=BAD_LEVELS)

    assert bad.count() == Rectification.objects.count()
    assert not bad.filter(rectification__isnull=True).exists()
    assert not Rectification.objects.exclude(department=F("rating__department")).exists()


@pytest.mark.parametrize(
    "state",
    [
        Q(visited_at__isnull=True, closed_at__isnull=True),
        Q(visited_at__isnull=False, closed_at__isnull=True),
        Q(outcome=Outcome.RECTIFIED, closed_on_time=True),
        Q(outcome=Outcome.RECTIFIED, closed_on_time=False),
        Q(outcome=Outcome.EXPLAINED),
        Q(appeal=Appeal.PENDING),
        Q(appeal=Appeal.ACCEPTED, rating__excluded=True),
        Q(appeal=Appeal.REJECTED, rating__excluded=False),
        Q(rater_satisfied=True),
        Q(rater_satisfied=False),
        Q(closed_at__isnull=False, appeal="", rater_satisfied__isnull=True, rating__rater__username="zhangsan"),
        Q(rating__anonymous=True, closed_at__isnull=True),
        Q(rating__anonymous=True, closed_at__isnull=False, visited_at__isnull=True),
        Q(rating__anonymous=False, closed_at__isnull=False, visited_at__isnull=False),
    ],
    ids=[
        "visit-due",
        "visited-open",
        "rectified-on-time",
        "rectified-late",
        "explained",
        "appeal-pending",
        "appeal-accepted",
        "appeal-rejected",
        "rater-satisfied",
        "rater-not-satisfied",
        "waiting-for-the-demo-citizens-verdict",
        "anonymous-open",
        "anonymous-closed-without-visit",
        "real-name-closed-after-visit",
    ],
)
def test_bad_reviews_are_in_every_rectification_state(state):
    assert Rectification.objects.filter(state).exists()


def test_no_real_name_review_is_closed_without_a_return_visit():
    closed = Rectification.objects.filter(closed_at__isnull=False, rating__anonymous=False)

    assert not closed.filter(visited_at__isnull=True).exists()


def test_exactly_one_rectification_is_overdue_and_alerted():
    now = timezone.now()
    overdue = Rectification.objects.filter(closed_at__isnull=True, current_due_at__lt=now)

    assert overdue.count() == 1
    assert list(Rectification.objects.filter(due_level=Level.OVERDUE)) == list(overdue)
    assert not Rectification.objects.filter(visited_at__isnull=True, closed_at__isnull=True, visit_due_at__lt=now)
    assert ClockAlert.objects.filter(clock=clock.RECTIFY, object_id=overdue.get().pk, level=Level.OVERDUE).exists()


def test_staff_actions_are_by_the_demo_staff_and_the_supervisor_decides_appeals():
    decided = Rectification.objects.exclude(appeal__in=["", Appeal.PENDING])
    handled = Rectification.objects.filter(Q(department__code__in=["zjj", "scjg"]), closed_at__isnull=False)

    assert set(decided.values_list("appeal_decided_by__username", flat=True)) == {"supervisor"}
    assert set(handled.values_list("closed_by__username", flat=True)) <= {
        "reviewer_zjj",
        "consultant_zjj",
        "reviewer_scjg",
        "consultant_scjg",
    }


def test_comments_are_in_chinese_and_some_may_be_published():
    commented = Rating.objects.exclude(comment="")

    assert commented.filter(comment_public=True).exists() and commented.filter(comment_public=False).exists()
    assert all(
        any("\u4e00" <= char <= "\u9fff" for char in comment) for comment in commented.values_list("comment", flat=True)
    )
    assert Rating.objects.exclude(tags=[]).exists()
