"""The public side of ratings: the rating form (signed in and by link), where rating is offered, the verdict."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from approvals import services as approvals
from approvals.tests import factories as approval_factories
from consultations.models import Rating, RatingInvitation, Rectification
from consultations.ratings import services
from consultations.ratings.models import Level5, ServiceKind
from consultations.tests import factories
from portal.services import calendar_load_official

SHANGHAI = ZoneInfo("Asia/Shanghai")
pytestmark = pytest.mark.django_db
COMPLAINT = "补正通知没有一次说清"


def at(*args) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)


def reject(item, applicant, clerk):
    application = approval_factories.submitted(item, applicant)
    return approvals.application_reject(application_id=application.pk, actor=clerk, reason="不属于本部门受理范围")


@pytest.fixture
def rejected(permit_item, citizen, clerk):
    """An application concluded at intake (rejected), the citizen's to rate."""
    return reject(permit_item, citizen, clerk)


def rate_url(application) -> str:
    return reverse("consultations:rate", args=[ServiceKind.APPLICATION, application.pk])


def link_url(application) -> str:
    invitation = RatingInvitation.objects.get(kind=ServiceKind.APPLICATION, object_id=application.pk)
    return reverse("consultations:rate_by_link", args=[invitation.token])


def verdict_url(rating) -> str:
    return reverse("consultations:rating_verdict", args=[rating.pk])


def bad_review(application, rater, **fields) -> Rating:
    return services.rating_submit(
        rater=rater, kind=ServiceKind.APPLICATION, object_id=application.pk, level=Level5.DISSATISFIED, **fields
    )


def closed(rating, reviewer) -> Rectification:
    rectification = rating.rectification
    services.return_visit_record(rectification_id=rectification.pk, actor=reviewer, channel="电话", notes="已致歉")
    return services.rectification_close(
        rectification_id=rectification.pk, actor=reviewer, outcome="rectified", text="已统一补正告知模板"
    )


# --- the journey ----------------------------------------------------------------------


def test_a_citizen_rates_their_application_dissatisfied_and_a_rectification_is_due_by_the_calendar(
    client, permit_item, citizen, clerk, reviewer, in_english
):
    calendar_load_official()
    with time_machine.travel(at(2026, 9, 24, 10, 0), tick=False):
        application = reject(permit_item, citizen, clerk)
        client.force_login(citizen)
        page = client.get(application.get_absolute_url()).content.decode()
        assert "Rate this service" in page

        response = client.post(
            rate_url(application), {"level": Level5.DISSATISFIED, "tags": ["one_notice"], "comment": COMPLAINT}
        )

    assert response.status_code == 200
    assert "The department will contact you within 1 working day" in response.content.decode()
    assert "put it right within 15 working days" in response.content.decode()
    rating = Rating.objects.get()
    assert (rating.rater, rating.comment, rating.tags) == (citizen, COMPLAINT, ["one_notice"])
    rectification = Rectification.objects.get(rating=rating)
    assert rectification.department == application.department
    # The next working day; 15 working days counted across Mid-Autumn and National Day.
    assert timezone.localdate(rectification.visit_due_at) == date(2026, 9, 28)
    assert timezone.localdate(rectification.current_due_at) == date(2026, 10, 22)

    closed(rating, reviewer)
    client.force_login(citizen)  # a new session: the one of September has expired by now
    page = client.get(application.get_absolute_url()).content.decode()
    assert "已统一补正告知模板" in page
    assert "Are you satisfied with the outcome?" in page
    client.post(verdict_url(rating), {"satisfied": "no", "next": application.get_absolute_url()})
    assert Rectification.objects.get().rater_satisfied is False


def test_a_good_rating_thanks_and_opens_nothing(client, rejected, citizen, in_english):
    client.force_login(citizen)

    response = client.post(rate_url(rejected), {"level": Level5.VERY_SATISFIED, "anonymous": "on"})

    assert "Thank you for your rating" in response.content.decode()
    assert Rating.objects.get().anonymous
    assert not Rectification.objects.exists()


# --- who may rate what ----------------------------------------------------------------------


def test_another_citizen_finds_no_rate_page_nor_verdict(client, rejected, citizen, other_citizen, reviewer):
    rating = bad_review(rejected, citizen)
    closed(rating, reviewer)
    client.force_login(other_citizen)

    assert client.get(rate_url(rejected)).status_code == 404
    assert client.post(rate_url(rejected), {"level": Level5.SATISFIED}).status_code == 404
    assert client.post(verdict_url(rating), {"satisfied": "yes"}).status_code == 404
    assert Rectification.objects.get().rater_satisfied is None


