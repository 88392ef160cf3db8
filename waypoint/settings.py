"""Waypoint settings: one module, configured only through environment variables.

Every variable is listed, with its default, in the README's "Configuration" table.
Defaults are chosen so that a fresh clone runs locally on SQLite; the system checks in
``waypoint.core.checks`` refuse the defaults that would be unsafe in production.
"""

from __future__ import annotations

import base64
import contextlib
import ipaddress
import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from waypoint.core.logging import logging_config
from waypoint.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
# Every file a Waypoint process creates is readable by its own user only (the SQLite
# database and its -wal/-shm files, the task queue, generated keys, uploads): the local
# install's database holds accounts, and nobody else on the machine needs to read it.
os.umask(0o077)
# numpy's BLAS (the insights' permutation tests) multiplies small matrices inside one
# request or task: extra threads per process only contend with the other workers (three
# times the CPU for the same answer, measured in bench/bench_insights.py). Read when numpy
# is first imported, which is after this module.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
# Writable state of a local install (SQLite database, generated secret, collected static).
VAR_DIR = Path(env_str("WAYPOINT_VAR_DIR", str(BASE_DIR / "var")))
# A read-only deployment keeps its state elsewhere (DATABASE_URL, *_FILE secrets).
with contextlib.suppress(OSError):
    VAR_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)
# Tighten what an older version created readable by others (SQLite gives its -wal and
# -shm files the database file's own mode). Only what this user owns is touched.
for _path in [
    VAR_DIR,
    *(VAR_DIR / f"{db}{end}" for db in ("waypoint.sqlite3", "tasks.sqlite3") for end in ("", "-wal", "-shm")),
    VAR_DIR / "secret_key",
    VAR_DIR / "encryption_key",
]:
    with contextlib.suppress(OSError):
        if _path.stat().st_uid == os.getuid():
            _path.chmod(0o700 if _path.is_dir() else 0o600)

DEBUG = env_bool("DEBUG", False)
# A local, loopback-only demo: `make run` sets it (and marks var/local-demo, which
# manage.py reads, so the commands typed after it behave the same). DEBUG stays off (no
# debug page, ever), the generated secret and encryption keys in var/ are accepted, and
# only this computer is served (check waypoint.E007 refuses any other host). Never set in
# a deployment.
LOCAL_DEMO = env_bool("LOCAL_DEMO", False)
LOOPBACK_HOSTS = ["127.0.0.1", "localhost", "[::1]"]

# A missing SECRET_KEY is replaced by a random one kept in var/, so a local install keeps
# its sessions across restarts; check waypoint.E001 refuses that outside DEBUG.
SECRET_KEY = env_str("SECRET_KEY")
SECRET_KEY_GENERATED = not SECRET_KEY
if SECRET_KEY_GENERATED:
    _key_file = VAR_DIR / "secret_key"
    try:
        SECRET_KEY = _key_file.read_text(encoding="utf-8").strip()
    except OSError:
        SECRET_KEY = ""
    if not SECRET_KEY:
        SECRET_KEY = secrets.token_urlsafe(50)
        try:
            VAR_DIR.mkdir(parents=True, exist_ok=True)
            _key_file.write_text(SECRET_KEY, encoding="utf-8")
            _key_file.chmod(0o600)
        except OSError:
            pass  # read-only file system: the key lives for this process only

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", LOOPBACK_HOSTS if DEBUG or LOCAL_DEMO else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# How many server processes share this deployment (check waypoint.E002 needs Redis above 1).
WEB_CONCURRENCY = env_int("WEB_CONCURRENCY", 1, minimum=1, maximum=64)
# Threads per server process that run requests' synchronous code (views, middleware, the
# database): a request waits for a free one (waypoint/core/handler.py). Each may hold a
# database connection while it serves a request. Four, not more: the threads take turns
# holding one GIL, and with eight they spent more on the hand-overs than they gained
# (bench/bench_checkins.py; docs/operations.md, "Performance").
WEB_THREADS = env_int("WEB_THREADS", 4, minimum=1, maximum=256)

