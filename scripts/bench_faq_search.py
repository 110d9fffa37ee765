"""Benchmark: the FAQ search (Chinese character pairs, ``FaqTerm``) with N published entries.

Usage: DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_faq python scripts/bench_faq_search.py [N]

In a throw-away test database (``test_`` + the name in DATABASE_URL), creates N (default
10,000) published FAQ entries of 30 items with varied Chinese text drawn from phrase pools,
indexes them with ``faq.entry_terms`` (what ``faq_publish`` stores, bulk-inserted for speed),
then times ``selectors.faq_search`` for typical queries of 2, 4, 8 and 20 characters, with
and without an item filter: median and p95 in ms over REPEAT runs. The same run times the
naive scan as a baseline (``question_text__icontains``, and question or answer), prints the
FaqTerm row count, the tables' sizes and the query plan of the slowest search. The issue
wants the search under 50 ms at 10,000 entries on PostgreSQL.
"""

import random
import sys
import time

from benchlib import construction_department, report, throwaway_database, timed
from django.db import connection, reset_queries  # noqa: E402
from django.db.models import Q  # noqa: E402

REPEAT = 30
SEED = 13
ITEMS = [
    "建筑工程施工许可证核发",
    "建筑业企业资质核准",
    "施工图设计文件审查备案",
    "房屋建筑和市政基础设施工程竣工验收备案",
    "商品房预售许可",
    "建筑施工企业安全生产许可证核发",
    "燃气经营许可",
    "建筑起重机械使用登记",
    "公共租赁住房资格审核",
    "房地产开发企业资质核定",
    "食品经营许可",
    "食品生产许可",
    "药品零售企业许可",
    "第三类医疗器械经营许可",
    "企业设立登记",
    "企业变更登记",
    "企业注销登记",
    "特种设备使用登记",
    "小餐饮登记",
    "建设工程消防设计审查",
    "建设工程消防验收",
    "公众聚集场所投入使用、营业前消防安全检查",
    "不动产首次登记",
    "不动产转移登记",
    "不动产抵押登记",
    "建设工程规划许可证核发",
    "建设用地规划许可证核发",
    "失业保险金申领",
    "就业登记",
    "排污许可证核发",
]
WHO = [
    "个体工商户",
    "新设立企业",
    "外地企业",
    "分公司",
    "小微企业",
    "建设单位",
    "施工企业",
    "农民专业合作社",
    "外商投资企业",
    "个人",
    "物业公司",
    "连锁门店",
]
ASK = [
    "需要提交哪些材料",
    "多久能办好",
    "收费吗",
    "可以网上办理吗",
    "有效期多久",
    "到期后如何延续",
    "需要现场核查吗",
    "在哪个窗口办理",
    "可以委托他人办理吗",
    "材料不齐怎么办",
    "被退回后如何补正",
    "需要先办理营业执照吗",
    "能否容缺受理",
    "办理进度在哪里查询",
    "证书遗失如何补办",
    "变更法定代表人要重新申请吗",
]
WHEN = ["", "疫情期间", "节假日", "年底前", "搬迁后", "扩建时", "改变用途后", "合并分立时"]
ANSWER_PARTS = [
    "申请人可通过一网通办平台在线提交申请，也可到市民中心政务服务大厅综合窗口办理。",
    "材料齐全、符合法定形式的，当场受理；不齐全的，一次性告知需要补正的全部内容。",
    "本事项不收取任何费用，证照可选择邮寄送达或窗口领取。",
    "需要现场核查的，核查时间不计入承诺时限，核查人员将提前电话联系。",
    "证书有效期届满需要延续的，应当在届满前三十个工作日提出申请。",
    "委托他人办理的，应当提交授权委托书及受托人身份证明。",
    "已在本市电子证照库中的证照可免于提交，由系统自动调取。",
    "实行告知承诺制的，申请人书面承诺符合条件后可当场领取证书，部门在两个月内核查。",
    "办理进度可在个人中心查看，也可拨打部门咨询电话查询。",
    "证书遗失的，可在网上申请补发，无需登报声明。",
    "变更登记事项的，应当自变更之日起三十日内申请变更。",
    "不符合条件的，将出具不予受理或不予许可决定书并说明理由和救济途径。",
]
BASIS = [
    "《中华人民共和国行政许可法》第三十二条",
    "《中华人民共和国建筑法》第八条",
    "《建筑工程施工许可管理办法》第四条",
    "《中华人民共和国食品安全法》第三十五条",
    "《中华人民共和国市场主体登记管理条例》第十九条",
    "《不动产登记暂行条例》第二十条",
]
QUERIES = [
    ("2 chars", "许可"),
    ("4 chars", "施工许可"),
    ("8 chars", "食品经营许可延续"),
    ("20 chars", "办理建筑工程施工许可证需要提交哪些申请材料呢"),
    ("Latin", "ICP"),
]


def entry_texts(rng: random.Random, item_name: str) -> tuple[str, str, str]:
    question = f"{rng.choice(WHEN)}{rng.choice(WHO)}办理{item_name}{rng.choice(ASK)}？"
    answer = "".join(rng.sample(ANSWER_PARTS, rng.randint(2, 5)))
    return question, f"关于{item_name}：{answer}", rng.choice(BASIS)


