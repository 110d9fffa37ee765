"""The public statistics page /stats/."""

from datetime import date

from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from .forms import PeriodForm
from .selectors import TOP_ITEMS, stats_for_period


def _percent(value) -> float | None:
    return round(value * 100, 2) if value is not None else None


def _charts(figures) -> dict:
    """Return the data the page's charts draw (json_script; the same numbers are in the tables)."""
    return {
        "months": {
            "type": "bar",
            "labels": [row["month"].strftime("%Y-%m") for row in figures.months],
            "series": [
                {"label": pgettext("statistics", "Received"), "data": [row["received"] for row in figures.months]},
                {"label": _("Accepted"), "data": [row["accepted"] for row in figures.months]},
                {"label": _("Concluded"), "data": [row["concluded"] for row in figures.months]},
            ],
        },
        "departments": {
            "type": "bar",
            "horizontal": True,
            "percent": True,
            "labels": [row["name"] or _("Hall general window") for row in figures.departments],
            "series": [
                {"label": _("Average speed-up (%)"), "data": [_percent(row["speedup"]) for row in figures.departments]},
                {
                    "label": _("On time against the promised limit (%)"),
                    "data": [_percent(row["on_time_rate"]) for row in figures.departments],
                },
            ],
        },
        "depth": {
            "type": "bar",
            "percent": True,
            "labels": [_("Level 1-2 and above"), _("Level 3 and above"), _("Level 4")],
            "series": [
                {
                    "label": _("Share of active items (%)"),
                    "data": [
                        _percent(figures.depth.share_1_2),
                        _percent(figures.depth.share_3),
                        _percent(figures.depth.share_4),
                    ],
                }
            ],
        },
    }


def stats(request):
    """Show the city's figures for a period (default: this year so far), for anyone."""
    form = PeriodForm(request.GET or None)
    if form.is_bound and form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    else:
        start, end = PeriodForm.default_period()
    figures = stats_for_period(start=start, end=end)
    today = timezone.localdate()
    periods = [
        (_("This year"), date(today.year, 1, 1), today),
        (_("Last year"), date(today.year - 1, 1, 1), date(today.year - 1, 12, 31)),
        (_("This month"), today.replace(day=1), today),
    ]
    return render(
        request,
        "oversight/stats/index.html",
        {
            "form": form if form.is_bound else PeriodForm(initial={"start": start, "end": end}),
            "figures": figures,
            "totals": figures.totals,
            "charts": _charts(figures),
            "periods": periods,
            "top_items": TOP_ITEMS,
        },
    )
