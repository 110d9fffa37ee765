"""Benchmark: printing 1,000 certificates into one PDF through the printing centre's service.

Usage: python scripts/bench_print.py [N]   (any DATABASE_URL; a throw-away test database is used)

Prints milliseconds per certificate for the service (QR drawn as merged vector runs)
beside two baselines drawn in the same process: (a) the floor, the same page text with
no QR code; (b) the naive way, the same page with reportlab's QrCodeWidget. Also prints
how much the process's peak memory grew during the service run (pages are written to the
file as they are drawn; run with N=200 and N=1000 to compare).
"""

import resource
import sys
import tempfile
import time

from benchlib import construction_department, throwaway_database
from reportlab.graphics import renderPDF  # noqa: E402
from reportlab.graphics.barcode.qr import QrCodeWidget  # noqa: E402
from reportlab.graphics.shapes import Drawing  # noqa: E402


def baseline(certificates, path, *, with_widget_qr: bool):
    """Draw the same pages with the service's text; QR by reportlab's widget, or none."""
    from licenses import pdf

    original = pdf._draw_qr

    def widget_qr(canvas, content, x, y, size):
        widget = QrCodeWidget(content)
        x0, y0, x1, y1 = widget.getBounds()
        drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
        drawing.add(widget)
        renderPDF.draw(drawing, canvas, x, y)

    pdf._draw_qr = widget_qr if with_widget_qr else (lambda *args, **kwargs: None)
    try:
        started = time.perf_counter()
        pdf.render_certificates(certificates, path)
        return time.perf_counter() - started
    finally:
        pdf._draw_qr = original


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    with throwaway_database():
        from django.utils import timezone

        from licenses.models import Certificate, CertificateType, PrintJob
        from licenses.services import printing
        from portal import roles
        from portal.tests import factories

        department = construction_department()
        certificate_type = CertificateType.objects.create(
            code="zjj-02", name="建筑工程施工许可证", department=department, number_prefix="ZJJ02"
        )
        operator = factories.staff("bench-printer", roles.PRINT_OPERATOR, email="")
        now = timezone.now()
        certificates = Certificate.objects.bulk_create(
            Certificate(
                number=f"ZJJ02-2026-{i:06d}",
                certificate_type=certificate_type,
                year=2026,
                sequence=i,
                holder_name="华夏建设工程有限公司",
                holder_id_number="91320100MA1ABCDE5U",
                department=department,
                data=[
                    ["持证人", "华夏建设工程有限公司"],
                    ["宗地编号", "330102001001GB00001"],
                    ["建筑面积（平方米）", "12680.5"],
                    ["合同价格（万元）", "4380"],
                    ["结构类型", "框架-剪力墙结构"],
                ],
                issued_at=now,
                valid_from=now.date(),
            )
            for i in range(1, n + 1)
        )
        jobs = PrintJob.objects.bulk_create(PrintJob(certificate=c, due_at=now) for c in certificates)
        for_baselines = list(Certificate.objects.select_related("certificate_type", "department").order_by("pk"))
        with tempfile.TemporaryDirectory() as folder:
            floor = baseline(for_baselines, f"{folder}/floor.pdf", with_widget_qr=False)
            naive = baseline(for_baselines, f"{folder}/naive.pdf", with_widget_qr=True)
        batch = printing.print_batch_create(actor=operator, job_ids=[j.pk for j in jobs])
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        started = time.perf_counter()
        batch = printing.print_batch_run(batch_id=batch.pk)
        service = time.perf_counter() - started
        rss_growth = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before
        assert batch.status == "done" and batch.total == n, (batch.status, batch.error)
        per = {name: 1000 * seconds / n for name, seconds in (("floor", floor), ("naive", naive), ("service", service))}
        floor_ms, naive_ms, service_ms = per["floor"], per["naive"], per["service"]
        print(f"{n} certificates into one PDF of {batch.file.size / 1e6:.1f} MB")
        print(f"(a) floor, text without QR:         {floor_ms:7.2f} ms per certificate")
        print(
            f"(b) naive, reportlab QrCodeWidget:  {naive_ms:7.2f} ms per certificate ({naive_ms / floor_ms:.2f}x floor)"
        )
        print(
            f"    service (batch, vector QR, DB): {service_ms:7.2f} ms per certificate "
            f"({service_ms / floor_ms:.2f}x floor, {service_ms / naive_ms:.2f}x naive)"
        )
        print(f"    growth of the process's peak memory during the service run: {rss_growth / 1024:.1f} MB")


if __name__ == "__main__":
    main()
