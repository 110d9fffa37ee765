"""The city's figures against a hand count: a known March 2025 on the official calendar.

Every record is built with known days (local time, 10:00). March 2025 has no holiday: its
working days are Monday to Friday. The hand count of each figure is written beside its assertion.
"""

import itertools
from datetime import date, datetime, time, timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from approvals.models import Application, ClockPause, State
from approvals.tests import factories as approval_factories
from consultations.models import Appointment, Question, Rating
from consultations.tests import appointment_factories as af
from consultations.tests import factories as question_factories
from licenses.models import Certificate, CertificateType, PrintJob
from oversight.stats import figures as live
from oversight.stats.models import DailyFigures, MonthlyFigures, SnapshotState
from oversight.stats.selectors import stats_for_period
from oversight.stats.services import stats_rebuild, stats_refresh
from portal.clock import calendar

TODAY = datetime(2025, 4, 10, 12, 0)
MARCH = (date(2025, 3, 1), date(2025, 3, 31))
_references = itertools.count(1)


def at(day: int, month: int = 3, year: int = 2025):
    return datetime.combine(date(year, month, day), time(10, 0), timezone.get_current_timezone())


@pytest.fixture(autouse=True)
def _april_10th():
    with time_machine.travel(timezone.make_aware(TODAY), tick=False):
        yield


def application(item, applicant, state, *, channel="online", submitted=None, accepted=None, decided=None, **extra):
    return Application.objects.create(
        reference=f"T-{next(_references):05d}",
        item=item,
        department=item.department,
        applicant=applicant,
        applicant_kind="citizen",
        applicant_name=applicant.real_name,
        applicant_id_number=applicant.id_number,
        state=state,
        channel=channel,
        submitted_at=submitted,
        accepted_at=accepted,
        decided_at=decided,
        **extra,
    )


