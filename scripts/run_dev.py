"""Run the processes of Procfile.dev (``make run``): web, Celery workers and beat, in one terminal.

Once the web server answers, print the address to open and the demo accounts. Ctrl-C
stops every process and ends quietly: honcho receives the same Ctrl-C, stops its
processes and exits 130, which this script reports as a normal end (so make prints no
"Error 130").
"""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
READY_TIMEOUT_SECONDS = 60


def _local_url(settings) -> str:
    """Return the address this machine reaches the web server at (0.0.0.0 is reached at 127.0.0.1)."""
    return settings.base_url_for(os.environ.get("WEB_ADDRESS", "127.0.0.1:8000"), lan=lambda: None)


def _listening(url: str) -> bool:
    """Return whether the web server accepts connections (without a request, which it would log)."""
    parts = urlsplit(url)
    try:
        socket.create_connection((parts.hostname, parts.port), timeout=1).close()
    except OSError:
        return False
    return True


def _wait_and_greet(honcho: subprocess.Popen) -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    sys.path.insert(0, str(ROOT))
    django.setup()
    from django.conf import settings
    from django.urls import reverse

    from portal import settings as settings_module
    from portal.management.commands.seed_demo import (
        ACCOUNTS,
        DEMO_PASSWORD,
        DEMO_TOTP_SECRET,
        DEPARTMENTS,
        demo_recovery_code,
    )
    from portal.models import User

    local = _local_url(settings_module)
    deadline = time.monotonic() + READY_TIMEOUT_SECONDS
    while honcho.poll() is None and time.monotonic() < deadline:
        if _listening(local):
            time.sleep(0.5)  # let runserver print its banner first
            break
        time.sleep(0.3)
    else:
        return
    lines = [
        "",
        "=" * 72,
        f"  OneWindow is running: {settings.PORTAL_BASE_URL}/",
        f"  Staff work area:      {settings.PORTAL_BASE_URL}{reverse('admin:index')}",
        f"  Demo accounts (password for all: {DEMO_PASSWORD}; staff then type a second factor):",
    ]
    departments = {code: name for code, name, _short, _phone in DEPARTMENTS}
    for username, role, department, fields in ACCOUNTS:
        what = role or User.Kind(fields["kind"]).label
        where = f" / {departments[department]}" if department else ""
        recovery = f"  [recovery code {demo_recovery_code(username)}]" if role and settings.DEBUG else ""
        lines.append(f"    {username:<15} {what}{where}{recovery}")
    if settings.DEBUG:
        lines += [
            "  Second factor for every staff account: add this key to an authenticator app",
            f"  (time-based) and type the 6 digits it shows: {DEMO_TOTP_SECRET}",
        ]
    lines += ["  Ctrl-C stops everything.", "=" * 72, ""]
    print("\n".join(lines), flush=True)


def main() -> int:
    bin_dir = Path(sys.executable).parent
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}
    command = [str(bin_dir / "honcho"), "--procfile", "Procfile.dev", "start"]
    honcho = subprocess.Popen(command, cwd=ROOT, env=env)  # noqa: S603 - a fixed command line
    try:
        _wait_and_greet(honcho)
        return honcho.wait()
    except KeyboardInterrupt:
        # The terminal sent Ctrl-C to honcho as well: let it stop its processes.
        while True:
            try:
                honcho.wait()
                return 0
            except KeyboardInterrupt:
                continue


if __name__ == "__main__":
    sys.exit(main())
