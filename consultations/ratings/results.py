"""The published results of service evaluation at /ratings/: public, no login, nobody's identity."""

from __future__ import annotations

import re
from datetime import date

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone

from ..questions.faq import personal_details
from . import figures, selectors
from .models import Rating

RECENT_PER_PAGE = 20
# Someone named as surname plus a form of address (张先生, 李女士): the surname goes too.
_ADDRESSED = re.compile(r"[\u4e00-\u9fff](?=先生|女士|同志|老师)")


def redact(text: str, *, names=()) -> str:
    """Return a comment with what looks like a name, an ID number or a phone number replaced by ***."""
    found = sorted(
        (flag.text for flag in personal_details(text, names=list(names)) if not flag.text.endswith("…")),
        key=len,
        reverse=True,
    )
    for value in found:
        text = text.replace(value, "***")
    return _ADDRESSED.sub("*", text)


def _period(request) -> tuple[int | None, date, date]:
    """Return the year asked for (None: the last 12 months) and the first and last day shown."""
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        year = None
    if year is not None and 2000 <= year <= today.year:
        return year, date(year, 1, 1), date(year, 12, 31)
    first = today.replace(day=1)
    months_back = first.year * 12 + first.month - 1 - 11
    return None, date(months_back // 12, months_back % 12 + 1, 1), today


def _totals(rows: list[dict]) -> list[dict]:
    """Add each department's months up (sums of the grouped counts, the rates computed again)."""
    departments: dict = {}
    for row in rows:
        total = departments.setdefault(
            row["department_id"],
            {
                "department_id": row["department_id"],
                "department": row["department"],
                **dict.fromkeys(figures.COUNTS, 0),
            },
        )
        for name in figures.COUNTS:
            total[name] += row[name]
    return sorted((figures.finish(total) for total in departments.values()), key=lambda row: row["department"] or "")


def results(request):
    """Show per department and month the ratings, the good-review rate, bad reviews and the recent ones."""
    year, start, end = _period(request)
    rows = figures.rating_figures(start=start, end=end, by=("department", "month"))
    # The years to choose from: the first rating's to this one (one index look-up, not a scan of the ratings).
    first = Rating.objects.order_by("rated_at").values_list("rated_at", flat=True).first()
    this_year = timezone.localdate().year
    years = list(range(this_year, (timezone.localtime(first).year if first else this_year) - 1, -1))
    page = Paginator(selectors.recent_bad_reviews(), RECENT_PER_PAGE).get_page(request.GET.get("page"))
    recent = [
        {
            "rating": rating,
            "rectification": getattr(rating, "rectification", None),
            # The rater consented to publish their words; their identity is never published.
            "comment": redact(rating.comment, names=[rating.rater.real_name]) if rating.comment_public else "",
        }
        for rating in page
    ]
    return render(
        request,
        "consultations/ratings/results.html",
        {
            "year": year,
            "years": years,
            "start": start,
            "end": end,
            "rows": rows,
            "totals": _totals(rows),
            "page": page,
            "recent": recent,
            "query": f"year={year}" if year else "",
        },
    )