@pytest.fixture
def city(construction_department, market_department, citizen, clerk, consultant):
    """The known March: five active items, eight applications, certificates, questions, bookings and ratings."""
    a, b = construction_department, market_department
    x = approval_factories.item(a, code="X", statutory_days=20, promised_days=10, depth=4, materials=0)
    y = approval_factories.item(b, code="Y", statutory_days=10, promised_days=5, depth=3, materials=0)
    approval_factories.item(b, code="Z", depth=2, materials=0, offline_reason="涉及国家秘密")
    approval_factories.item(a, code="W", depth=1, materials=0)
    # Level 4 but with an offline reason (only the database allows it): at depth 4, not fully online.
    approval_factories.item(a, code="U", depth=4, materials=0, offline_reason="涉及国家秘密")
    approval_factories.item(a, code="V", depth=4, materials=0, is_active=False)  # not in the catalogue

    # A1: accepted Mar 3, approved Fri Mar 7: 4 working days taken, (20 - 4) / 20 = 0.80, on time.
    a1 = application(x, citizen, State.APPROVED, submitted=at(3), accepted=at(3), decided=at(7), promised_due_at=at(17))
    # A2 (window): accepted Mar 4, suspended Mar 5 - Mar 10 (3 working days: 6, 7, 10), denied Mar 14:
    # 8 - 3 = 5 working days taken, (20 - 5) / 20 = 0.75; its promised deadline was Mar 12: late.
    a2 = application(
        x,
        citizen,
        State.DENIED,
        channel="window",
        submitted=at(3),
        accepted=at(4),
        decided=at(14),
        promised_due_at=at(12),
    )
    ClockPause.objects.create(
        application=a2,
        kind="testing",
        reason="检测",
        expected_days=3,
        started_at=at(5),
        ended_at=at(10),
        started_by=clerk,
    )
    # A3: a correction round before intake (not counted), accepted by law Mar 10, approved Fri Mar 28:
    # 14 working days taken, (10 - 14) / 10 = -0.40, promised Mar 17: late.
    a3 = application(
        y,
        citizen,
        State.APPROVED,
        submitted=at(10),
        accepted=at(10),
        decided=at(28),
        promised_due_at=at(17),
        auto_accepted=True,
    )
    ClockPause.objects.create(
        application=a3,
        kind="correction",
        reason="补正",
        expected_days=5,
        started_at=at(5),
        ended_at=at(10),
        started_by=clerk,
    )
    application(y, citizen, State.IN_REVIEW, submitted=at(20), accepted=at(21))  # A4: accepted, not concluded
    application(x, citizen, State.REJECTED, submitted=at(25), decided=at(26))  # A5: received, never accepted
    application(x, citizen, State.DRAFT)  # A6: a draft counts nowhere
    # A7: submitted in February, accepted and approved Mar 3: 0 working days, speed-up 1.00, on time.
    a7 = application(
        x, citizen, State.APPROVED, submitted=at(27, 2), accepted=at(3), decided=at(3), promised_due_at=at(17)
    )
    application(x, citizen, State.SUBMITTED, submitted=at(2, 4))  # A8: April, outside the period

    permit = CertificateType.objects.create(code="zjj-x", name="许可证X", department=a, number_prefix="X")

    def certificate(number, issued, application_=None, sequence=None):
        return Certificate.objects.create(
            number=number,
            certificate_type=permit,
            year=2025,
            sequence=sequence,
            holder_name="张爱丽",
            holder_id_number=citizen.id_number,
            department=a,
            issued_at=issued,
            valid_from=issued.date(),
            source_application=application_,
        )

    c1 = certificate("X-1", at(7), a1, 1)
    c2 = certificate("X-2", at(3), a7, 2)
    certificate("OLD-1", at(5))  # imported (no sequence): not issued by the portal
    PrintJob.objects.create(certificate=c1, due_at=at(21), application=a1, delivered_at=at(12))  # free courier
    PrintJob.objects.create(
        certificate=c2, due_at=at(17), application=a7, delivery_method="pickup", collected_at=at(10)
    )

    def question(department, replied=None, on_time=None):
        asked = question_factories.ask(x, asker=citizen, now=at(4))
        Question.objects.filter(pk=asked.pk).update(
            department=department, first_reply_at=replied, answered_on_time=on_time
        )
        return asked

    question(a, at(5), True)
    question(a, at(6), False)
    question(None, at(7), True)  # the hall's general window
    question(a)  # not answered yet

    window = af.counter(departments=[a], items=[x])
    slot = af.slots(window, date(2025, 3, 12))[0]

    def booking(state, item=x, day=date(2025, 3, 12)):
        return Appointment.objects.create(
            slot=slot, counter=window, day=day, holder=citizen, item=item, state=state, booked_at=at(10)
        )

    booking(Appointment.State.CHECKED_IN)
    booking(Appointment.State.NO_SHOW)
    booking(Appointment.State.CANCELLED)
    booking(Appointment.State.CHECKED_IN, item=None, day=date(2025, 3, 14))  # no item: the hall's general window

    def rating(app, level, excluded=False):
        return Rating.objects.create(
            kind="application",
            application=app,
            rater=citizen,
            department=app.department,
            item=app.item,
            level=level,
            rated_at=at(20),
            excluded=excluded,
        )

    rating(a1, 5)
    rating(a2, 3)
    rating(a7, 2)
    rating(a3, 1, excluded=True)  # excluded on appeal: does not count
    return {"a": a, "b": b, "x": x, "y": y, "citizen": citizen}


def test_it_counts_working_days_as_the_legal_clock_does(db):
    days = [date(2025, 1, 20), date(2025, 1, 27), date(2025, 2, 10), date(2025, 2, 8)]  # Spring Festival, make-up Sat
    ordinals = live.working_day_ordinals(days)
    for first, second in itertools.combinations(sorted(days), 2):
        assert ordinals[second] - ordinals[first] == calendar.working_days_between(first, second)


