"""The monthly performance report of one department (效能月报), as figures and as a PDF the head of the office signs."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db.models import Count, F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

from approvals.models import Application, State
from consultations.models import Rating, Rectification
from consultations.ratings.models import BAD_LEVELS
from consultations.selectors import question_figures
from licenses.pdf import register_font
from portal.models import Department

from .selectors import Period

CONCLUDED = (State.APPROVED, State.DENIED)


def month_period(year: int, month: int) -> Period:
    """Return the period of a calendar month."""
    first = date(year, month, 1)
    following = date(year + (month == 12), month % 12 + 1, 1)
    return Period(start=first, end=date.fromordinal(following.toordinal() - 1))


@dataclass
class MonthlyFigures:
    department: Department
    period: Period
    received: int
    concluded: int
    on_time: int
    late: int
    auto_accepted: int
    questions_received: int
    questions_answered_on_time: int
    bad_reviews: int
    rectified_on_time: int

    def lines(self) -> list[tuple[str, int]]:
        """Return each figure with its label, in the report's order (labels in the active language)."""
        return [
            (_("Applications received"), self.received),
            (_("Applications concluded (approved or denied)"), self.concluded),
            (_("Concluded within the promised limit"), self.on_time),
            (_("Concluded after the promised limit"), self.late),
            (_("Accepted automatically (intake late, Art. 32)"), self.auto_accepted),
            (_("Questions received"), self.questions_received),
            (_("Questions answered within the limit"), self.questions_answered_on_time),
            (_("Bad reviews"), self.bad_reviews),
            (_("Bad reviews rectified within the limit"), self.rectified_on_time),
        ]


def monthly_figures(*, department: Department, year: int, month: int) -> MonthlyFigures:
    """Return a department's figures of a month (five grouped queries)."""
    period = month_period(year, month)
    applications = Application.objects.filter(department=department)
    received = applications.filter(period.filter("submitted_at")).count()
    decided = applications.filter(period.filter("decided_at"), state__in=CONCLUDED).aggregate(
        concluded=Count("pk"),
        on_time=Count("pk", filter=Q(decided_at__lte=F("promised_due_at"))),
        late=Count("pk", filter=Q(decided_at__gt=F("promised_due_at"))),
    )
    auto_accepted = applications.filter(period.filter("accepted_at"), auto_accepted=True).count()
    questions = [
        row for row in question_figures(start=period.start, end=period.end) if row["department_id"] == department.pk
    ]
    ratings = Rating.objects.filter(period.filter("rated_at"), department=department, excluded=False)
    return MonthlyFigures(
        department=department,
        period=period,
        received=received,
        concluded=decided["concluded"],
        on_time=decided["on_time"],
        late=decided["late"],
        auto_accepted=auto_accepted,
        questions_received=sum(row["received"] for row in questions),
        questions_answered_on_time=sum(row["answered_on_time"] for row in questions),
        bad_reviews=ratings.filter(level__in=BAD_LEVELS).count(),
        rectified_on_time=Rectification.objects.filter(
            period.filter("opened_at"), department=department, closed_on_time=True
        ).count(),
    )


def monthly_report_pdf(figures: MonthlyFigures) -> bytes:
    """Return the report as a one-page A4 PDF in the official language, with the embedded Chinese font."""
    with translation.override(settings.LANGUAGE_CODE):
        return _draw(figures)


def _draw(figures: MonthlyFigures) -> bytes:
    buffer = io.BytesIO()
    width, height = A4
    font = register_font()
    start = figures.period.start
    pdf = canvas.Canvas(buffer, pagesize=A4)
    title = _("Monthly performance report")
    pdf.setTitle(f"{figures.department.name} {title} {start:%Y-%m}")
    pdf.setFont(font, 18)
    pdf.drawCentredString(width / 2, height - 30 * mm, figures.department.name)
    pdf.drawCentredString(width / 2, height - 40 * mm, title)
    pdf.setFont(font, 12)
    month = _("Month: %(year)d-%(month)02d") % {"year": start.year, "month": start.month}
    pdf.drawCentredString(width / 2, height - 49 * mm, month)
    y = height - 66 * mm
    pdf.setStrokeColor(colors.grey)
    for label, value in figures.lines():
        pdf.drawString(30 * mm, y, label)
        pdf.drawRightString(width - 30 * mm, y, str(value))
        pdf.line(30 * mm, y - 2.5 * mm, width - 30 * mm, y - 2.5 * mm)
        y -= 10 * mm
    # The head of the office signs and seals the printed report.
    y -= 12 * mm
    for line in (
        _("Head of the office (signature): ____________________"),
        _("Date: ____________________"),
        _("Seal of the office:"),
    ):
        pdf.drawString(30 * mm, y, line)
        y -= 14 * mm
    pdf.setFont(font, 9)
    made = timezone.localtime().strftime("%Y-%m-%d %H:%M")
    pdf.drawString(30 * mm, 18 * mm, _("Produced by OneWindow electronic supervision on %(when)s.") % {"when": made})
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