INSTALLED_APPS = [
    # Django's admin, with Waypoint's admin site: signed in to only through the site's own
    # sign-in, and only by staff who passed two-step sign-in.
    "waypoint.accounts.admin_app.AdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "servestatic.runserver_nostatic",
    "django.contrib.staticfiles",
    "channels",
    "huey.contrib.djhuey",
    "axes",
    "ninja",
    "waypoint.core",
    "waypoint.accounts",
    "waypoint.directory",
    "waypoint.screening",
    "waypoint.guide",
    "waypoint.meetings",
    "waypoint.recovery",
    "waypoint.groups",
    "waypoint.insights",
    "waypoint.journal",
    "waypoint.reminders",
    "waypoint.availability",
    "waypoint.handoff",
]

MIDDLEWARE = [
    # First: counts and times every request by route name (waypoint/core/metrics.py).
    "waypoint.core.metrics.MetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "waypoint.core.middleware.SecurityHeadersMiddleware",
    # ServeStatic (WhiteNoise's ASGI-native successor): hashed, compressed static files
    # served without a synchronous iterator on every request under uvicorn; wrapped so it
    # also runs in the sync chain without a thread switch per request (core/middleware.py).
    "waypoint.core.middleware.StaticFilesMiddleware",
    "django.middleware.gzip.GZipMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "waypoint.core.middleware.LanguageCookieMiddleware",
    "django.middleware.common.CommonMiddleware",
    "waypoint.core.middleware.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Axes must come last: it turns a lockout into the response of the login view.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "waypoint.urls"
ASGI_APPLICATION = "waypoint.asgi.application"
WSGI_APPLICATION = None

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "waypoint.core.context_processors.waypoint",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    # CONN_MAX_AGE stays 0 (a pool needs it): each request takes a connection from the
    # process's pool when it first queries and gives it back when it ends. Opening a
    # connection per request cost more than a check-in's own queries (docs/operations.md,
    # "Performance").
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=0, conn_health_checks=True)}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # With CONN_HEALTH_CHECKS, Django has the pool check a connection when it is
        # taken, so one that a PostgreSQL restart closed is replaced, not failed.
        options = DATABASES["default"].setdefault("OPTIONS", {})
        options["pool"] = {
            "min_size": 1,
            # One per request thread, and a few for WebSocket consumers' database calls.
            "max_size": WEB_THREADS + 4,
            "timeout": 10,
        }
        # Prepared statements: a statement run a few times on a connection is planned once
        # and then only executed. Planning was most of PostgreSQL's time for a check-in's
        # look-ups (about 0.4 ms for the token's, against 0.1 ms to run it). Needs values
        # sent apart from the SQL (server-side binding). The pool is in this process, so
        # no outside pooler (PgBouncer in transaction mode) may sit between: see
        # docs/operations.md, "Performance".
        options.setdefault("server_side_binding", True)
        options.setdefault("prepare_threshold", 2)
else:
    DATABASES = {
        "default": {
            # Django's SQLite backend, with writers queued for the lock instead of polling
            # for it (waypoint/core/sqlite/base.py).
            "ENGINE": "waypoint.core.sqlite",
            "NAME": str(VAR_DIR / "waypoint.sqlite3"),
            # Tests use an in-memory database (what Django's own backend does by default;
            # said here because pytest-django recognises only that backend's name).
            "TEST": {"NAME": ":memory:"},
            # Kept open between requests: requests run on WEB_THREADS long-lived threads
            # per process (waypoint/core/handler.py), so there are only that many. Opening
            # one per request (PRAGMAs, SQL functions, and a WAL checkpoint whenever the
            # last one closes) cost more than a check-in's own queries.
            "CONN_MAX_AGE": 600,
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": {
                # WAL lets readers continue while one writer commits; IMMEDIATE avoids
                # "database is locked" upgrades in concurrent write transactions.
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: cache and channel layer -----------------------------------------------
REDIS_URL = env_str("REDIS_URL")
CACHES: dict[str, dict[str, object]]
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels_redis.core.RedisChannelLayer", "CONFIG": {"hosts": [REDIS_URL]}}}
else:
    # Searches wait here behind their opaque ids for an hour (waypoint.core.stash): room
    # for many more than the default 300 entries.
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "OPTIONS": {"MAX_ENTRIES": 20000}}
    }
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

