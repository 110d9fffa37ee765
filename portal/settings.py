"""Settings for OneWindow, read from the environment (one module for every deployment).

Every value has a default that needs no server: a SQLite file and an embedded
filesystem Celery broker under ``var/``, so one can check out the code and run it.
Production sets ``DEBUG=0`` and the variables listed in the README.
"""

import secrets
import socket
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=True)


def _secret_key() -> str:
    """Return SECRET_KEY from the environment, or a development key kept in var/."""
    key = env.str("SECRET_KEY", default="")
    if key:
        return key
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    # A generated key kept on disk, so sessions survive a restart in development.
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


def lan_address() -> str | None:
    """Return this machine's address on the local network, or None when it has none."""
    # Connecting a UDP socket sends nothing; it only makes the kernel choose the outgoing interface.
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(("10.255.255.255", 1))
            address = probe.getsockname()[0]
    except OSError:
        return None
    return None if address.startswith(("127.", "0.")) else address


def base_url_for(web_address: str, *, lan=lan_address) -> str:
    """Return the public address of the development server listening on WEB_ADDRESS (``host:port`` or ``port``).

    A server on every interface (0.0.0.0 or ::) is reached from other devices at the machine's
    network address, if it has one.
    """
    host, _colon, port = web_address.strip().rpartition(":")
    host = host.strip("[]") or "127.0.0.1"
    if host in ("0.0.0.0", "::"):  # noqa: S104 - reading the address, not binding to it
        host = lan() or "127.0.0.1"
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port or 8000}"


SECRET_KEY = _secret_key()


def _derived_key(purpose: str) -> str:
    """Return a development key for one purpose, derived from SECRET_KEY (never used with DEBUG off)."""
    import hashlib  # noqa: PLC0415 - only in development

    return hashlib.sha256(f"{purpose}:{SECRET_KEY}".encode()).hexdigest()


# Keyed hash of ID numbers, credit codes and mobiles for exact look-up (portal/personal_data.py).
PERSONAL_DATA_HASH_KEY = env.str("PERSONAL_DATA_HASH_KEY", default="")
if not PERSONAL_DATA_HASH_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("PERSONAL_DATA_HASH_KEY must be set when DEBUG is off.")
    PERSONAL_DATA_HASH_KEY = _derived_key("personal-data-hash")

# Absolute base of the public site, used in QR codes and e-mails. By default the address
# `make run` serves (WEB_ADDRESS, as in Procfile.dev).
PORTAL_BASE_URL = env.str("PORTAL_BASE_URL", default="").rstrip("/") or base_url_for(
    env.str("WEB_ADDRESS", default="127.0.0.1:8000")
)
_LOCAL_HOSTS = ["localhost", "127.0.0.1", "[::1]", "testserver"]


def base_url_host(base_url: str) -> str:
    """Return the host of a base URL as ALLOWED_HOSTS writes it (IPv6 in brackets), or "" if none."""
    host = urlsplit(base_url).hostname or ""
    return f"[{host}]" if ":" in host else host


ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS",
    default=list(dict.fromkeys([*_LOCAL_HOSTS, *filter(None, [base_url_host(PORTAL_BASE_URL)])])),
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
PORTAL_NAME = _("OneWindow Online Government Service Hall")
PORTAL_SHORT_NAME = _("OneWindow")

INSTALLED_APPS = [
    "portal.apps.PortalConfig",
    "approvals.apps.ApprovalsConfig",
    "licenses.apps.LicensesConfig",
    "consultations.apps.ConsultationsConfig",
    "oversight.apps.OversightConfig",
    "portal.apps.PortalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_fsm_log",
    "django_ratelimit",
    "simple_history",
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "portal.middleware.PermissionsPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "portal.middleware.PortalLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    # The working-day calendar's version read once per request, not once per date computed.
    "portal.clock.calendar.CalendarPerRequestMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "portal.middleware.PrivateCacheMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "portal.middleware.SessionTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks, so it sees the outcome of every login.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "portal.context_processors.portal",
            ],
        },
    },
]

