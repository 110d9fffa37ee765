"""Reads of the disclosure: the published records matching a search, a page at a time, and the open-data rows.

No read counts the table: a page fetches one row more than it shows to know whether there is a
next one, and pages follow each other by a cursor (the last row's decision time and id), so
every page is an index range scan whatever its depth.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from portal.clock import deadlines
from portal.validators import normalize_credit_code

from ..models import ServiceItem
from .models import PublishedDecision

PAGE_SIZE = 20
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Search:
    """What the public searches the published decisions by; empty fields do not filter."""

    name: str = ""
    credit_code: str = ""
    certificate_number: str = ""
    item: str = ""
    department_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None


def published(search: Search = Search()) -> QuerySet[PublishedDecision]:
    """Return the published records matching the search, newest decision first."""
    rows = PublishedDecision.objects.filter(state=PublishedDecision.State.PUBLISHED)
    if search.name.strip():
        # A prefix (LIKE 'x%'), served by the name's pattern index; a person's published name is masked anyway.
        rows = rows.filter(holder_name__startswith=search.name.strip())
    if search.credit_code.strip():
        rows = rows.filter(credit_code=normalize_credit_code(search.credit_code))
    if search.certificate_number.strip():
        rows = rows.filter(certificate_number=search.certificate_number.strip().upper())
    if search.item.strip():
        text = search.item.strip()
        items = ServiceItem.objects.filter(Q(name__icontains=text) | Q(code=text.upper())).values("pk")
        rows = rows.filter(item__in=items)
    if search.department_id:
        rows = rows.filter(department_id=search.department_id)
    if search.date_from:
        rows = rows.filter(decided_at__gte=deadlines.end_of_day(search.date_from - timedelta(days=1)))
    if search.date_to:
        rows = rows.filter(decided_at__lte=deadlines.end_of_day(search.date_to))
    return rows.order_by("-decided_at", "-id")


def cursor_of(record: PublishedDecision) -> str:
    """Return the cursor of the page that follows `record`: its decision time in microseconds and its id."""
    return f"{(record.decided_at - _EPOCH) // timedelta(microseconds=1)}_{record.pk}"


def parse_cursor(value: str) -> tuple[datetime, int] | None:
    """Return (decision time, id) from a cursor, or None when it is not one (a mangled link: the first page)."""
    micros, _sep, pk = (value or "").partition("_")
    try:
        return _EPOCH + timedelta(microseconds=int(micros)), int(pk)
    except (ValueError, OverflowError):
        return None


@dataclass
class Page:
    rows: list[PublishedDecision]
    next_cursor: str | None


def published_page(search: Search, *, after: str = "", size: int = PAGE_SIZE) -> Page:
    """Return one page of published records after the cursor (the first page without one), in one query."""
    rows = published(search).select_related("item", "department")
    position = parse_cursor(after)
    if position is not None:
        moment, pk = position
        # The plain bound lets the index range start at the cursor; the OR only breaks ties on the same instant.
        rows = rows.filter(decided_at__lte=moment).filter(Q(decided_at__lt=moment) | Q(pk__lt=pk))
    found = list(rows[: size + 1])
    more = len(found) > size
    found = found[:size]
    return Page(rows=found, next_cursor=cursor_of(found[-1]) if more and found else None)


CSV_FIELDS = [
    "decided_at",
    "decision",
    "item__code",
    "item__name",
    "department__name",
    "holder_kind",
    "holder_name",
    "credit_code",
    "certificate_number",
    "certificate_valid_from",
    "certificate_valid_until",
    "certificate_status",
    "published_at",
]


def open_data_rows(search: Search):
    """Yield the open-data values of every published record matching the search, a chunk at a time."""
    yield from published(search).values_list(*CSV_FIELDS).iterator(chunk_size=2000)


def local(moment: datetime | None) -> str:
    """Return an instant as the city's local date and time (minutes), or ""."""
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""
