"""The demo city's statistics: seed_demo builds the snapshot, and /stats/ shows a city at work."""

from datetime import date

from django.core.management import call_command
from django.utils import timezone

from approvals.models import Application
from oversight.stats.models import DailyFigures, SnapshotState
from oversight.stats.selectors import stats_for_period


def test_after_seed_demo_the_page_shows_a_city_at_work(db, client, settings):
    settings.DEBUG = True  # seed_demo refuses to run otherwise
    call_command("seed_demo", verbosity=0)
    today = timezone.localdate()
    assert SnapshotState.objects.get().built_through == date.fromordinal(today.toordinal() - 1)
    assert DailyFigures.objects.exists()
    # A year back, so that the demo's past (backdated by working days) is inside the period.
    figures = stats_for_period(start=date(today.year - 1, 1, 1), end=today)
    totals = figures.totals
    assert totals["accepted"] > 0 and totals["concluded"] > 0 and totals["speedup"] is not None
    # The late intakes the clock's sweep accepts by law (Art. 32) are counted, though accepted on a past day.
    assert totals["auto_accepted"] == Application.objects.filter(auto_accepted=True).count() > 0
    assert figures.depth.items > 0 and figures.depth.share_3 is not None
    assert client.get("/stats/").status_code == 200