# Database: a SQLite file by default; DATABASE_URL=postgres://... in production.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'onewindow.sqlite3'}"),
}
# Persistent connections: a new PostgreSQL connection per request cost 12-15 % of a public page's time.
# Development (DEBUG on, runserver's thread per request) keeps closing them; CONN_MAX_AGE=0 does too.
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=0 if DEBUG else 60))
DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
# scripts/bench_pages.py serves a plain "hello world" view beside the pages, as their baseline.
BENCH_HELLO = env.bool("BENCH_HELLO", default=False)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several processes (web, worker, beat) share the file: wait for locks instead of failing.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("timeout", 20)
    DATABASES["default"]["OPTIONS"].setdefault("transaction_mode", "IMMEDIATE")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://onewindow")}
_LOCAL_CACHE = CACHES["default"]["BACKEND"].endswith("LocMemCache")
# The personal centre's notifications and sections are held per person for this long in the shared
# cache, and rendered afresh whenever a row they show changes (portal/personal_centre.py). Off with the
# zero-setup local cache: the Celery worker's changes would not reach the web process's memory.
PERSONAL_CENTRE_HOLD_SECONDS = env.int("PERSONAL_CENTRE_HOLD_SECONDS", default=0 if _LOCAL_CACHE else 1800)

AUTH_USER_MODEL = "portal.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# AUTH_PASSWORD_VALIDATORS: in the "Security: duties" block at the end.
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "me"
LOGOUT_REDIRECT_URL = "home"

# Brute-force protection (django-axes): lock a username from one address after 5 failures.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
# The client address of lock-outs: the one rule of portal/net.py (CLIENT_IP_HEADER, TRUSTED_PROXY_COUNT).
AXES_CLIENT_IP_CALLABLE = "portal.net.client_ip"

# Internationalisation: Chinese first, English second; all times in Asia/Shanghai.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(VAR_DIR / "staticfiles")))
if DEBUG:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns when it is missing
MEDIA_URL = "media/"
# Uploads are never served directly: views check permissions and stream them.
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
# Certificate history is read-only: changes go through the services of licenses.
SIMPLE_HISTORY_REVERT_DISABLED = True

# Transition log (electronic tracking): django-fsm-log, plus the actor's role at the time.
DJANGO_FSM_LOG_STORAGE_METHOD = "approvals.fsm_log.RoleRecordingBackend"

# Public tracking: lookups per address (django-ratelimit, in the shared cache).
TRACK_RATE_LIMIT = env.str("TRACK_RATE_LIMIT", default="10/10m")
VERIFY_RATE_LIMIT = env.str("VERIFY_RATE_LIMIT", default="30/m")
# A TrueType Chinese font for permits; empty: the WenQuanYi Micro Hei shipped in licenses/fonts/.
PERMIT_FONT_PATH = env.str("PERMIT_FONT_PATH", default="")
# Rate limits count per client address as portal/net.py reads it; not set from the environment,
# since a header named here would be believed whoever wrote it.
RATELIMIT_IP_META_KEY = "portal.net.ratelimit_ip"
# The client's address (portal/net.py): REMOTE_ADDR unless the operator declares the header
# their proxy writes (e.g. HTTP_X_FORWARDED_FOR) and how many proxies append to it.
CLIENT_IP_HEADER = env.str("CLIENT_IP_HEADER", default="")
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=1)

# Print batches larger than this run in a Celery worker with a progress bar.
PRINT_BATCH_SYNC_LIMIT = env.int("PRINT_BATCH_SYNC_LIMIT", default=100)
# A print batch is drawn this many pages at a time; a larger batch is a ZIP of one PDF per chunk.
PRINT_BATCH_PAGES = env.int("PRINT_BATCH_PAGES", default=200)

# Batch approval: larger selections run in a Celery worker with a progress bar.
BATCH_APPROVE_SYNC_LIMIT = env.int("BATCH_APPROVE_SYNC_LIMIT", default=200)