@pytest.mark.parametrize("staff", ["clerk", "reviewer", "supervisor"])
def test_staff_accounts_do_not_rate(client, rejected, staff, request):
    client.force_login(request.getfixturevalue(staff))

    response = client.post(rate_url(rejected), {"level": Level5.SATISFIED})

    assert response.status_code == 403
    assert not Rating.objects.exists()


def test_a_service_not_ended_explains_when_it_can_be_rated(client, permit_item, citizen, in_english):
    application = approval_factories.submitted(permit_item, citizen)
    client.force_login(citizen)

    response = client.get(rate_url(application))

    assert "A service is rated once it has ended" in response.content.decode()
    assert "Send my rating" not in response.content.decode()
    assert "Rate this service" not in client.get(application.get_absolute_url()).content.decode()


def test_a_second_post_stores_one_rating_and_says_already_rated(client, rejected, citizen, in_english):
    client.force_login(citizen)
    client.post(rate_url(rejected), {"level": Level5.SATISFIED, "comment": "很好"})

    response = client.post(rate_url(rejected), {"level": Level5.VERY_DISSATISFIED, "comment": "第二次"})

    assert response.status_code == 200
    page = response.content.decode()
    assert "already been rated" in page
    assert "很好" in page
    assert list(Rating.objects.values_list("level", flat=True)) == [Level5.SATISFIED]


def test_an_invalid_form_keeps_the_comment_and_the_tags(client, rejected, citizen, in_english):
    client.force_login(citizen)

    response = client.post(rate_url(rejected), {"comment": COMPLAINT, "tags": ["attitude", "online"]})

    assert response.status_code == 400
    page = response.content.decode()
    assert "Choose one of the five levels." in page
    assert COMPLAINT in page
    assert response.context["form"]["tags"].value() == ["attitude", "online"]
    assert not Rating.objects.exists()


# --- by link ----------------------------------------------------------------------------------


def test_the_link_rates_without_signing_in_as_the_person_it_was_sent_to(client, rejected, citizen):
    url = link_url(rejected)

    assert client.get(url).status_code == 200
    response = client.post(url, {"level": Level5.BASICALLY_SATISFIED})

    assert response.status_code == 200
    assert Rating.objects.get().rater == citizen
    assert RatingInvitation.objects.get().used_at is not None


def test_a_used_link_answers_410(client, rejected, citizen, in_english):
    url = link_url(rejected)
    client.post(url, {"level": Level5.SATISFIED})

    response = client.get(url)

    assert response.status_code == 410
    assert "This rating link is no longer valid" in response.content.decode()


def test_a_second_click_on_the_link_form_shows_the_rating_given(client, rejected, citizen, in_english):
    url = link_url(rejected)
    client.post(url, {"level": Level5.SATISFIED})

    response = client.post(url, {"level": Level5.DISSATISFIED})

    assert "already been rated" in response.content.decode()
    assert Rating.objects.get().level == Level5.SATISFIED


def test_an_expired_link_answers_410(client, rejected):
    url = link_url(rejected)

    with time_machine.travel(timezone.now() + timedelta(days=15)):
        assert client.get(url).status_code == 410
        assert client.post(url, {"level": Level5.SATISFIED}).status_code == 410
    assert not Rating.objects.exists()


def test_an_unknown_link_answers_410_like_an_old_one(client, db):
    # The same answer as a used link: no way to tell a token that never existed from one used up.
    url = reverse("consultations:rate_by_link", args=["no-such-token"])

    assert client.get(url).status_code == 410
    assert client.post(url, {"level": Level5.SATISFIED}).status_code == 410


# --- the verdict ------------------------------------------------------------------------------


def test_the_verdict_waits_for_the_outcome_and_is_given_once(client, rejected, citizen, reviewer, in_english):
    rating = bad_review(rejected, citizen)
    client.force_login(citizen)

    early = client.post(verdict_url(rating), {"satisfied": "yes"}, follow=True)
    assert "no outcome yet" in early.content.decode()
    assert Rectification.objects.get().rater_satisfied is None

    closed(rating, reviewer)
    client.post(verdict_url(rating), {"satisfied": "yes"})
    again = client.post(verdict_url(rating), {"satisfied": "no"}, follow=True)

    assert "already said whether you are satisfied" in again.content.decode()
    assert Rectification.objects.get().rater_satisfied is True


def test_a_good_review_has_no_verdict(client, rejected, citizen):
    rating = services.rating_submit(
        rater=citizen, kind=ServiceKind.APPLICATION, object_id=rejected.pk, level=Level5.SATISFIED
    )
    client.force_login(citizen)

    assert client.post(verdict_url(rating), {"satisfied": "yes"}).status_code == 404


# --- where rating is offered, at a constant cost -------------------------------------------------


