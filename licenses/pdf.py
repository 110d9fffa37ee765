"""The permit PDF: A4, Chinese text in an embedded font, a drawn seal, a verification QR code.

The Chinese font is a TrueType font embedded as a subset (reportlab always subsets
TrueType), so the permit prints correctly on a computer without Chinese fonts;
reportlab's built-in CID fonts would not be embedded. The font ships with the project
(WenQuanYi Micro Hei, Apache-2.0, licenses/fonts/) or comes from PERMIT_FONT_PATH.

``render_certificates`` draws any number of certificates into one PDF, one page each. reportlab
keeps the pages in memory until it writes the file, so the printing centre calls it once per
chunk of ``PRINT_BATCH_PAGES`` pages (``licenses/services/printing.py``). The QR code is the one
stored after issuance (``licenses/qr.py``), drawn as is.
"""

from __future__ import annotations

import io
import math
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from . import qr
from .qr import verify_url

# Page streams are Flate-compressed binary, without reportlab's default ASCII85 layer on top: its
# encoder is pure Python here (no C accelerator) and took a third of a batch's time; every PDF
# reader takes binary streams, and the file is a fifth smaller.
rl_config.useA85 = 0

__all__ = [
    "DRAWN_FIELDS",
    "certificate_pdf_bytes",
    "draw_certificate",
    "register_font",
    "render_certificates",
    "verify_url",
]

FONT_NAME = "PermitCJK"
DEFAULT_FONT = Path(__file__).resolve().parent / "fonts" / "wqy-microhei.ttc"
STATUS_WORDS = {"valid": "有效", "suspended": "暂停", "revoked": "已撤销", "expired": "已过期", "superseded": "已换发"}


def register_font() -> str:
    """Register the embedded Chinese font once; fail clearly when the file is missing."""
    if FONT_NAME in pdfmetrics.getRegisteredFontNames():
        return FONT_NAME
    path = Path(getattr(settings, "PERMIT_FONT_PATH", "") or DEFAULT_FONT)
    if not path.is_file():
        raise ImproperlyConfigured(
            f"The permit font {path} is missing. Set PERMIT_FONT_PATH to a TrueType (.ttf/.ttc) Chinese font "
            "whose licence allows embedding, e.g. WenQuanYi Micro Hei."
        )
    font = (
        TTFont(FONT_NAME, str(path), subfontIndex=0) if path.suffix.lower() == ".ttc" else TTFont(FONT_NAME, str(path))
    )
    pdfmetrics.registerFont(font)
    return FONT_NAME


def _draw_qr(pdf: canvas.Canvas, matrix: qr.Matrix, x: float, y: float, size: float) -> None:
    """Draw a QR code as one filled path: a rectangle per run of dark modules in a row.

    The path is written in module units (integers) under one scaling: reportlab's own path
    calls format four floats a rectangle, which cost more than the rest of the page.
    """
    modules = len(matrix) + 8  # the quiet zone of 4 modules on each side
    unit = size / modules
    runs = []
    for row_index, row in enumerate(matrix):
        bottom = modules - 5 - row_index  # rows run downwards from the top of the quiet zone
        start = None
        for col_index, dark in enumerate([*row, 0]):
            if dark and start is None:
                start = col_index
            elif not dark and start is not None:
                runs.append(f"{start + 4} {bottom} {col_index - start} 1 re")
                start = None
    pdf.saveState()
    pdf.setFillColor(colors.black)
    pdf.transform(unit, 0, 0, unit, x, y)
    pdf.addLiteral("\n".join(runs) + "\nf")
    pdf.restoreState()


def _draw_seal(pdf: canvas.Canvas, department: str, cx: float, cy: float, radius: float) -> None:
    """Draw a round red seal with the department's name around a star."""
    red = colors.Color(0.8, 0.05, 0.05)
    pdf.saveState()
    pdf.setStrokeColor(red)
    pdf.setFillColor(red)
    pdf.setLineWidth(2.2)
    pdf.circle(cx, cy, radius, stroke=1, fill=0)
    star = pdf.beginPath()
    for i in range(10):
        r = radius * (0.28 if i % 2 == 0 else 0.11)
        angle = math.pi / 2 + i * math.pi / 5
        point = (cx + r * math.cos(angle), cy + r * math.sin(angle))
        star.moveTo(*point) if i == 0 else star.lineTo(*point)
    star.close()
    pdf.drawPath(star, stroke=0, fill=1)
    size = radius * 0.26
    pdf.setFont(FONT_NAME, size)
    text = department
    span = math.radians(220)
    step = span / max(len(text) - 1, 1)
    for index, char in enumerate(text):
        angle = math.radians(90) + span / 2 - index * step
        px = cx + (radius - size * 1.1) * math.cos(angle)
        py = cy + (radius - size * 1.1) * math.sin(angle)
        pdf.saveState()
        pdf.translate(px, py)
        pdf.rotate(math.degrees(angle) - 90)
        pdf.drawCentredString(0, -size / 3, char)
        pdf.restoreState()
    pdf.restoreState()