# Uploads: the largest file accepted for one material, and the most kept in memory.
UPLOAD_MAX_MB = env.int("UPLOAD_MAX_MB", default=20)
UPLOAD_MAX_FILES_PER_MATERIAL = env.int("UPLOAD_MAX_FILES_PER_MATERIAL", default=10)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# E-mail: printed to the console unless EMAIL_URL names an SMTP server.
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
globals().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="OneWindow <noreply@onewindow.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Security: strict when DEBUG is off (manage.py check --deploy is clean).
SESSION_COOKIE_HTTPONLY = True
# Sessions are kept in the database and read through the cache: a signed-in page reads its session
# from Redis instead of PostgreSQL, and a session survives a cache restart.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
# A refused form gets a Chinese page with a reference, like the other error pages.
CSRF_FAILURE_VIEW = "portal.views.csrf_failure"
CSRF_COOKIE_HTTPONLY = False
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # /healthz is probed by load balancers over plain HTTP inside the network.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SILENCED_SYSTEM_CHECKS = env.list("SILENCED_SYSTEM_CHECKS", default=[])
# django-ratelimit knows neither Django's own Redis backend (atomic incr, shared: fine) nor
# that the zero-setup default runs one web process, whose local-memory counters are exact.
# With several web processes CACHE_URL must name Redis (see the README).
SILENCED_SYSTEM_CHECKS.append("django_ratelimit.W001")
if _LOCAL_CACHE:
    SILENCED_SYSTEM_CHECKS.append("django_ratelimit.E003")
if not env.bool("SECURE_HSTS_PRELOAD", default=False):
    # Preloading is a decision for the city's domain owners, not a default.
    SILENCED_SYSTEM_CHECKS.append("security.W021")

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Celery: an embedded filesystem broker under var/ by default, Redis in production.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://localhost/")
CELERY_BROKER_TRANSPORT_OPTIONS = {}
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_dir = VAR_DIR / "broker"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
    for _sub in ("queue", "control"):
        (_broker_dir / _sub).mkdir(parents=True, exist_ok=True)
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=None)
CELERY_TASK_IGNORE_RESULT = CELERY_RESULT_BACKEND is None
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=240)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=300)
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# Print batches go to their own queue, served by a thread-pool worker: its tasks may start a
# helper process that encodes QR codes (a prefork worker's children may not have children).
CELERY_TASK_ROUTES = {"licenses.tasks.print_batch_run": {"queue": "printing"}}
# The legal clock: warn when at most this many working days remain; sweep this often.
SLA_WARNING_WORKING_DAYS = env.int("SLA_WARNING_WORKING_DAYS", default=1)
SLA_SWEEP_SECONDS = env.int("SLA_SWEEP_SECONDS", default=300)
# The hall's working hours on a working day, for limits counted in working hours.
HALL_HOURS = env.str("HALL_HOURS", default="09:00-12:00,13:30-17:00")
CELERY_BEAT_SCHEDULE = {
    "clock-sweep": {"task": "portal.tasks.clock_sweep_run", "schedule": SLA_SWEEP_SECONDS},
    "certificates-daily": {"task": "licenses.tasks.certificates_daily", "schedule": crontab(hour=1, minute=30)},
    "calendar-coverage": {
        "task": "portal.tasks.calendar_coverage_check",
        "schedule": crontab(hour=7, minute=0),
    },
    "notifications-outbox": {
        "task": "portal.tasks.notifications_outbox_sweep",
        "schedule": env.int("NOTIFICATION_OUTBOX_SECONDS", default=60),
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "axes": {"level": "WARNING"},
        # runserver's "Watching for file changes" line: make run prints its own greeting instead.
        "django.utils.autoreload": {"level": "WARNING"},
    },
}

# --- Security: audit ---
# Audit rows and django-axes login logs are kept this many days, then purged daily; the law's
# minimum (six months: 184 days) is also the floor the PostgreSQL trigger enforces.
AUDIT_RETENTION_DAYS = env.int("AUDIT_RETENTION_DAYS", default=184)
if AUDIT_RETENTION_DAYS < 184:
    raise ImproperlyConfigured("AUDIT_RETENTION_DAYS must be at least 184 (six months of logs, Cybersecurity Law).")