def populate(n: int, *, items, department, publisher) -> None:
    from django.utils import timezone

    from consultations.models import FaqEntry, FaqTerm
    from consultations.questions import faq

    rng = random.Random(SEED)  # noqa: S311 - benchmark data
    now = timezone.now()
    batch = 2000
    for start in range(0, n, batch):
        entries = []
        for _ in range(start, min(n, start + batch)):
            item = rng.choice(items)
            question, answer, basis = entry_texts(rng, item.name)
            entries.append(
                FaqEntry(
                    item=item,
                    department=department,
                    question_text=question,
                    answer_text=answer,
                    basis=basis,
                    published_at=now,
                    published_by=publisher,
                )
            )
        FaqEntry.objects.bulk_create(entries)
        # The same terms and weights as faq_publish stores (services._index), inserted in bulk.
        terms = [
            FaqTerm(entry=entry, term=term, weight=weight)
            for entry in entries
            for term, weight in faq.entry_terms(entry.question_text, entry.answer_text).items()
        ]
        FaqTerm.objects.bulk_create(terms, batch_size=10_000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE consultations_faqentry")
        cursor.execute("ANALYZE consultations_faqterm")


def sizes() -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, pg_size_pretty(pg_total_relation_size(oid)), pg_size_pretty(pg_relation_size(oid)) "
            "FROM pg_class WHERE relname IN ('consultations_faqterm', 'consultations_faqentry')"
        )
        return {name: f"{total} total, {table} table" for name, total, table in cursor.fetchall()}


def plan(query: str, item=None) -> str:
    """Return EXPLAIN ANALYZE of the ranking query that selectors.faq_search runs (captured, not rebuilt)."""
    from django.test.utils import CaptureQueriesContext

    from consultations.selectors import faq_search

    with CaptureQueriesContext(connection) as captured:
        faq_search(query, item=item)
    ranking = next(q["sql"] for q in captured.captured_queries if "consultations_faqterm" in q["sql"])
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {ranking}")
        return "\n".join(row[0] for row in cursor.fetchall())


def measure(permit):
    """Time every query with and without the item filter; return (p95, query, item) of the slowest search."""
    from consultations.models import FaqEntry
    from consultations.selectors import faq_search

    print(f"\n{'query':<10} {'filter':<8} {'found':>5} {'median':>8} {'p95':>8}   baseline (naive scan):")
    print(" " * 52 + "icontains on the question / on question or answer")
    slowest = (0.0, None, None)
    for label, query in QUERIES:
        for item in (None, permit):
            median, p95, found = timed(lambda q=query, i=item: faq_search(q, item=i))
            scope = FaqEntry.objects.filter(is_published=True)
            if item is not None:
                scope = scope.filter(item=item)
            base_q, base_q95, _ = timed(lambda s=scope, q=query: list(s.filter(question_text__icontains=q)[:10]))
            base_qa, base_qa95, _ = timed(
                lambda s=scope, q=query: list(
                    s.filter(Q(question_text__icontains=q) | Q(answer_text__icontains=q))[:10]
                )
            )
            print(
                f"{label:<10} {'item' if item else 'all':<8} {len(found):>5} {median:7.1f}ms {p95:7.1f}ms"
                f"   {base_q:6.1f} / {base_qa:6.1f} ms (p95 {base_q95:.1f} / {base_qa95:.1f})"
            )
            report(f"FAQ search {label!r}, {'item' if item else 'all'}", median, "ms", base_qa)
            if p95 > slowest[0]:
                slowest = (p95, query, item)
    return slowest


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    if connection.vendor != "postgresql":
        print("Note: not PostgreSQL; the issue's figure is for PostgreSQL (set DATABASE_URL=postgres://...).")
    with throwaway_database():
        from approvals.models import ServiceItem
        from consultations.models import FaqTerm
        from portal import roles
        from portal.tests import factories

        department = construction_department()
        items = [
            ServiceItem.objects.create(
                code=f"BENCH-{n:04d}",
                name=name,
                department=department,
                kind="permit",
                statutory_days=20,
                promised_days=5,
                online_depth=4,
            )
            for n, name in enumerate(ITEMS, start=1)
        ]
        publisher = factories.staff("bench-consultant", roles.CONSULTANT, department, email="")
        started = time.perf_counter()
        populate(n, items=items, department=department, publisher=publisher)
        print(f"{n:,} published entries indexed in {time.perf_counter() - started:.1f} s ({connection.vendor})")
        if connection.vendor == "postgresql":
            # What autovacuum does after a bulk load: statistics, and the visibility map for index-only scans.
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE consultations_faqterm")
                cursor.execute("VACUUM ANALYZE consultations_faqentry")
        distinct = FaqTerm.objects.values("term").distinct().count()
        print(f"FaqTerm rows: {FaqTerm.objects.count():,}; distinct terms: {distinct:,}")
        if connection.vendor == "postgresql":
            for name, size in sorted(sizes().items()):
                print(f"  {name}: {size}")
        permit = items[0]
        slowest = measure(permit)
        reset_queries()
        if connection.vendor == "postgresql":
            _, query, item = slowest
            print(f"\n--- plan of the slowest search: {query!r} {'(item filter)' if item else '(all entries)'}")
            print(plan(query, item))


if __name__ == "__main__":
    main()