def _queries(client, url) -> int:
    client.get(url)  # the session and the like, once
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_the_application_page_costs_the_same_with_many_ratings(client, permit_item, citizen, clerk, reviewer):
    first = reject(permit_item, citizen, clerk)
    closed(bad_review(first, citizen), reviewer)
    client.force_login(citizen)
    one = _queries(client, first.get_absolute_url())

    for _ in range(9):
        closed(bad_review(reject(permit_item, citizen, clerk), citizen), reviewer)

    assert _queries(client, first.get_absolute_url()) == one


def test_the_question_page_offers_rating_once_answered_at_a_constant_cost(
    client, permit_item, citizen, consultant, in_english
):
    question = factories.answered(permit_item, asker=citizen, handler=consultant)
    client.force_login(citizen)
    one = _queries(client, question.get_absolute_url())
    assert "Rate this service" in client.get(question.get_absolute_url()).content.decode()

    for _ in range(9):
        other = factories.answered(permit_item, asker=citizen, handler=consultant)
        services.rating_submit(rater=citizen, kind=ServiceKind.QUESTION, object_id=other.pk, level=Level5.SATISFIED)

    assert _queries(client, question.get_absolute_url()) == one


def test_the_appointment_page_offers_rating_once_served_at_a_constant_cost(
    client, citizen, permit_item, window, clerk, in_english
):
    from consultations.appointments import services as appointments  # noqa: PLC0415
    from consultations.tests import appointment_factories as af  # noqa: PLC0415

    calendar_load_official()
    days = af.slots(window, date(2026, 10, 12), date(2026, 10, 14))
    served = []
    for slot in [next(s for s in days if s.day == date(2026, 10, d)) for d in (12, 13, 14)]:  # one booking a day
        booked = appointments.appointment_book(holder=citizen, slot_id=slot.pk, item=permit_item, now=at(2026, 10, 9))
        appointments.check_in(appointment_id=booked.pk, actor=clerk, now=slot.starts_at)
        ticket = appointments.call_next(counter=window, actor=clerk, now=slot.starts_at)
        appointments.ticket_finish(ticket_id=ticket.pk, served=True, actor=clerk, now=slot.starts_at)
        served.append(booked)
    client.force_login(citizen)
    url = served[0].get_absolute_url()
    one = _queries(client, url)
    assert "Rate this service" in client.get(url).content.decode()

    for booked in served[1:]:
        services.rating_submit(
            rater=citizen, kind=ServiceKind.APPOINTMENT, object_id=booked.pk, level=Level5.DISSATISFIED
        )

    assert _queries(client, url) == one


def test_the_personal_centre_lists_services_waiting_and_ratings_given(client, permit_item, citizen, clerk, in_english):
    waiting = [reject(permit_item, citizen, clerk) for _ in range(7)]
    bad_review(waiting.pop(0), citizen, comment=COMPLAINT)
    client.force_login(citizen)

    response = client.get(reverse("me"))

    section = next(s for s in response.context["sections"] if s["template"].endswith("ratings/_me_section.html"))
    # Newest first, five shown, the sixth counted.
    assert [s.record.pk for s in section["waiting"]] == [a.pk for a in reversed(waiting)][:5]
    assert section["more"] == 1
    page = response.content.decode()
    assert "and 1 more" in page
    assert COMPLAINT in page


def test_the_personal_centre_costs_the_same_with_ten_services_as_with_one(
    client, permit_item, citizen, clerk, consultant, reviewer, settings
):
    settings.PERSONAL_CENTRE_HOLD_SECONDS = 0  # the cost of rendering it, every time
    first = reject(permit_item, citizen, clerk)
    closed(bad_review(first, citizen), reviewer)
    factories.answered(permit_item, asker=citizen, handler=consultant)
    client.force_login(citizen)
    one = _queries(client, reverse("me"))

    for _ in range(9):
        closed(bad_review(reject(permit_item, citizen, clerk), citizen), reviewer)
        reject(permit_item, citizen, clerk)
        factories.answered(permit_item, asker=citizen, handler=consultant)

    # One more: the applications now overflow their section's first page, which then counts them.
    assert _queries(client, reverse("me")) == one + 1


def test_the_personal_centre_reads_the_rated_services_apart_from_the_ratings(
    client, permit_item, citizen, clerk, reviewer, settings
):
    settings.PERSONAL_CENTRE_HOLD_SECONDS = 0  # the queries of rendering it
    closed(bad_review(reject(permit_item, citizen, clerk), citizen), reviewer)
    client.force_login(citizen)
    client.get(reverse("me"))
    with CaptureQueriesContext(connection) as captured:
        client.get(reverse("me"))

    ratings = [q["sql"] for q in captured if q["sql"].startswith('SELECT "consultations_rating"."id"')]
    assert len(ratings) == 1
    assert "approvals_application" not in ratings[0]