# Records refusals (403, a 404 on someone else's record) and lends receivers the current request.
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
    "portal.audit.middleware.AuditMiddleware",
)
# django-axes' own admin lets a superuser delete login logs; portal/audit/admin.py registers read-only ones.
AXES_ENABLE_ADMIN = False
# The purge of audit rows and login logs past the retention, every night.
CELERY_BEAT_SCHEDULE["audit-purge"] = {
    "task": "portal.tasks.audit_purge_run",
    "schedule": crontab(hour=env.int("AUDIT_PURGE_HOUR", default=2), minute=15),
}

# --- Security: sms ---
# Where text messages go (portal/sms): the console (development), locmem (tests) or the gateway.
SMS_BACKEND = env.str("SMS_BACKEND", default="portal.sms.backends.console.SmsBackend")
# The HTTP SMS gateway (SMS_BACKEND=portal.sms.backends.gateway.SmsBackend): URL that takes a JSON POST.
SMS_GATEWAY_URL = env.str("SMS_GATEWAY_URL", default="")
# Bearer token sent to the gateway in the Authorization header.
SMS_GATEWAY_TOKEN = env.str("SMS_GATEWAY_TOKEN", default="")
# Seconds to wait for the gateway before the message counts as not sent.
SMS_GATEWAY_TIMEOUT = env.float("SMS_GATEWAY_TIMEOUT", default=5.0)
if not DEBUG:
    # A console backend in production would drop every code silently: the operator chooses one.
    if "SMS_BACKEND" not in env.ENVIRON:
        raise ImproperlyConfigured("SMS_BACKEND must be set when DEBUG is off (e.g. the gateway backend).")
    if SMS_BACKEND.endswith(".gateway.SmsBackend") and not (SMS_GATEWAY_URL and SMS_GATEWAY_TOKEN):
        raise ImproperlyConfigured("SMS_GATEWAY_URL and SMS_GATEWAY_TOKEN must be set for the SMS gateway backend.")
# Registrations (POSTs of the form) per client address, and per ID number or credit code typed.
REGISTER_RATE_LIMIT = env.str("REGISTER_RATE_LIMIT", default="10/h")
REGISTER_ACCOUNT_RATE_LIMIT = env.str("REGISTER_ACCOUNT_RATE_LIMIT", default="5/h")
# A code to take over a hall account: minutes it is valid and tries allowed.
TAKEOVER_CODE_MINUTES = env.int("TAKEOVER_CODE_MINUTES", default=10)
TAKEOVER_CODE_TRIES = env.int("TAKEOVER_CODE_TRIES", default=5)
# Text messages to one account's mobile: seconds between two, and at most this many a day.
TAKEOVER_SMS_INTERVAL_SECONDS = env.int("TAKEOVER_SMS_INTERVAL_SECONDS", default=60)
TAKEOVER_SMS_PER_DAY = env.int("TAKEOVER_SMS_PER_DAY", default=5)
# Wrong codes typed for one account in 24 hours, all its codes together; past it no code is taken that day.
TAKEOVER_TRIES_PER_DAY = env.int("TAKEOVER_TRIES_PER_DAY", default=10)

