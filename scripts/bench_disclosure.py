"""Benchmark: the public disclosure's searches and pages with N published decisions (default 1,000,000).

Usage: DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_disclosure python scripts/bench_disclosure.py [N]

In a throw-away test database (``test_`` + the name in DATABASE_URL), bulk-inserts N records
with one INSERT ... SELECT over generate_series (200 items of 20 departments, decisions over
about five years, 80% enterprises with about 250,000 credit codes, 20% natural persons with a
masked name, 2% withheld and 0.3% pending), then times the queries the page and the export run
(``approvals.disclosure.selectors``): the first page, the next one and the 50th (by cursor), and a
search by credit code, certificate number, name, item, department and period; median and p95 in
ms over REPEAT runs. Every search is EXPLAINed: the script prints the index each one uses and
flags a sequential scan of the table. It also prints the table's size and checks that no query
of the listing counts the table. The issue wants a search by credit code or certificate number
under 50 ms at 1,000,000 decisions on PostgreSQL.
"""

import sys
import time

from benchlib import construction_department, report, throwaway_database, timed
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

REPEAT = 30
ITEMS = 200
DEPARTMENTS = 20
CREDIT_CODES = 250_000
SURNAMES = ["张", "王", "李", "赵", "刘", "陈", "杨", "黄", "周", "吴"]
PLACES = ["华夏", "东方", "江南", "长城", "新城", "金桥", "明珠", "海天", "天和", "鼎盛"]
TRADES = ["科技", "建设", "餐饮", "医药", "物流", "置业", "商贸", "能源", "环保", "食品"]

INSERT = """
INSERT INTO approvals_publisheddecision (
    decision, state, item_id, department_id, decided_at, holder_kind, holder_name, credit_code,
    certificate_id, certificate_number, certificate_valid_from, certificate_valid_until, certificate_status,
    publish_due_at, published_at, withheld_reason, problem, current_due_at, due_level, created_at)
SELECT
    d.decision,
    CASE WHEN g %% 50 = 0 THEN 'withheld' WHEN g %% 331 = 0 THEN 'pending' ELSE 'published' END,
    (%(items)s)[1 + g %% %(n_items)s],
    (%(departments)s)[1 + g %% %(n_items)s],
    d.at,
    CASE WHEN g %% 5 = 0 THEN 'person' ELSE 'enterprise' END,
    CASE WHEN g %% 5 = 0 THEN (%(surnames)s)[1 + g %% 10] || '*'
         ELSE (%(places)s)[1 + (g / 7) %% 10] || (%(trades)s)[1 + (g / 70) %% 10]
              || (g %% %(codes)s)::text || '有限公司'
    END,
    CASE WHEN g %% 5 = 0 THEN '' ELSE '91320100' || lpad((g %% %(codes)s)::text, 10, '0') END,
    CASE WHEN d.decision = 'denied' THEN NULL ELSE g END,
    CASE WHEN d.decision = 'denied' THEN ''
         ELSE 'ZJJ02-' || extract(year FROM d.at)::int || '-' || lpad(g::text, 7, '0') END,
    CASE WHEN d.decision = 'denied' THEN NULL ELSE d.at::date END,
    CASE WHEN d.decision = 'denied' THEN NULL ELSE d.at::date + 1825 END,
    CASE WHEN d.decision = 'denied' THEN '' WHEN g %% 97 = 0 THEN 'revoked' ELSE 'valid' END,
    d.at + interval '9 days',
    CASE WHEN g %% 50 = 0 OR g %% 331 = 0 THEN NULL ELSE d.at + interval '1 minute' END,
    CASE WHEN g %% 50 = 0 THEN 'commercial_secret' ELSE '' END,
    '',
    CASE WHEN g %% 331 = 0 AND g %% 50 <> 0 THEN d.at + interval '9 days' ELSE NULL END,
    'normal',
    d.at
FROM generate_series(1, %(n)s) AS g,
LATERAL (SELECT
    CASE WHEN g %% 10 = 0 THEN 'denied' WHEN g %% 97 = 0 THEN 'revoked' ELSE 'approved' END AS decision,
    now() - g * interval '150 seconds' AS at) AS d
"""


def _array(values, cast: str) -> str:
    if cast == "int":
        return "ARRAY[" + ",".join(str(v) for v in values) + "]::int[]"
    return "ARRAY[" + ",".join("'" + v + "'" for v in values) + "]::text[]"


