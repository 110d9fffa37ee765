"""Any table of the supervision dashboard as rows, written as CSV or Excel for a period."""

from __future__ import annotations

import csv
import io

from django.utils.translation import gettext as _

from licenses import xlsx

from . import selectors

TABLES = ("deadlines", "departments")
FORMATS = ("csv", "xlsx")


def table_rows(table: str, period: selectors.Period) -> list[list]:
    """Return the table with its header row, as the dashboard shows it for the period."""
    if table == "deadlines":
        rows = [[_("Time limit"), _("Department"), _("Due soon"), _("Overdue")]]
        rows += [[row.lane.label, row.department, row.warning, row.overdue] for row in selectors.deadline_table(period)]
        return rows
    figures = list(selectors.FIGURES.values())
    rows = [[_("Department"), *[str(figure.label) for figure in figures]]]
    rows += [
        [row.department, *[row.counts[figure.key] for figure in figures]] for row in selectors.department_table(period)
    ]
    return rows


def csv_bytes(rows: list[list]) -> bytes:
    """Return the rows as CSV in UTF-8 with a byte-order mark, so that Excel reads the Chinese right."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        # A cell starting with = + - @ would run as a formula in a spreadsheet: keep it text.
        writer.writerow([f"'{cell}" if isinstance(cell, str) and cell[:1] in "=+-@" else cell for cell in row])
    return ("\ufeff" + buffer.getvalue()).encode()


def export(table: str, fmt: str, period: selectors.Period) -> tuple[bytes, str, str]:
    """Return the file's content, content type and name."""
    rows = table_rows(table, period)
    span = "-".join(day.isoformat() for day in (period.start, period.end) if day) or "all"
    name = f"supervision-{table}-{span}.{fmt}"
    if fmt == "xlsx":
        return xlsx.xlsx_bytes(rows, sheet_name=table), xlsx.CONTENT_TYPE, name
    return csv_bytes(rows), "text/csv; charset=utf-8", name