# --- Security: headers ---
# Content-Security-Policy (django-csp): no inline script or style anywhere, public pages and admin alike.
# To allow a new source, add it to the directive here (and say why); never 'unsafe-inline'.
INSTALLED_APPS += ["csp"]
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        # data: for the SVG icons inside Bootstrap's stylesheet (menu toggler, close button, select arrow).
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# Permissions-Policy: browser features the portal never uses, switched off (portal/middleware.py).
PERMISSIONS_POLICY = env.str(
    "PERMISSIONS_POLICY",
    default="camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), "
    "hid=(), midi=(), magnetometer=(), gyroscope=(), accelerometer=(), display-capture=()",
)
# Idle time after which a session ends: staff (is_staff) and everyone else, in minutes.
SESSION_IDLE_MINUTES_STAFF = env.int("SESSION_IDLE_MINUTES_STAFF", default=30)
SESSION_IDLE_MINUTES_PUBLIC = env.int("SESSION_IDLE_MINUTES_PUBLIC", default=120)
# Longest a login lasts, active or not, in hours; the session cookie expires with it.
SESSION_MAX_HOURS = env.int("SESSION_MAX_HOURS", default=12)
SESSION_COOKIE_AGE = SESSION_MAX_HOURS * 3600
# Password reset requests: per client address and per e-mail address (django-ratelimit rates).
PASSWORD_RESET_RATE_LIMIT_IP = env.str("PASSWORD_RESET_RATE_LIMIT_IP", default="5/h")
PASSWORD_RESET_RATE_LIMIT_EMAIL = env.str("PASSWORD_RESET_RATE_LIMIT_EMAIL", default="3/h")

# --- Security: uploads ---
# Mode of files and folders the storage creates (octal): no access for other accounts on the host.
FILE_UPLOAD_PERMISSIONS = int(env.str("FILE_UPLOAD_PERMISSIONS", default="640"), 8)
FILE_UPLOAD_DIRECTORY_PERMISSIONS = int(env.str("FILE_UPLOAD_DIRECTORY_PERMISSIONS", default="750"), 8)
# Drafts one account may keep open at once on the public site (walk-in filing is not counted).
UPLOAD_MAX_OPEN_DRAFTS = env.int("UPLOAD_MAX_OPEN_DRAFTS", default=10)
# Bytes one account may have uploaded to its applications still under way (default 200 MB).
UPLOAD_MAX_BYTES_PER_ACCOUNT = env.int("UPLOAD_MAX_BYTES_PER_ACCOUNT", default=200 * 1024 * 1024)
# Drafts not changed for this many days are deleted with their files by the daily purge.
DRAFT_RETENTION_DAYS = env.int("DRAFT_RETENTION_DAYS", default=90)
# The owner is told this many days before a draft is purged (0: no notice, purge on the day).
DRAFT_PURGE_NOTICE_DAYS = env.int("DRAFT_PURGE_NOTICE_DAYS", default=7)
CELERY_BEAT_SCHEDULE["drafts-purge"] = {"task": "approvals.tasks.drafts_purge", "schedule": crontab(hour=3, minute=15)}

# --- Security: otp ---
# A second factor for staff (django-otp): TOTP from an authenticator app plus single-use recovery codes.
INSTALLED_APPS += ["django_otp", "django_otp.plugins.otp_totp", "django_otp.plugins.otp_static"]
# OTPMiddleware reads the verified device from the session, so it comes right after authentication.
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
    "django_otp.middleware.OTPMiddleware",
)
# The name authenticator apps show beside each staff account.
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="OneWindow")
# Wrong codes lock a device for 1, 2, 4, 8... seconds times this factor after each failure in a row.
OTP_TOTP_THROTTLE_FACTOR = env.int("SECOND_FACTOR_THROTTLE_FACTOR", default=1)
OTP_STATIC_THROTTLE_FACTOR = OTP_TOTP_THROTTLE_FACTOR
# The device admin never shows a secret key or its QR code.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# How many single-use recovery codes enrolment gives each staff account.
SECOND_FACTOR_RECOVERY_CODES = env.int("SECOND_FACTOR_RECOVERY_CODES", default=10)
# The admin's path prefix, e.g. "staff-7f3a/" (default "admin/").
ADMIN_URL_PATH = env.str("ADMIN_URL_PATH", default="admin/").strip().strip("/") + "/"
if ADMIN_URL_PATH == "/":
    raise ImproperlyConfigured("ADMIN_URL_PATH must not be empty: the public site is served at the root.")
# The host name that alone serves the admin, e.g. "admin.zwfw.example.gov.cn"; empty: any allowed host.
ADMIN_HOST = env.str("ADMIN_HOST", default="").strip().lower()
if ADMIN_HOST and ADMIN_HOST not in ALLOWED_HOSTS:
    ALLOWED_HOSTS.append(ADMIN_HOST)