def _check_hand_count(figures, city):
    t = figures.totals
    assert t["received"] == 5  # A1, A2, A3, A4, A5
    assert t["received_online"] == 4 and t["online_share"] == pytest.approx(0.8)  # all but A2
    assert t["accepted"] == 5  # A1, A2, A3, A4, A7
    assert t["auto_accepted"] == 1  # A3
    assert t["concluded"] == 4  # A1, A2, A3, A7
    assert t["taken_days"] == 4 + 5 + 14 + 0
    assert t["speedup"] == pytest.approx((0.80 + 0.75 - 0.40 + 1.00) / 4)  # 53.75 %
    assert t["on_time"] == 2 and t["on_time_rate"] == pytest.approx(0.5)  # A1, A7
    assert t["certificates_issued"] == 2  # not the imported OLD-1
    assert t["delivered_free"] == 1  # X-1; X-2 was collected
    assert t["questions_replied"] == 3 and t["questions_replied_on_time"] == 2
    assert t["reply_on_time_rate"] == pytest.approx(2 / 3)
    assert t["appointments_served"] == 2 and t["appointments_no_show"] == 1
    assert t["ratings_counted"] == 3 and t["ratings_good"] == 2 and t["good_rate"] == pytest.approx(2 / 3)

    depth = figures.depth  # active: X(4), U(4, offline reason), Y(3), Z(2), W(1)
    assert depth.items == 5
    assert depth.share_1_2 == pytest.approx(1.0)
    assert depth.share_3 == pytest.approx(0.6)  # X, U, Y
    assert depth.share_4 == pytest.approx(0.4)  # X, U
    assert depth.fully_online == 1  # X

    departments = {row["id"]: row for row in figures.departments}
    a, b = departments[city["a"].pk], departments[city["b"].pk]
    assert (a["received"], a["accepted"], a["concluded"]) == (3, 3, 3)  # A1 A2 A5 / A1 A2 A7 / A1 A2 A7
    assert a["speedup"] == pytest.approx((0.80 + 0.75 + 1.00) / 3)
    assert a["on_time_rate"] == pytest.approx(2 / 3)
    assert (a["questions_replied"], a["appointments_served"], a["ratings_counted"]) == (2, 1, 3)
    assert (b["received"], b["accepted"], b["concluded"]) == (2, 2, 1)  # A3 A4 / A3 A4 / A3
    assert b["speedup"] == pytest.approx(-0.40)
    hall = departments[None]  # the general window: one question, one booking without an item
    assert (hall["questions_replied"], hall["appointments_served"]) == (1, 1)

    items = {row["code"]: row for row in figures.items}
    assert set(items) == {"X", "Y"}
    assert (items["X"]["received"], items["X"]["concluded"], items["X"]["taken_days"]) == (3, 3, 9)
    assert items["X"]["average_days"] == pytest.approx(3.0)
    assert items["Y"]["speedup"] == pytest.approx(-0.40)

    assert [row["month"] for row in figures.months] == [date(2025, 3, 1)]
    assert figures.months[0]["concluded"] == 4


def test_every_figure_matches_the_hand_count_counted_live(city):
    figures = stats_for_period(start=MARCH[0], end=MARCH[1])
    assert figures.live_from == MARCH[0]  # no snapshot yet: everything counted live
    _check_hand_count(figures, city)


def test_the_snapshot_gives_the_same_figures_as_the_live_count(city):
    counted_live = stats_for_period(start=MARCH[0], end=MARCH[1])
    result = stats_rebuild()
    assert result.end == date(2025, 4, 9) and SnapshotState.objects.get().built_through == date(2025, 4, 9)
    assert DailyFigures.objects.exists()
    from_snapshot = stats_for_period(start=MARCH[0], end=MARCH[1])
    assert from_snapshot.live_from is None
    _check_hand_count(from_snapshot, city)
    for name in ("totals", "departments", "items", "months"):
        assert _rounded(getattr(from_snapshot, name)) == _rounded(getattr(counted_live, name))


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (date(2025, 2, 15), date(2025, 4, 5)),  # a partial month, a whole one (the roll-up), a partial one
        (date(2025, 3, 2), date(2025, 3, 30)),  # inside one month: daily rows only
        (date(2025, 2, 1), date(2025, 3, 31)),  # whole months only
    ],
)
def test_whole_months_from_the_roll_up_and_partial_ones_from_the_days_agree_with_the_live_count(city, start, end):
    counted_live = stats_for_period(start=start, end=end)
    stats_rebuild()
    assert MonthlyFigures.objects.filter(month=date(2025, 3, 1)).exists()
    from_snapshot = stats_for_period(start=start, end=end)
    assert from_snapshot.live_from is None
    assert counted_live.totals["received"] > 0
    for name in ("totals", "departments", "items", "months"):
        assert _rounded(getattr(from_snapshot, name)) == _rounded(getattr(counted_live, name))


def test_a_partial_rebuild_rolls_up_the_whole_months_it_touches(city):
    stats_rebuild()
    march = MonthlyFigures.objects.filter(month=date(2025, 3, 1))
    before = set(march.values_list("item", "received", "concluded", "ratings_counted"))
    stats_rebuild(start=date(2025, 3, 20))  # the month's first days are summed again from their daily rows
    assert set(march.values_list("item", "received", "concluded", "ratings_counted")) == before
    Rating.objects.filter(level=2).update(excluded=True)
    stats_rebuild(start=date(2025, 3, 20))
    assert sum(march.values_list("ratings_counted", flat=True)) == 2


def _rounded(value):
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_rounded(v) for v in value]
    return round(value, 9) if isinstance(value, float) else value


