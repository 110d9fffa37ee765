"""Run every benchmark (scripts/bench_*.py) one after the other and print one table of their figures.

Usage: python scripts/bench_all.py [NAME | NAME=ARGS] ...
       (``make bench``; ``make bench BENCH="pages sla_sweep=10000,100000,100"``)

With no NAME every script runs, at the sizes in SIZES below (a script not listed runs with no
argument, i.e. its own default); NAME alone picks scripts (``pages``, ``sla_sweep``...), NAME=ARGS
also replaces their arguments (separated by commas or, quoted, by spaces). Each script runs as its
own process with this environment (set DATABASE_URL and CACHE_URL to PostgreSQL and Redis for the
issue's figures); its whole output goes to var/bench/NAME.log and its last lines are shown when it
fails.

The convention the scripts follow: besides their own figures and tables, each prints one line per
headline figure, ``RESULT {"name": ..., "figure": ..., "unit": ..., "baseline": ..., "target": ...}``
(JSON after the word RESULT, alone on a line), written by ``benchlib.report()``. The baseline is the
figure of the script's same-run baseline (or null). A script that prints no RESULT line yet still
runs: the table says so, and its log holds its figures.
"""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LOGS = ROOT / "var" / "bench"

# Arguments per script: the sizes where they finish in minutes on a small machine.
SIZES = {
    "batch_approve": "1000",
    "sla_sweep": "100000 1000000 1000",
    "print": "1000",
    "faq_search": "10000",
    "booking": "400 20",
    "disclosure": "1000000",
    "stats": "1000000",
    "pages": "5 3",
}


def _scripts() -> list[str]:
    return sorted(p.stem.removeprefix("bench_") for p in (ROOT / "scripts").glob("bench_*.py") if p.stem != "bench_all")


def _plan(argv: list[str]) -> list[tuple[str, list[str]]]:
    """Return (script name, arguments) to run, from the command line."""
    known = _scripts()
    if not argv:
        return [(name, SIZES.get(name, "").split()) for name in known]
    plan = []
    for word in argv:
        name, _, args = word.partition("=")
        if name not in known:
            raise SystemExit(f"No scripts/bench_{name}.py (known: {', '.join(known)})")
        plan.append((name, (args.replace(",", " ") if "=" in word else SIZES.get(name, "")).split()))
    return plan


def _results(output: str) -> list[dict]:
    results = []
    for line in output.splitlines():
        if line.startswith("RESULT "):
            try:
                results.append(json.loads(line.removeprefix("RESULT ")))
            except json.JSONDecodeError:
                continue
    return results


def _number(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.2f}".rstrip("0").rstrip(".") if abs(value) < 100 else f"{value:,.0f}"
    return f"{value:,.0f}"


def main() -> None:
    LOGS.mkdir(parents=True, exist_ok=True)
    rows = []
    for name, args in _plan(sys.argv[1:]):
        print(f"--- bench_{name}.py {' '.join(args)}", flush=True)
        started = time.monotonic()
        log = LOGS / f"{name}.log"
        with log.open("w") as out:
            finished = subprocess.run(  # noqa: S603 - our own scripts
                [sys.executable, str(ROOT / "scripts" / f"bench_{name}.py"), *args],
                cwd=ROOT,
                env=os.environ,
                stdout=out,
                stderr=subprocess.STDOUT,
                text=True,
            )
        output = log.read_text()
        took = time.monotonic() - started
        results = _results(output)
        if finished.returncode != 0:
            print("\n".join(output.splitlines()[-15:]))
            rows.append((name, f"failed (exit {finished.returncode}, {log.relative_to(ROOT)})", "", "", "", took))
        elif not results:
            rows.append((name, f"no RESULT line: see {log.relative_to(ROOT)}", "", "", "", took))
        for result in results:
            figure = f"{_number(result.get('figure'))} {result.get('unit', '')}"
            rows.append(
                (
                    name,
                    result.get("name", ""),
                    figure,
                    _number(result.get("baseline")),
                    result.get("target") or "",
                    took,
                )
            )
        print(f"    {took:.0f} s, {len(results)} figure(s)", flush=True)
    print(f"\n{'script':<14} {'figure':<64} {'value':>26} {'baseline':>10} {'target':>12}")
    for name, label, figure, baseline, target, _took in rows:
        print(f"{name:<14} {label[:64]:<64} {figure:>26} {baseline:>10} {target:>12}")
    print(f"load average: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