MIDDLEWARE.insert(
    MIDDLEWARE.index("whitenoise.middleware.WhiteNoiseMiddleware") + 1, "portal.admin_host.AdminHostMiddleware"
)

# --- Security: crypto ---


def _personal_data_keys() -> list[str]:
    """Return the Fernet keys of personal identifiers: the first encrypts, all decrypt (portal/personal_data.py)."""
    import base64  # noqa: PLC0415 - only read here

    from cryptography.fernet import Fernet  # noqa: PLC0415

    keys = [key.strip() for key in env.str("PERSONAL_DATA_KEYS", default="").split(",") if key.strip()]
    if not keys:
        if not DEBUG:
            raise ImproperlyConfigured("PERSONAL_DATA_KEYS must be set when DEBUG is off.")
        keys = [base64.urlsafe_b64encode(bytes.fromhex(_derived_key("personal-data-encryption"))).decode()]
    for position, key in enumerate(keys, start=1):
        try:
            Fernet(key)
        except ValueError:
            raise ImproperlyConfigured(
                f"PERSONAL_DATA_KEYS: key {position} is not a Fernet key (32 bytes, URL-safe base64)."
            ) from None
    return keys


# Comma-separated Fernet keys that encrypt ID numbers and phones; the first encrypts, all decrypt.
PERSONAL_DATA_KEYS = _personal_data_keys()

# --- Security: duties ---
# Passwords: at least this many characters (never fewer than 12), besides the common-password check.
PASSWORD_MIN_LENGTH = max(12, env.int("PASSWORD_MIN_LENGTH", default=12))
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "portal.passwords.MinimumLengthValidator",
        "OPTIONS": {"min_length": PASSWORD_MIN_LENGTH},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# A password an administrator set leads to the password change from every page (after the
# session time limits, so a session that ran out is logged out first).
MIDDLEWARE.insert(
    MIDDLEWARE.index("portal.middleware.SessionTimeoutMiddleware") + 1,
    "portal.middleware.PasswordChangeRequiredMiddleware",
)

# --- Consultations: questions (限时答复, 首问负责) ---
# Reply limits by kind (consultations/questions/clock.py); a row in the admin overrides each one.
QUESTION_REPLY_WORKING_DAYS = env.int("QUESTION_REPLY_WORKING_DAYS", default=2)
QUESTION_JOINT_REPLY_WORKING_DAYS = env.int("QUESTION_JOINT_REPLY_WORKING_DAYS", default=3)
QUESTION_FORWARD_WORKING_HOURS = env.int("QUESTION_FORWARD_WORKING_HOURS", default=3)
# A forwarding deadline is due soon with this many working hours left.
QUESTION_FORWARD_WARNING_WORKING_HOURS = env.int("QUESTION_FORWARD_WARNING_WORKING_HOURS", default=1)
# The asker may ask one follow-up within this many working days of the answer.
QUESTION_FOLLOW_UP_WORKING_DAYS = env.int("QUESTION_FOLLOW_UP_WORKING_DAYS", default=10)
QUESTION_MAX_LENGTH = env.int("QUESTION_MAX_LENGTH", default=1000)
QUESTION_ATTACHMENT_MAX_BYTES = env.int("QUESTION_ATTACHMENT_MAX_BYTES", default=5 * 1024 * 1024)
# Questions sent, per signed-in account, per mobile number and per client address (django-ratelimit rates).
QUESTION_RATE_LIMIT_ACCOUNT = env.str("QUESTION_RATE_LIMIT_ACCOUNT", default="10/d")
QUESTION_RATE_LIMIT_MOBILE = env.str("QUESTION_RATE_LIMIT_MOBILE", default="5/d")
QUESTION_RATE_LIMIT_IP = env.str("QUESTION_RATE_LIMIT_IP", default="20/h")
# The similar-answers panel asks again as the asker types (debounced): a light limit per address.
QUESTION_FAQ_SUGGEST_RATE_LIMIT = env.str("QUESTION_FAQ_SUGGEST_RATE_LIMIT", default="60/m")