def test_today_is_counted_live_beside_the_snapshot(city):
    stats_rebuild()
    application(city["x"], city["citizen"], State.SUBMITTED, submitted=timezone.now())
    figures = stats_for_period(start=date(2025, 1, 1), end=date(2025, 4, 10))
    assert figures.live_from == date(2025, 4, 10)
    assert figures.totals["received"] == 5 + 1 + 1 + 1  # March, A7 in February, A8 on April 2, and today's


def test_the_nightly_refresh_catches_a_late_change_to_a_recent_day(city, settings):
    stats_rebuild()
    Rating.objects.filter(level=2).update(excluded=True)  # an appeal decided after the snapshot
    assert stats_for_period(start=MARCH[0], end=MARCH[1]).totals["ratings_counted"] == 3
    settings.STATS_REFRESH_DAYS = 35  # March 20th, the day rated, is within the window
    stats_refresh()
    assert stats_for_period(start=MARCH[0], end=MARCH[1]).totals["ratings_counted"] == 2


def test_a_partial_rebuild_with_a_gap_does_not_claim_the_days_before_it(city):
    stats_rebuild(start=date(2025, 3, 20))
    assert SnapshotState.objects.get().built_through is None
    _check_hand_count(stats_for_period(start=MARCH[0], end=MARCH[1]), city)


def test_the_command_rebuilds_and_says_how_much(city, capsys):
    call_command("stats_rebuild")
    out = capsys.readouterr().out
    assert "2025-04-09" in out and f"{DailyFigures.objects.count()} rows" in out


def test_the_refresh_runs_on_beat(settings):
    from portal.celery import app  # noqa: PLC0415 - the Celery app, only for this check

    entry = settings.CELERY_BEAT_SCHEDULE["stats-refresh"]
    app.loader.import_default_modules()
    assert entry["task"] in app.tasks


def _page_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/stats/", {"start": "2025-03-01", "end": "2025-04-10"}).status_code == 200
    return len(queries)


def test_the_page_runs_a_fixed_number_of_queries(city, client):
    stats_rebuild(end=date(2025, 3, 31))
    before = _page_queries(client)
    for day in (5, 6, 7):  # more rows in the snapshot, in the live days and in every table
        application(
            city["y"], city["citizen"], State.APPROVED, submitted=at(day), accepted=at(day), decided=at(day + 7)
        )
        application(city["x"], city["citizen"], State.SUBMITTED, submitted=at(day, 4))
    stats_rebuild(end=date(2025, 3, 31))
    assert _page_queries(client) == before


@pytest.mark.usefixtures("in_english")
def test_the_page_shows_the_hand_counted_figures(city, client):
    page = client.get("/stats/", {"start": "2025-03-01", "end": "2025-03-31"}).content.decode()
    for figure, text in [
        ("received", "5"),
        ("accepted", "5"),
        ("concluded", "4"),
        ("speedup", "53.75%"),
        ("on-time", "50.00%"),
        ("auto", "1"),
        ("online", "80.00%"),
        ("depth-12", "100.00%"),
        ("depth-3", "60.00%"),
        ("depth-4", "40.00%"),
        ("fully-online", "1"),
        ("certificates", "2"),
        ("delivered", "1"),
        ("replies", "66.67%"),
        ("served", "2"),
        ("no-shows", "1"),
        ("good", "66.67%"),
    ]:
        assert f'id="fig-{figure}">{text}<' in page, figure
    assert "(statutory limit − working days taken) ÷ statutory limit" in page
    assert 'id="stats-charts" type="application/json"' in page
    assert "chartjs-4.6.1/chart.umd.min.js" in page and "<script>" not in page


@pytest.mark.usefixtures("in_english")
def test_a_reversed_period_says_so_and_shows_this_year(db, client):
    page = client.get("/stats/", {"start": "2025-03-31", "end": "2025-03-01"}).content.decode()
    assert "must not be after its last day" in page
    assert "2025-01-01 to 2025-04-10" in page


def test_the_default_period_is_this_year_so_far(db, client):
    response = client.get("/stats/")
    assert response.status_code == 200
    assert response.context["figures"].start == date(2025, 1, 1)
    assert response.context["figures"].end == date(2025, 4, 10)


def test_the_page_is_linked_from_every_page_and_the_home_page(db, client):
    home = client.get("/").content.decode()
    assert home.count('href="/stats/"') >= 2  # the footer of every page, and the home page's figures


@pytest.mark.parametrize("end", [date(2025, 4, 9), date(2025, 3, 31)])
def test_a_rebuild_never_writes_today_or_later(db, end):
    stats_rebuild(end=end + timedelta(days=30))
    assert SnapshotState.objects.get().built_through == date(2025, 4, 9)