# What draw_certificate reads of a certificate, its type and department (with qr.matrix_of): a batch
# loads only these. Any other field read here would cost each page a query of its own.
DRAWN_FIELDS = (
    "number",
    "data",
    "issued_at",
    "valid_from",
    "valid_until",
    "status",
    "token",
    "qr_code",
    "certificate_type__name",
    "department__name",
)


def draw_certificate(pdf: canvas.Canvas, certificate) -> None:
    """Draw one certificate on the current page and end the page."""
    width, height = A4
    font = register_font()
    certificate_type = certificate.certificate_type
    pdf.setStrokeColor(colors.Color(0.55, 0.1, 0.1))
    pdf.setLineWidth(3)
    pdf.rect(15 * mm, 15 * mm, width - 30 * mm, height - 30 * mm)
    pdf.setLineWidth(0.8)
    pdf.rect(18 * mm, 18 * mm, width - 36 * mm, height - 36 * mm)
    pdf.setFillColor(colors.black)
    pdf.setFont(font, 26)
    pdf.drawCentredString(width / 2, height - 45 * mm, certificate_type.name)
    pdf.setFont(font, 12)
    pdf.drawCentredString(width / 2, height - 55 * mm, f"编号：{certificate.number}")
    y = height - 75 * mm
    rows = [(label, value) for label, value in certificate.data]
    validity = certificate.valid_until.isoformat() if certificate.valid_until else "长期"
    rows += [
        ("发证机关", certificate.department.name),
        ("有效期", f"{certificate.valid_from.isoformat()} 至 {validity}"),
    ]
    for label, value in rows:
        pdf.setFont(font, 13)
        pdf.drawString(30 * mm, y, f"{label}：")
        pdf.drawString(82 * mm, y, str(value)[:56])
        y -= 11 * mm
    issued = timezone.localtime(certificate.issued_at).date()
    pdf.setFont(font, 13)
    pdf.drawRightString(width - 35 * mm, 70 * mm, certificate.department.name)
    pdf.drawRightString(width - 35 * mm, 62 * mm, f"{issued.year} 年 {issued.month} 月 {issued.day} 日")
    _draw_seal(pdf, certificate.department.name, width - 60 * mm, 72 * mm, 21 * mm)
    _draw_qr(pdf, qr.matrix_of(certificate), 28 * mm, 28 * mm, 38 * mm)
    pdf.setFont(font, 8)
    pdf.drawString(28 * mm, 25 * mm, "扫码核验证照真伪")
    if certificate.status != "valid":
        pdf.saveState()
        pdf.setFillColor(colors.Color(0.8, 0, 0, alpha=0.35))
        pdf.setFont(font, 60)
        pdf.translate(width / 2, height / 2)
        pdf.rotate(30)
        pdf.drawCentredString(0, 0, STATUS_WORDS.get(certificate.status, certificate.status))
        pdf.restoreState()
    pdf.showPage()


def render_certificates(certificates, output) -> int:
    """Draw the certificates, one page each, into `output` (a path or a binary file); return the page count."""
    # Every page starts in the canvas's initial font: make it the embedded one, or the PDF names
    # Helvetica (a standard font that is never embedded) although no text uses it.
    pdf = canvas.Canvas(output, pagesize=A4, pageCompression=1, initialFontName=register_font())
    pdf.setTitle("证照")
    pdf.setCreator("OneWindow")
    pages = 0
    for certificate in certificates:
        draw_certificate(pdf, certificate)
        pages += 1
    pdf.save()
    return pages


def certificate_pdf_bytes(certificate) -> bytes:
    """Return the PDF of one certificate."""
    buffer = io.BytesIO()
    render_certificates([certificate], buffer)
    return buffer.getvalue()