# --- Consultations: appointments at the hall (网上预约) ---
# Open bookings one person may hold at once; changes and cancellations allowed until this many hours before.
APPOINTMENT_MAX_OPEN = env.int("APPOINTMENT_MAX_OPEN", default=3)
APPOINTMENT_CHANGE_UNTIL_HOURS = env.int("APPOINTMENT_CHANGE_UNTIL_HOURS", default=2)
# This many no-shows within the window suspend online booking for the given number of days.
APPOINTMENT_NO_SHOW_LIMIT = env.int("APPOINTMENT_NO_SHOW_LIMIT", default=3)
APPOINTMENT_NO_SHOW_WINDOW_DAYS = env.int("APPOINTMENT_NO_SHOW_WINDOW_DAYS", default=90)
APPOINTMENT_SUSPENSION_DAYS = env.int("APPOINTMENT_SUSPENSION_DAYS", default=30)
# A queue number called this many times without an answer is marked missed.
APPOINTMENT_MISSED_AFTER_CALLS = env.int("APPOINTMENT_MISSED_AFTER_CALLS", default=3)

# --- appointments beat ---
# Slots for the bookable days ahead at 01:00, the next working day's reminders at 18:00, and the
# past days' bookings never checked in marked as no-shows at 00:30 (consultations/appointments/tasks.py).
CELERY_BEAT_SCHEDULE["appointment-slots-ahead"] = {
    "task": "consultations.appointments.tasks.appointment_slots_ahead",
    "schedule": crontab(hour=1, minute=0),
}
CELERY_BEAT_SCHEDULE["appointment-reminders"] = {
    "task": "consultations.appointments.tasks.appointment_reminders",
    "schedule": crontab(hour=18, minute=0),
}
CELERY_BEAT_SCHEDULE["appointment-no-shows"] = {
    "task": "consultations.appointments.tasks.appointment_no_shows",
    "schedule": crontab(hour=0, minute=30),
}

# --- Consultations: service evaluation (好差评) ---
# A bad review's return visit and rectification are due within these many working days.
RATING_VISIT_WORKING_DAYS = env.int("RATING_VISIT_WORKING_DAYS", default=1)
RATING_RECTIFICATION_WORKING_DAYS = env.int("RATING_RECTIFICATION_WORKING_DAYS", default=15)
# A rating link in a notification is valid this many days, once.
RATING_LINK_DAYS = env.int("RATING_LINK_DAYS", default=14)

# --- Approvals: public disclosure of decisions (审批信息集中公开) ---
# A decision or certificate change is public within this many working days (approvals/disclosure/clock.py);
# the records still pending (incomplete holder data) are retried every morning at 06:30.
DISCLOSURE_WORKING_DAYS = env.int("DISCLOSURE_WORKING_DAYS", default=7)
CELERY_BEAT_SCHEDULE["disclosure-publish-pending"] = {
    "task": "approvals.tasks.disclosure_publish_pending",
    "schedule": crontab(hour=6, minute=30),
}

# --- Oversight: statistics (/stats/, oversight/stats) ---
# Each night at 00:45 (after the no-shows are marked at 00:30) the daily snapshot is rebuilt for
# the last STATS_REFRESH_DAYS days through yesterday, so late changes to a recent day are caught.
STATS_REFRESH_DAYS = env.int("STATS_REFRESH_DAYS", default=35)
CELERY_BEAT_SCHEDULE["stats-refresh"] = {
    "task": "oversight.stats.tasks.stats_refresh_run",
    "schedule": crontab(hour=0, minute=45),
}

# --- Oversight: supervision (电子监察) ---
# Each supervisor's daily digest of every overdue clock, at 08:00 (oversight/supervision/tasks.py);
# supervisors get no notification per alert (portal/clock/roster.py DIGEST_ROLES).
CELERY_BEAT_SCHEDULE["supervision-digest"] = {
    "task": "oversight.supervision.tasks.supervision_digests_send",
    "schedule": crontab(hour=8, minute=0),
}
