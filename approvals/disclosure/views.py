"""The public disclosure of decisions: the searchable list and its open-data CSV."""

import csv

from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from . import selectors
from .forms import DisclosureSearchForm
from .models import CERTIFICATE_STATUS, PublishedDecision


def _form(request) -> DisclosureSearchForm:
    query = request.GET.copy()
    query.pop("after", None)
    form = DisclosureSearchForm(query or None)
    if form.is_bound:
        form.is_valid()
    return form


def disclosure(request):
    """List the published decisions, newest first, with the search and a "next" page."""
    form = _form(request)
    search = form.search()
    page = selectors.published_page(search, after=request.GET.get("after", ""))
    query = request.GET.copy()
    query.pop("after", None)
    return render(
        request,
        "approvals/disclosure/list.html",
        {"form": form, "page": page, "query": query.urlencode(), "first_page": "after" in request.GET},
    )


class _Echo:
    def write(self, value):
        return value


def _cell(value) -> str:
    text = "" if value is None else str(value)
    # A cell a spreadsheet would run as a formula is written as text.
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def disclosure_export(request):
    """Stream the published decisions matching the search as open data (CSV, UTF-8 with a BOM for Excel)."""
    search = _form(request).search()
    decisions = dict(PublishedDecision.Decision.choices)
    kinds = dict(PublishedDecision.HolderKind.choices)
    header = [
        _("Decided"),
        _("Decision"),
        _("Item code"),
        _("Item"),
        _("Department"),
        _("Holder kind"),
        pgettext("disclosure", "Holder"),
        _("Unified social credit code"),
        _("Certificate number"),
        _("Valid from"),
        _("Valid until"),
        _("Certificate status"),
        _("Published"),
    ]

    def lines():
        writer = csv.writer(_Echo())
        yield "\ufeff" + writer.writerow(header)
        for row in selectors.open_data_rows(search):
            decided, decision, code, item, department, kind, holder, credit, number, start, end, status, pub = row
            yield writer.writerow(
                [
                    _cell(value)
                    for value in (
                        selectors.local(decided),
                        decisions.get(decision, decision),
                        code,
                        item,
                        department,
                        kinds.get(kind, kind),
                        holder,
                        credit,
                        number,
                        start.isoformat() if start else "",
                        end.isoformat() if end else "",
                        CERTIFICATE_STATUS.get(status, status),
                        selectors.local(pub),
                    )
                ]
            )

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="disclosure-{stamp}.csv"'
    return response
