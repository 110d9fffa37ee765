"""Benchmark: the public pages' throughput under gunicorn, each beside a hello-world view served the same way.

Usage: DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_pages CACHE_URL=rediscache://127.0.0.1:6379/1 \\
       python scripts/bench_pages.py [SECONDS_PER_RUN] [ROUNDS] [--pages verify,me]

--pages (or the environment variable BENCH_PAGES) names the pages to load, by the first word of their
name (home, catalogue, guide, track, verify, me), separated by commas; by default every page. The
hello view always runs.

Against the database in DATABASE_URL (migrated and seeded with ``manage.py seed_demo`` first when it
holds no catalogue), starts gunicorn with 2 sync workers on a free loopback port, with DEBUG=0 and
BENCH_HELLO=1 (which adds /bench/hello/, a view answering "Hello, world" through the same middleware),
and loads each page with wrk (20 connections; a Python load generator when wrk is missing) for
SECONDS_PER_RUN (default 5). ROUNDS (default 3) interleave the hello view and the pages, so a change in
the machine's load touches both; the figure per page is the median over the rounds of its requests per
second divided by the hello view's in the same round. /me/ is loaded with the session of the demo
citizen zhangsan. The issue wants every public page at >= 30 % of hello-world and /me/ at >= 10 %.

The production settings that matter are the server's defaults with DEBUG off (CONN_MAX_AGE 60 unless
the environment says otherwise); VERIFY_RATE_LIMIT is raised so one address may load /verify/, which
still counts every request. Bounded in time: (pages + 1) x ROUNDS x SECONDS_PER_RUN plus start-up.
"""

import argparse
import http.client
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

from benchlib import report
from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
CONNECTIONS = 20
WORKERS = 2
HELLO = ("hello-world", "/bench/hello/", None)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _seeded() -> None:
    """Migrate and load the demo when the database holds no catalogue yet."""
    from approvals.models import ServiceItem  # noqa: PLC0415 - after django.setup()

    call_command("migrate", interactive=False, verbosity=0)
    if not ServiceItem.objects.exists():
        print("Loading the demo (manage.py seed_demo) ...", flush=True)
        call_command("seed_demo", verbosity=0)


def _pages() -> list[tuple[str, str, str | None]]:
    """Return (name, path, target) of each page, with a demo item, certificate and citizen."""
    from approvals.models import ServiceItem  # noqa: PLC0415
    from licenses.models import Certificate  # noqa: PLC0415

    item = ServiceItem.objects.filter(is_active=True, department__code="zjj").order_by("code").first()
    token = Certificate.objects.filter(status="valid").order_by("pk").values_list("token", flat=True).first()
    return [
        ("home", "/", "30"),
        ("catalogue", "/services/", "30"),
        ("guide", f"/services/{item.code}/", "30"),
        ("track (GET)", "/track/", "30"),
        ("verify", f"/verify/{token}/", "30"),
        ("me (signed in)", "/me/", "10"),
    ]


def _chosen(pages: list[tuple[str, str, str | None]], names: str) -> list[tuple[str, str, str | None]]:
    """Return the pages named in `names` (first words, separated by commas), every page when it is empty."""
    wanted = {name.strip() for name in names.split(",") if name.strip()}
    if not wanted:
        return pages
    known = {name.split()[0] for name, _, _ in pages}
    if wanted - known:
        raise SystemExit(f"Unknown page(s) {', '.join(sorted(wanted - known))} (known: {', '.join(sorted(known))})")
    return [page for page in pages if page[0].split()[0] in wanted]


def _citizen_cookie() -> str:
    """Return a Cookie header holding a session of the demo citizen zhangsan."""
    from django.test import Client  # noqa: PLC0415

    from portal.models import User  # noqa: PLC0415

    client = Client()
    client.force_login(User.objects.get(username="zhangsan"), backend="django.contrib.auth.backends.ModelBackend")
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def _server_environment() -> dict:
    """Return the environment of a production-like server reading the keys this process (and the demo) used."""
    environment = dict(os.environ)
    environment.update(
        DEBUG="0",
        BENCH_HELLO="1",
        SECRET_KEY=settings.SECRET_KEY,
        PERSONAL_DATA_HASH_KEY=settings.PERSONAL_DATA_HASH_KEY,
        PERSONAL_DATA_KEYS=",".join(settings.PERSONAL_DATA_KEYS),
        SMS_BACKEND=settings.SMS_BACKEND,
        SECURE_SSL_REDIRECT="0",  # plain HTTP on loopback; production sits behind TLS
        VERIFY_RATE_LIMIT="100000000/m",
    )
    return environment


def _start_server(port: int) -> subprocess.Popen:
    command = [
        str(Path(sys.executable).with_name("gunicorn")),
        "portal.wsgi",
        f"--workers={WORKERS}",
        "--worker-class=sync",
        f"--bind=127.0.0.1:{port}",
        "--log-level=warning",
    ]
    # With DEBUG off the static files are served by WhiteNoise from their manifest, as in production.
    subprocess.run(  # noqa: S603 - a fixed command line
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity=0"],
        cwd=ROOT,
        env=_server_environment(),
        check=True,
    )
    server = subprocess.Popen(command, cwd=ROOT, env=_server_environment(), start_new_session=True)  # noqa: S603
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{HELLO[1]}", timeout=2) as answer:
                if answer.status == 200:
                    return server
        except OSError:
            time.sleep(0.3)
    _stop_server(server)
    raise SystemExit("gunicorn did not answer within 60 s")