def populate(n: int) -> list:
    from approvals.models import ServiceItem
    from portal.models import Department

    departments = [construction_department()] + [
        Department.objects.create(code=f"d{k:02d}", name=f"市第{k}局") for k in range(1, DEPARTMENTS)
    ]
    items = [
        ServiceItem.objects.create(
            code=f"BENCH-{k:04d}",
            name=f"{TRADES[k % 10]}许可事项{k}",
            department=departments[k % DEPARTMENTS],
            kind="permit",
            statutory_days=20,
            promised_days=5,
            online_depth=4,
        )
        for k in range(ITEMS)
    ]
    params = {
        "items": _array([i.pk for i in items], "int"),
        "departments": _array([i.department_id for i in items], "int"),
        "n_items": str(ITEMS),
        "surnames": _array(SURNAMES, "text"),
        "places": _array(PLACES, "text"),
        "trades": _array(TRADES, "text"),
        "codes": str(CREDIT_CODES),
        "n": str(n),
    }
    with connection.cursor() as cursor:
        cursor.execute((INSERT % params).replace("%%", "%"))
        if connection.vendor == "postgresql":
            cursor.execute("VACUUM ANALYZE approvals_publisheddecision")
    return items


def plan_of(call) -> tuple[str, list[str]]:
    """Return EXPLAIN ANALYZE of the disclosure query a call runs, and every SQL statement it ran."""
    with CaptureQueriesContext(connection) as captured:
        call()
    statements = [q["sql"] for q in captured.captured_queries]
    sql = next(s for s in statements if "approvals_publisheddecision" in s)
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
        return "\n".join(row[0] for row in cursor.fetchall()), statements


def used_index(plan: str) -> str:
    """Return the indexes a plan scans, and whether it reads the whole table."""
    indexes = sorted({line.split(" using ")[1].split()[0] for line in plan.lower().splitlines() if " using " in line})
    seq = "SEQ SCAN of the table!" if "Seq Scan on approvals_publisheddecision" in plan else "no seq scan"
    return f"{', '.join(indexes) or '-'}; {seq}"


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    if connection.vendor != "postgresql":
        print("Note: not PostgreSQL; the issue's figure is for PostgreSQL (set DATABASE_URL=postgres://...).")
    with throwaway_database():
        from approvals.disclosure import selectors
        from approvals.models import PublishedDecision

        started = time.perf_counter()
        items = populate(n)
        print(f"{n:,} decisions inserted and analysed in {time.perf_counter() - started:.1f} s ({connection.vendor})")
        published = PublishedDecision.objects.filter(state="published")
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_size_pretty(pg_total_relation_size('approvals_publisheddecision')), "
                    "pg_size_pretty(pg_relation_size('approvals_publisheddecision'))"
                )
                total, table = cursor.fetchone()
            print(f"approvals_publisheddecision: {total} with its indexes, {table} table")
        sample = published.exclude(credit_code="").exclude(certificate_number="").order_by("pk")[n // 3]
        first = selectors.published_page(selectors.Search())
        page, cursor_50 = first, ""
        for _ in range(49):
            cursor_50 = page.next_cursor
            page = selectors.published_page(selectors.Search(), after=cursor_50)
        month_start = sample.decided_at.date().replace(day=1)
        searches = [
            ("first page", selectors.Search(), ""),
            ("next page", selectors.Search(), first.next_cursor),
            ("50th page", selectors.Search(), cursor_50),
            ("credit code", selectors.Search(credit_code=sample.credit_code), ""),
            ("certificate number", selectors.Search(certificate_number=sample.certificate_number), ""),
            ("name prefix (company)", selectors.Search(name=sample.holder_name[:6]), ""),
            ("name 张 (persons)", selectors.Search(name="张"), ""),
            ("item (name part)", selectors.Search(item=items[7].name), ""),
            ("department", selectors.Search(department_id=items[3].department_id), ""),
            ("period (one month)", selectors.Search(date_from=month_start, date_to=month_start.replace(day=28)), ""),
            (
                "department + period",
                selectors.Search(
                    department_id=items[3].department_id, date_from=month_start, date_to=month_start.replace(day=28)
                ),
                "",
            ),
        ]
        print(f"\n{'page or search':<24} {'rows':>4} {'median':>9} {'p95':>9}   index used (EXPLAIN)")
        counted = []
        for label, search, after in searches:

            def call(s=search, a=after):
                return selectors.published_page(s, after=a)

            median, p95, result = timed(call)
            plan, statements = plan_of(call)
            counted += [s for s in statements if "COUNT(" in s.upper()]
            print(f"{label:<24} {len(result.rows):>4} {median:8.2f}ms {p95:8.2f}ms   {used_index(plan)}")
            report(f"disclosure: {label}", median, "ms")
        median, p95, rows = timed(
            lambda: list(selectors.open_data_rows(selectors.Search(credit_code=sample.credit_code)))
        )
        print(f"{'CSV rows, credit code':<24} {len(rows):>4} {median:8.2f}ms {p95:8.2f}ms")
        print(f"\nCOUNT queries run by the listing: {len(counted)}")
        if connection.vendor == "postgresql":
            plan, _ = plan_of(lambda: selectors.published_page(selectors.Search(credit_code=sample.credit_code)))
            print("\n--- plan of the search by credit code")
            print(plan)
            plan, _ = plan_of(
                lambda: selectors.published_page(selectors.Search(certificate_number=sample.certificate_number))
            )
            print("\n--- plan of the search by certificate number")
            print(plan)


if __name__ == "__main__":
    main()
