"""Benchmark: the staff's admin lists at a small and at city scale, side by side.

Usage: DATABASE_URL=postgres://... python scripts/bench_admin.py [SMALL] [LARGE]

In a throw-away test database on PostgreSQL, inserts SMALL applications (default 1,000) with
generate_series as scripts/bench_stats.py does (10 departments, 200 items, two years of filings;
one in twenty waiting for intake, the running ones with a deadline), times each list's first page
in process through Django's WSGI handler (median and p95 of 20 after a warm-up) and counts its
queries; then grows the table to LARGE (default 1,000,000), VACUUM ANALYZE, and times the same
pages again. The figure at SMALL is the baseline of the one at LARGE: the issue asks for the
clerk's list of 50 rows in at most 50 ms at a million applications and within 1.5x of the small
table. Prints the plan PostgreSQL chose for each list's page at LARGE (which index it reads).
"""

import sys

from bench_stats import generate, prepare
from benchlib import report, throwaway_database, timed
from django.core import signals  # noqa: E402
from django.core.handlers.wsgi import WSGIHandler  # noqa: E402
from django.db import close_old_connections, connection  # noqa: E402
from django.test import Client, RequestFactory  # noqa: E402
from django.urls import reverse  # noqa: E402

LIST = "admin:approvals_application_changelist"


def lists():
    """Return the lists timed: (label, staff username, query string)."""
    return [
        ("clerk: waiting for intake (default)", "bench-clerk", {}),
        ("clerk: all departments", "bench-clerk", {"state": "all"}),
        ("reviewer: own department", "bench-reviewer", {}),
        ("reviewer: in review (state filter)", "bench-reviewer", {"state": "in_review"}),
        ("supervisor: every department", "bench-supervisor", {}),
    ]


def staff_clients(department):
    """Return a logged-in client (second factor passed) per staff account the lists need."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from portal import roles
    from portal.tests import factories

    clients = {}
    for username, role, dept in (
        ("bench-clerk", roles.CLERK, None),
        ("bench-reviewer", roles.REVIEWER, department),
        ("bench-supervisor", roles.SUPERVISOR, None),
    ):
        user = factories.staff(username, role, dept)
        client = Client()
        client.force_login(user)
        device = TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
        clients[username] = client
    return clients


def running_deadlines():
    """Give the running applications a current deadline, as the legal clock stores it."""
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE approvals_application SET current_due_at = CASE state "
            "WHEN 'submitted' THEN submitted_at + interval '7 days' ELSE statutory_due_at END "
            "WHERE state IN ('submitted', 'accepted', 'in_review') AND current_due_at IS NULL"
        )
        cursor.execute("VACUUM ANALYZE")


def measure(clients):
    """Return {label: (median ms, p95 ms, queries, rows on the page, the page's SQL)}.

    Timed through Django's WSGI handler, the whole middleware stack as gunicorn runs it, with the
    staff member's session cookie. The test client would add its own cost: it copies every
    template's context for ``response.context`` (an admin list renders ~200 templates); it is
    used once per list for the rows on the page.
    """
    handler = WSGIHandler()
    figures = {}
    for label, username, params in lists():
        client = clients[username]
        cookie = "; ".join(f"{name}={morsel.value}" for name, morsel in client.cookies.items())
        environ = RequestFactory(HTTP_COOKIE=cookie).get(reverse(LIST), params).environ

        def get(environ=environ):
            # The connection kept between requests (persistent connections, CONN_MAX_AGE), as the
            # test client does (and reconnects after its own requests): the list's own cost, not a
            # new PostgreSQL connection per request.
            signals.request_started.disconnect(close_old_connections)
            signals.request_finished.disconnect(close_old_connections)
            statuses = []
            body = b"".join(handler(dict(environ), lambda status, headers, *args: statuses.append(status)))
            assert statuses == ["200 OK"], statuses
            return body

        median, p95, _body = timed(get, repeat=20)
        queries = []

        def record(execute, sql, params, many, context, queries=queries):
            queries.append((sql, params))
            return execute(sql, params, many, context)

        with connection.execute_wrapper(record):
            get()
        page = [(sql, params) for sql, params in queries if "LIMIT 50" in sql and "COUNT(" not in sql]
        rows = len(client.get(reverse(LIST), params).context["cl"].result_list)
        figures[label] = (median, p95, len(queries), rows, page)
    return figures


def plan(sql, params):
    """Return the scans of approvals_application in PostgreSQL's plan for a query as run, and its time."""
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, COSTS OFF) {sql}", params)  # our own captured SQL
        lines = [row[0] for row in cursor.fetchall()]
    scans = [line.strip() for line in lines if "approvals_application" in line and "Scan" in line]
    return [*scans, *(line for line in lines if line.startswith("Execution Time"))]


def main():
    small = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000
    large = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000
    with throwaway_database():
        if connection.vendor != "postgresql":
            print("needs PostgreSQL: set DATABASE_URL (the issue's figures are on PostgreSQL)")
            return
        items, template = prepare()
        department = items[0].department
        clients = staff_clients(department)

        generate(small, template, first_item=items[0].pk, prefix="S")
        running_deadlines()
        at_small = measure(clients)

        generate(large - small, template, first_item=items[0].pk, prefix="L")
        running_deadlines()
        at_large = measure(clients)

        print("admin lists, first page, in process (Django's WSGI handler), PostgreSQL; medians of 20 (p95)")
        print(f"{'list':40} {'rows':>5} {f'at {small:,}':>20} {f'at {large:,}':>20} {'ratio':>6} {'queries':>9}")
        for label, (median, p95, queries, _rows, _sql) in at_small.items():
            big_median, big_p95, big_queries, big_rows, _sql = at_large[label]
            print(
                f"{label:40} {big_rows:>5} {f'{median:.1f} ms ({p95:.1f})':>20} "
                f"{f'{big_median:.1f} ms ({big_p95:.1f})':>20} {big_median / median:>5.2f}x "
                f"{f'{queries} / {big_queries}':>9}"
            )
        clerk = at_large["clerk: waiting for intake (default)"][0]
        print(f"clerk's list at {large:,}: {clerk:.1f} ms, {clerk / 50:.2f} of the 50 ms limit")
        for label, (median, *_rest) in at_small.items():
            target = "<= 50 ms" if "default" in label else ""
            report(f"{label} at {large:,}", at_large[label][0], "ms", median, target=target)
        for label, (*_figures, sql) in at_large.items():
            if sql:
                print(f"plan of the page, {label}: {'; '.join(plan(*sql[0]))}")


if __name__ == "__main__":
    main()
