"""Benchmark: printing certificates into one PDF through the printing centre's service.

Usage: python scripts/bench_print.py [N ...]   (default 200 1000 5000; any DATABASE_URL, a throw-away database)

For each batch size N, in the same process and on the same certificates, prints milliseconds
per certificate of: (a) the floor, the same pages with no QR code; (b) the pages with the QR
code encoded at print time (as before codes were stored); (c) the pages with the stored code
drawn; and the printing centre's service, the whole batch (claim, draw, mark printed, store
the file). Then the batch's own peak memory growth: tracemalloc is started for that batch
alone (a second run of the same jobs), so no baseline raised the peak before it; beside it, the
growth of drawing the same pages with one reportlab canvas (as batches did before they were
drawn `PRINT_BATCH_PAGES` pages at a time), traced alone the same way. Run with several sizes
to see whether the growth is flat.
"""

import sys
import tempfile
import time
import tracemalloc
from unittest import mock

from benchlib import construction_department, report, throwaway_database


def render(certificates, path, *, qr_code: str) -> float:
    """Time drawing the pages with no QR ("none"), the QR encoded now ("encoded") or the stored one ("stored")."""
    from licenses import pdf, qr

    patches = {
        "none": mock.patch.object(pdf, "_draw_qr", lambda *args, **kwargs: None),
        "encoded": mock.patch.object(qr, "unpack", lambda code, content: None),
        "stored": mock.patch.object(qr, "encode", side_effect=AssertionError("a stored code was encoded")),
    }
    with patches[qr_code]:
        started = time.perf_counter()
        pdf.render_certificates(certificates, path)
        return time.perf_counter() - started


def traced(work, *args, **kwargs) -> float:
    """Return the peak memory growth in MB while `work(...)` runs, traced alone (tracemalloc started for it only)."""
    tracemalloc.start()
    before, _ = tracemalloc.get_traced_memory()
    work(*args, **kwargs)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return (peak - before) / 1e6


def service_batch(operator, jobs) -> tuple[float, object]:
    """Queue the jobs again and print them in one batch; return the seconds and the batch."""
    from licenses.models import PrintJob
    from licenses.services import printing

    PrintJob.objects.filter(pk__in=[j.pk for j in jobs]).update(state="queued", batch=None, printed_at=None)
    batch = printing.print_batch_create(actor=operator, job_ids=[j.pk for j in jobs])
    started = time.perf_counter()
    batch = printing.print_batch_run(batch_id=batch.pk)
    elapsed = time.perf_counter() - started
    assert batch.status == "done" and batch.total == len(jobs), (batch.status, batch.error)
    return elapsed, batch


def main():
    sizes = [int(arg) for arg in sys.argv[1:]] or [200, 1000, 5000]
    with throwaway_database():
        from django.conf import settings
        from django.utils import timezone

        from licenses import qr
        from licenses.models import Certificate, CertificateType, PrintJob
        from portal import roles
        from portal.tests import factories

        # As in production: with DEBUG on, Django keeps the SQL of the last 9,000 queries, which a
        # batch of thousands of jobs (a save and a log row each) would count as its own memory.
        settings.DEBUG = False
        department = construction_department()
        certificate_type = CertificateType.objects.create(
            code="zjj-02", name="建筑工程施工许可证", department=department, number_prefix="ZJJ02"
        )
        operator = factories.staff("bench-printer", roles.PRINT_OPERATOR, email="")
        now = timezone.now()
        started = time.perf_counter()
        certificates = []
        for i in range(1, max(sizes) + 1):
            certificate = Certificate(
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
            certificate.qr_code = qr.verification(certificate)["qr_code"]  # as at issuance
            certificates.append(certificate)
        certificates = Certificate.objects.bulk_create(certificates)
        print(f"{len(certificates)} certificates issued with their QR codes in {time.perf_counter() - started:.1f} s")
        all_jobs = PrintJob.objects.bulk_create(PrintJob(certificate=c, due_at=now) for c in certificates)
        loaded = list(Certificate.objects.select_related("certificate_type", "department").order_by("pk"))
        render(loaded[:1], "/dev/null", qr_code="stored")  # the font is loaded once per process, before any figure

        for n in sizes:
            jobs, pages = all_jobs[:n], loaded[:n]
            with tempfile.TemporaryDirectory() as folder:
                # The batch's memory first, traced alone: tracemalloc slows everything, so it is not timed.
                growth = traced(service_batch, operator, jobs)
                one_canvas = traced(render, pages, f"{folder}/one-canvas.pdf", qr_code="stored")
                floor = render(pages, f"{folder}/floor.pdf", qr_code="none")
                encoded = render(pages, f"{folder}/encoded.pdf", qr_code="encoded")
                stored = render(pages, f"{folder}/stored.pdf", qr_code="stored")
                service, batch = service_batch(operator, jobs)
            per = {name: 1000 * seconds / n for name, seconds in (("floor", floor), ("encoded", encoded))}
            per |= {"stored": 1000 * stored / n, "service": 1000 * service / n}
            floor_ms = per["floor"]
            kind = "a ZIP of PDFs" if batch.file.name.endswith(".zip") else "one PDF"
            chunk = settings.PRINT_BATCH_PAGES
            print(f"--- {n} certificates into {kind} of {batch.file.size / 1e6:.1f} MB, {chunk} pages a chunk")
            print(f"(a) floor, the pages without QR:    {floor_ms:7.2f} ms per certificate")
            for key, label in (
                ("encoded", "(b) QR encoded at print time:     "),
                ("stored", "(c) stored QR drawn:              "),
                ("service", "    service, the whole batch:     "),
            ):
                print(f"{label} {per[key]:7.2f} ms per certificate ({per[key] / floor_ms:.2f}x floor)")
            print(f"    the batch's own peak memory growth (tracemalloc): {growth:.1f} MB")
            print(f"    the same pages drawn by one canvas (the old way):  {one_canvas:.1f} MB")
            report(f"printing {n}, stored QR", per["stored"], "ms each", floor_ms, target="<= 2x floor")
            report(f"printing {n}, whole batch service", per["service"], "ms each", floor_ms)
            report(f"printing {n}, peak memory growth", growth, "MB", one_canvas, target="flat in n")


if __name__ == "__main__":
    main()