def _stop_server(server: subprocess.Popen) -> None:
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)


def _check(port: int, path: str, cookie: str | None) -> None:
    """Fail unless the page answers 200 (and warm both workers' caches)."""
    for _ in range(2 * WORKERS):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request("GET", path, headers={"Cookie": cookie} if cookie else {})
        answer = conn.getresponse()
        answer.read()
        conn.close()
        if answer.status != 200:
            raise SystemExit(f"{path} answered {answer.status}, not 200")


def _wrk(url: str, seconds: int, cookie: str | None) -> float:
    command = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{seconds}s", url]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout  # noqa: S603
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if errors:
        raise SystemExit(f"{url}: {errors.group(1)} answers were not 2xx/3xx\n{output}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))


def _python_load(url: str, seconds: int, cookie: str | None) -> float:
    """Load `url` from CONNECTIONS threads for `seconds` (when wrk is missing); return requests per second."""
    host, port = url.split("/")[2].split(":")
    path = "/" + url.split("/", 3)[3]
    counts = [0] * CONNECTIONS
    stop = time.monotonic() + seconds

    def worker(index):
        while time.monotonic() < stop:
            conn = http.client.HTTPConnection(host, int(port), timeout=30)
            conn.request("GET", path, headers={"Cookie": cookie} if cookie else {})
            conn.getresponse().read()
            conn.close()
            counts[index] += 1

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(CONNECTIONS)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(counts) / (time.monotonic() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description="The public pages' throughput beside a hello-world view.")
    parser.add_argument("seconds", nargs="?", type=int, default=5, help="seconds per run (default 5)")
    parser.add_argument("rounds", nargs="?", type=int, default=3, help="interleaved rounds (default 3)")
    parser.add_argument(
        "--pages",
        default=os.environ.get("BENCH_PAGES", ""),
        help="pages to load, e.g. verify,me (default: BENCH_PAGES, else every page)",
    )
    arguments = parser.parse_args()
    seconds, rounds = arguments.seconds, arguments.rounds
    if connection.vendor != "postgresql":
        print("Note: not PostgreSQL; the issue's figures are for PostgreSQL (set DATABASE_URL=postgres://...).")
    if settings.CACHES["default"]["BACKEND"].endswith("LocMemCache"):
        print("Note: CACHE_URL is not set: each worker has its own local cache (production uses Redis).")
    _seeded()
    pages = _chosen(_pages(), arguments.pages)
    cookie = _citizen_cookie()
    connection.close()
    load = _wrk if shutil.which("wrk") else _python_load
    port = _free_port()
    print(
        f"gunicorn {WORKERS} sync workers, {CONNECTIONS} connections ({'wrk' if load is _wrk else 'Python threads'}), "
        f"{rounds} interleaved rounds of {seconds} s per page; load average {os.getloadavg()[0]:.2f}",
        flush=True,
    )
    server = _start_server(port)
    try:
        for name, path, _target in [HELLO, *pages]:
            _check(port, path, cookie if name.startswith("me") else None)
        figures: dict[str, list[float]] = {name: [] for name, _, _ in [HELLO, *pages]}
        ratios: dict[str, list[float]] = {name: [] for name, _, _ in pages}
        for round_number in range(rounds):
            hello = load(f"http://127.0.0.1:{port}{HELLO[1]}", seconds, None)
            figures[HELLO[0]].append(hello)
            for name, path, _target in pages:
                rate = load(f"http://127.0.0.1:{port}{path}", seconds, cookie if name.startswith("me") else None)
                figures[name].append(rate)
                ratios[name].append(rate / hello)
            print(f"round {round_number + 1}: hello-world {hello:,.0f} req/s", flush=True)
    finally:
        _stop_server(server)
    load_after = os.getloadavg()[0]
    hello = statistics.median(figures[HELLO[0]])
    print(f"\n{'page':<16} {'path':<34} {'req/s':>8} {'of hello':>9} {'target':>7}")
    print(f"{HELLO[0]:<16} {HELLO[1]:<34} {hello:>8,.0f} {'100 %':>9}")
    failed = []
    for name, path, target in pages:
        ratio = statistics.median(ratios[name]) * 100
        ok = ratio >= float(target)
        failed += [] if ok else [name]
        mark = "" if ok else "  below target"
        print(
            f"{name:<16} {path[:34]:<34} {statistics.median(figures[name]):>8,.0f} {ratio:>7.1f} % {target:>5} %{mark}"
        )
    print(f"load average after the run: {load_after:.2f}")
    for name, _path, target in pages:
        report(
            f"pages: {name}",
            round(statistics.median(ratios[name]) * 100, 1),
            "% of hello-world",
            round(hello),
            target=f">= {target} %",
        )


if __name__ == "__main__":
    main()