# --- Background tasks (huey) ------------------------------------------------------
# Reminders, nightly work and purges run in huey's consumer (`manage.py run_huey`), which
# `make run` starts beside the web server. The queue is kept in the database server the
# app already uses — PostgreSQL with DATABASE_URL, else a SQLite file under var/ — and
# never in Redis, which may run without persistence: a queued task survives a Redis
# restart. The database stays the source of truth for anything that must happen (a
# reminder row with its next send time, say), so a lost task is redone by the next tick.
_TASKS_ON_POSTGRES = DATABASE_URL.startswith(("postgres://", "postgresql://"))
HUEY = {
    "name": "waypoint",
    "huey_class": "huey.PostgresHuey" if _TASKS_ON_POSTGRES else "huey.SqliteHuey",
    # Tests switch this on (tasks run where they are enqueued); never in a deployment.
    "immediate": False,
    "utc": True,
    # On PostgreSQL the queue's tables are made by a migration (core 0002), so no process
    # connects at import time.
    "connection": {"dsn": DATABASE_URL, "create_tables": False}
    if _TASKS_ON_POSTGRES
    else {"filename": str(VAR_DIR / "tasks.sqlite3")},
    "consumer": {
        "workers": env_int("TASK_WORKERS", 2, minimum=1, maximum=32),
        "worker_type": "thread",
        "check_worker_health": True,
        "periodic": True,
    },
}

# --- Accounts and sessions --------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:home"
LOGOUT_REDIRECT_URL = "core:home"
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
# Form values axes copies into its tables are masked (codes, passwords, where a person was going).
AXES_SENSITIVE_PARAMETERS = [
    "username",
    "ip_address",
    "code",
    "new_password1",
    "new_password2",
    "next",
    "csrfmiddlewaretoken",
]
# Who the client is: the connecting address, or the one a TRUSTED_PROXIES proxy names.
AXES_CLIENT_IP_CALLABLE = "waypoint.accounts.clientaddr.client_ip"
# axes' database handler without the browser: no user agent or Accept header is stored
# (axes 8 has no setting for that). Failed attempts are deleted once their lockout is
# over (accounts/tasks.py, every 5 minutes); successful sign-ins are not logged at all.
AXES_HANDLER = "waypoint.accounts.throttle.PrivateAxesHandler"
AXES_DISABLE_ACCESS_LOG = True
AXES_ENABLE_ACCESS_FAILURE_LOG = False
# Beside axes (waypoint/accounts/limits.py): one account, from any number of addresses,
# gets this many wrong secrets a day free, then a wait before each try that starts at
# SIGNIN_DELAY_SECONDS and doubles up to SIGNIN_MAX_DELAY_MINUTES (a browser that signed
# in to the account before skips it). One address gets SIGNIN_FAILURES_PER_ADDRESS wrong
# secrets an hour, whatever the account, and SIGNUPS_PER_ADDRESS sign-up forms an hour.
SIGNIN_FAILURES_PER_ACCOUNT = env_int("SIGNIN_FAILURES_PER_ACCOUNT", 10, minimum=1)
SIGNIN_DELAY_SECONDS = env_int("SIGNIN_DELAY_SECONDS", 30, minimum=1)
SIGNIN_MAX_DELAY_MINUTES = env_int("SIGNIN_MAX_DELAY_MINUTES", 15, minimum=1)
SIGNIN_FAILURES_PER_ADDRESS = env_int("SIGNIN_FAILURES_PER_ADDRESS", 50, minimum=1)
SIGNUPS_PER_ADDRESS = env_int("SIGNUPS_PER_ADDRESS", 20, minimum=1)

