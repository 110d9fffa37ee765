"""Capped counts for the admin's lists: never a COUNT(*) of a whole large table to print a number.

Django's change list counts every matching row for its paginator, and (``show_full_result_count``)
the whole table again for "x of y". At a million applications that is most of a list's time, for a
number nobody reads past the first thousand. ``PortalAdminSite.register`` mixes
:class:`CappedCountMixin` into every model admin: the full-table count is off, and the paginator
counts at most ``COUNT_CAP`` rows past the start of the page (``SELECT COUNT(*) FROM (... LIMIT n)``),
so a list shows its exact count up to the cap and "more than 1,000" beyond it, and the pages up
to there stay one click away (the next ones appear as the clerk moves on).
"""

from django.contrib.admin.views.main import PAGE_VAR
from django.core.paginator import Paginator
from django.utils.functional import cached_property
from django.utils.translation import gettext

COUNT_CAP = 1000


class CappedPaginator(Paginator):
    """A paginator that counts at most ``cap`` rows past the first row of the requested page."""

    def __init__(self, object_list, per_page, *args, page_number=1, cap=COUNT_CAP, **kwargs):
        super().__init__(object_list, per_page, *args, **kwargs)
        self.limit = max(page_number - 1, 0) * int(per_page) + cap
        self.over_cap = False

    @cached_property
    def count(self):
        """Return the number of rows, or the limit if there are more (then ``over_cap`` is true)."""
        rows = self.object_list
        if hasattr(rows, "order_by"):
            # The order decides nothing in a count: without it the database need not sort.
            counted = rows.order_by()[: self.limit + 1].count()
        else:
            counted = min(len(rows), self.limit + 1)
        self.over_cap = counted > self.limit
        return min(counted, self.limit)


def _page_number(request) -> int:
    try:
        return max(int(request.GET.get(PAGE_VAR, 1)), 1)
    except ValueError:
        return 1  # Django's change list answers the bad parameter itself


class CappedCountMixin:
    """Count a list's rows up to a cap, and never the whole table (see the module's docstring)."""

    show_full_result_count = False
    count_cap = COUNT_CAP

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        return CappedPaginator(
            queryset,
            per_page,
            orphans,
            allow_empty_first_page,
            page_number=_page_number(request),
            cap=self.count_cap,
        )

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        context = getattr(response, "context_data", None)
        changelist = context.get("cl") if context else None
        if changelist is not None and getattr(changelist.paginator, "over_cap", False):
            # "All 1,000 selected" would understate what an action over every page touches.
            context["selection_note_all"] = gettext("All of more than %(count)s selected") % {
                "count": f"{changelist.result_count:,}"
            }
        return response
