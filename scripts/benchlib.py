"""What the benchmark scripts share: Django set up from the project, and a throw-away database.

Importing this module sets Django up (the scripts run as `python scripts/NAME.py`).

Every script ends by calling ``report()`` once per headline figure: it prints one line
``RESULT {"name": ..., "figure": ..., "unit": ..., "baseline": ..., "target": ...}`` (JSON after the
word RESULT, alone on its line), which ``scripts/bench_all.py`` (``make bench``) collects into one table.
The script's own figures and tables are printed as before; the RESULT lines only repeat them.
"""

import contextlib
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

import django  # noqa: E402

django.setup()


@contextlib.contextmanager
def counted():
    """Count the SQL statements run inside the block (cheaper than recording them); yields [count]."""
    from django.db import connection  # noqa: PLC0415 - after django.setup()

    count = [0]

    def wrapper(execute, sql, params, many, context):
        count[0] += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        yield count


@contextlib.contextmanager
def throwaway_database():
    """Create a test database next to DATABASE_URL's for the benchmark, and drop it afterwards."""
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        yield connection
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def construction_department():
    """Return the construction department every benchmark works in."""
    from portal.models import Department

    return Department.objects.create(code="zjj", name="市住房和城乡建设局")


def timed(call, repeat: int = 30) -> tuple[float, float, object]:
    """Return the median and p95 in ms of `repeat` calls (after one warm-up), and the last result."""
    result = call()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        result = call()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.median(times), times[max(0, int(len(times) * 0.95) - 1)], result


def report(name: str, figure: float, unit: str, baseline: float | None = None, *, target: str = "") -> None:
    """Print one figure as a RESULT line for `make bench`'s table, with its same-run baseline and target."""
    line = {"name": name, "figure": figure, "unit": unit, "baseline": baseline, "target": target}
    print("RESULT " + json.dumps(line, ensure_ascii=False), flush=True)