SESSION_COOKIE_AGE = env_int("SESSION_DAYS", 14, minimum=1, maximum=365) * 24 * 3600
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# --- Proxies ----------------------------------------------------------------------
# Addresses or networks (10.0.0.0/8) of the reverse proxies in front of Waypoint. Only a
# request from one of them has its X-Forwarded-For header believed (by uvicorn's
# --forwarded-allow-ips, which scripts/serve.py passes this list, and by
# waypoint.accounts.clientaddr for sign-in limits and the API rate limit). Empty: no
# forwarded header is believed, from anyone — any client can write one.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES")
for _proxy in TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError:
        raise ImproperlyConfigured(
            f"TRUSTED_PROXIES: {_proxy!r} is not an IP address or network (like 127.0.0.1 or 10.0.0.0/8)."
        ) from None

# --- HTTPS and security headers ---------------------------------------------------
HTTPS = env_bool("HTTPS", False)
if env_bool("TRUST_X_FORWARDED_PROTO", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = HTTPS and env_bool("SECURE_SSL_REDIRECT", True)
# The probes and metrics are asked for on the workers' own loopback ports, over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
LANGUAGE_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env_int("HSTS_SECONDS", 31536000, minimum=0) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS and env_bool("HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "no-referrer"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(self), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=(), interest-cohort=()"
)
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "manifest-src": [SELF],
        "worker-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    }
}

# --- Languages --------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("es", _("Spanish"))]
LANGUAGE_COOKIE_NAME = "wp_lang"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SAMESITE = "Lax"
USE_I18N = True
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_TZ = True

# --- Static files -----------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Hashed names let browsers cache them for good ("immutable"); ServeStatic serves the
    # gzip/brotli copies collectstatic writes beside them.
    "staticfiles": {"BACKEND": "servestatic.storage.CompressedManifestStaticFilesStorage"},
}

