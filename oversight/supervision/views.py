"""The supervisors' pages on the staff site: the dashboard, a cell's cases, exports and the monthly report."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from . import exports, report, selectors
from .forms import MonthlyReportForm, PeriodForm

# Electronic supervision's own permission, given to the supervisors (效能监察) by migration.
PERMISSION = "oversight.supervise"


def may_supervise(user) -> bool:
    """Return whether this member of staff may open electronic supervision."""
    return user.is_superuser or user.has_perm(PERMISSION)


def _supervisors_only(view):
    def wrapped(request, *args, **kwargs):
        if not may_supervise(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    # The staff site's own checks first: staff, active, past the second factor.
    return admin.site.admin_view(wrapped)


def _query(period) -> str:
    """Return the period as a query string ("?start=...&end=..."), empty when unbounded."""
    query = urlencode(period.as_query())
    return f"?{query}" if query else ""


def _context(request, title, **extra):
    return {**admin.site.each_context(request), "title": title, **extra}


@_supervisors_only
def dashboard(request):
    """Every clock per department (due soon, overdue), the period's figures, exports and the monthly report."""
    form = PeriodForm(request.GET or None)
    period = form.period()
    deadlines = selectors.deadline_table(period)
    departments = selectors.department_table(period)
    context = _context(
        request,
        _("Electronic supervision"),
        form=form,
        period_query=_query(period),
        deadlines=deadlines,
        deadline_totals=selectors.totals(deadlines, ("warning", "overdue")),
        departments=departments,
        figures=list(selectors.FIGURES.values()),
        department_totals=[selectors.totals(departments, [key])[key] for key in selectors.FIGURES],
        report_form=MonthlyReportForm(),
        formats=exports.FORMATS,
    )
    return TemplateResponse(request, "admin/oversight/supervision/dashboard.html", context)


@_supervisors_only
def cases(request, measure, department):
    """The cases behind one cell of the dashboard, each linked to its admin page, fifty a page."""
    period = PeriodForm(request.GET or None).period()
    try:
        page = int(request.GET.get("page", 1))
    except ValueError:
        page = 1
    found = selectors.cases(measure=measure, department=department, period=period, page=page)
    if found is None:
        raise Http404("No such table cell")
    context = _context(
        request,
        found.title,
        cases=found,
        department=selectors.department_name(department),
        period=period,
        period_query=_query(period),
    )
    return TemplateResponse(request, "admin/oversight/supervision/cases.html", context)


@_supervisors_only
def export(request, table, fmt):
    """One table of the dashboard for the period, as CSV or Excel."""
    if table not in exports.TABLES or fmt not in exports.FORMATS:
        raise Http404("No such export")
    content, content_type, name = exports.export(table, fmt, PeriodForm(request.GET or None).period())
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@_supervisors_only
def monthly_report(request):
    """A department's monthly performance report as a PDF, or the form again with what is wrong."""
    form = MonthlyReportForm(request.GET or None)
    if form.is_bound and form.is_valid():
        year, month = form.year_month()
        department = form.cleaned_data["department"]
        figures = report.monthly_figures(department=department, year=year, month=month)
        response = HttpResponse(report.monthly_report_pdf(figures), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="report-{department.code}-{year}-{month:02d}.pdf"'
        return response
    context = _context(request, _("Monthly performance report"), report_form=form)
    return TemplateResponse(
        request, "admin/oversight/supervision/report_form.html", context, status=400 if form.is_bound else 200
    )