# --- Encryption at rest (waypoint/core/crypto.py) ---------------------------------------
# Master keys that wrap each person's data key: newest first, older ones kept so that data
# keys they wrapped still open until `manage.py rotate_encryption_keys` re-wraps them.
# A local install gets one generated into var/encryption_key (check waypoint.E004 refuses
# a generated key outside DEBUG). Losing every key makes journals and notes unreadable:
# back the key up apart from the database (docs/operations.md).
ENCRYPTION_KEYS = env_list("ENCRYPTION_KEYS")
ENCRYPTION_KEYS_GENERATED = not ENCRYPTION_KEYS
if ENCRYPTION_KEYS_GENERATED:
    _encryption_key_file = VAR_DIR / "encryption_key"
    try:
        _key_text = _encryption_key_file.read_text(encoding="utf-8").strip()
    except OSError:
        _key_text = ""
    if not _key_text:
        _key_text = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode("ascii")
        try:
            # Created owner-only from the start: the key must never be readable by others.
            _fd = os.open(_encryption_key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(_fd, "w", encoding="utf-8") as _handle:
                _handle.write(_key_text)
        except OSError:
            _key_text = ""  # no key that survives a restart: check waypoint.E005 stops start-up
    ENCRYPTION_KEYS = [_key_text] if _key_text else []

# --- Waypoint ---------------------------------------------------------------------
# Which helplines the "Get help now" control shows (waypoint/core/data/regions/<region>.yaml),
# or a deployment's own file.
WAYPOINT_REGION = env_str("WAYPOINT_REGION", "us")
HELPLINES_FILE = env_str("HELPLINES_FILE")
# Where quick exit sends a person: a neutral, everyday site.
QUICK_EXIT_URL = env_str("QUICK_EXIT_URL", "https://www.weather.gov/")
# Operator-provided guide articles that add to or override the built-in ones.
CONTENT_DIR = env_str("CONTENT_DIR")
# Where a "something wrong with this listing?" report is e-mailed (optional; reports are
# always kept for the admin).
OPERATOR_EMAIL = env_str("OPERATOR_EMAIL")
# Listing reports are anonymous: at most this many an hour from one address, and from
# everyone together; the operator gets one digest an hour (waypoint/directory/reports.py).
LISTING_REPORTS_PER_ADDRESS = env_int("LISTING_REPORTS_PER_ADDRESS", 5, minimum=1)
LISTING_REPORTS_PER_HOUR = env_int("LISTING_REPORTS_PER_HOUR", 60, minimum=1)
# Requests per minute one client may make to /api/v1/ (the API is public and anonymous).
API_RATE_LIMIT = env_str("API_RATE_LIMIT", "120/m")
# The rate limit identifies a client by waypoint.accounts.clientaddr.client_ip (see
# TRUSTED_PROXIES); ninja's own reading of X-Forwarded-For stays off.
NINJA_NUM_PROXIES = 0
# Imports (directory files, meeting feeds, admin uploads) are refused above these limits,
# before they can fill memory; an XLSX may unpack to at most 10× IMPORT_MAX_MB. A file
# that would remove more than IMPORT_MAX_SHRINK_PERCENT of what its source listed needs
# --allow-shrink (the admin asks to confirm).
IMPORT_MAX_MB = env_int("IMPORT_MAX_MB", 50, minimum=1, maximum=2048)
IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", 100_000, minimum=1)
IMPORT_MAX_SHRINK_PERCENT = env_int("IMPORT_MAX_SHRINK_PERCENT", 25, minimum=0, maximum=100)
# Folder of the real SAMHSA and meeting data used by tests, benchmarks and `make run`.
SHARED_DATA_DIR = Path(env_str("WAYPOINT_SHARED_DATA", str(BASE_DIR.parent / "shared" / "data")))

# --- Peer groups (waypoint/groups, docs/groups.md) ---------------------------------------
# Who may start a group: people the operator made facilitators in the admin (and operators);
# with this on, any signed-in person.
GROUPS_ANYONE_CAN_START = env_bool("GROUPS_ANYONE_CAN_START", False)
# The most members a group can have (a facilitator picks its own limit up to this).
GROUPS_MAX_MEMBERS = env_int("GROUPS_MAX_MEMBERS", 30, minimum=2, maximum=500)
# How long an invite code works.
GROUPS_INVITE_DAYS = env_int("GROUPS_INVITE_DAYS", 7, minimum=1, maximum=90)
# The longest message, in characters.
GROUPS_MESSAGE_MAX_CHARS = env_int("GROUPS_MESSAGE_MAX_CHARS", 2000, minimum=50, maximum=20000)
# Messages, edits, deletions, reactions and reports one person may make per minute, all groups together.
GROUPS_WRITES_PER_MINUTE = env_int("GROUPS_WRITES_PER_MINUTE", 20, minimum=1)
# Open reports that hide a message until a facilitator looks at it.
GROUPS_REPORTS_TO_HIDE = env_int("GROUPS_REPORTS_TO_HIDE", 2, minimum=1)
# The facilitator's board lists members who share check-ins and have not checked in for this many days.
GROUPS_BOARD_QUIET_DAYS = env_int("GROUPS_BOARD_QUIET_DAYS", 3, minimum=1)
# "I'm struggling" tells a group at most once in this many minutes per person (the person
# always gets their plan and the crisis lines).
GROUPS_STRUGGLING_COOLDOWN_MINUTES = env_int("GROUPS_STRUGGLING_COOLDOWN_MINUTES", 10, minimum=0)
# The deployment's own held-words list (YAML, the format of waypoint/groups/data/held_words.yaml),
# used instead of the built-in one.
GROUPS_HELD_WORDS_FILE = env_str("GROUPS_HELD_WORDS_FILE")

# --- Requests to be called (waypoint/handoff, docs/handoff.md) ------------------------------
# How long what a person sent is kept before it is erased (they can take it back sooner).
HANDOFF_EXPIRY_DAYS = env_int("HANDOFF_EXPIRY_DAYS", 7, minimum=1, maximum=30)
# Requests one client address may send per hour, and everyone together (sending needs no account).
HANDOFF_SENDS_PER_ADDRESS = env_int("HANDOFF_SENDS_PER_ADDRESS", 3, minimum=1)
HANDOFF_SENDS_PER_HOUR = env_int("HANDOFF_SENDS_PER_HOUR", 100, minimum=1)

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "waypoint@localhost")

# --- Reminders and notifications (waypoint/reminders, docs/reminders.md) ----------------------
# The VAPID key pair that signs Web Push requests (a PEM, or the raw private key in URL-safe
# base64; both may come from <NAME>_FILE). Empty: a pair is generated once into
# var/vapid_private_key.pem, owner-only (check reminders.W001 warns outside DEBUG and the
# local demo). The public key is derived from the private one; when set, it must match.
VAPID_PRIVATE_KEY = env_str("VAPID_PRIVATE_KEY")
VAPID_PUBLIC_KEY = env_str("VAPID_PUBLIC_KEY")
# Who a push service may contact about our messages (mailto: or https:).
VAPID_SUBJECT = env_str("VAPID_SUBJECT", f"mailto:{DEFAULT_FROM_EMAIL}")
# The only hosts (or their subdomains) the server sends Web Push to: a browser's subscription
# naming any other host is refused, so the server never posts to an address a client chose.
PUSH_SERVICE_HOSTS = env_list(
    "PUSH_SERVICE_HOSTS",
    ["fcm.googleapis.com", "push.services.mozilla.com", "push.apple.com", "notify.windows.com"],
)

# --- Operations: metrics, backups, request sizes (docs/operations.md) -------------------
# GET /metrics answers only with `Authorization: Bearer <METRICS_TOKEN>` (empty: /metrics
# is off, a 404). The web workers and the task consumer count in files in METRICS_DIR
# (prometheus_client's multiprocess mode), so any worker answers for the whole machine.
METRICS_TOKEN = env_str("METRICS_TOKEN")
METRICS_DIR = env_str("METRICS_DIR", str(VAR_DIR / "metrics"))
# The key that encrypts backups (`manage.py backup`): 32 random bytes in URL-safe base64.
# Empty: a key derived from the newest ENCRYPTION_KEYS master key (docs/operations.md).
BACKUP_KEY = env_str("BACKUP_KEY")
# Request bodies Django reads into memory (forms, JSON; file uploads are counted apart, up
# to IMPORT_MAX_MB) and the form fields or query parameters one request may carry: more is
# a 400. nginx's client_max_body_size (deploy/nginx) stops bigger bodies first, with a 413.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("REQUEST_MAX_KB", 2560, minimum=16) * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = env_int("REQUEST_MAX_FIELDS", 1000, minimum=50)

# --- Logging ----------------------------------------------------------------------
# Logs never hold health data (waypoint/core/logging.py): no access log (the server runs
# with --no-access-log and uvicorn's per-connection lines are dropped), no query strings,
# no request objects, no exception messages outside DEBUG. JSON lines in production, for
# a log shipper; plain lines for the local demo and development.
LOG_LEVEL = env_str("LOG_LEVEL", "INFO").upper()
LOG_FORMAT = env_str("LOG_FORMAT", "plain" if DEBUG or LOCAL_DEMO else "json")
if LOG_FORMAT not in {"json", "plain"}:
    raise ImproperlyConfigured(f"LOG_FORMAT must be json or plain, not {LOG_FORMAT!r}.")
LOGGING = logging_config(log_format=LOG_FORMAT, level=LOG_LEVEL)
