"""Waypoint settings: one module, configured only through environment variables.

Every variable is listed, with its default, in the README's "Configuration" table.
Defaults are chosen so that a fresh clone runs locally on SQLite; the system checks in
``waypoint.core.checks`` refuse the defaults that would be unsafe in production.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

from waypoint.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
# Writable state of a local install (SQLite database, generated secret, collected static).
VAR_DIR = Path(env_str("WAYPOINT_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", False)

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

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# How many server processes share this deployment (check waypoint.E002 needs Redis above 1).
WEB_CONCURRENCY = env_int("WEB_CONCURRENCY", 1, minimum=1, maximum=64)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "channels",
    "axes",
    "ninja",
    "waypoint.core",
    "waypoint.accounts",
    "waypoint.directory",
    "waypoint.screening",
    "waypoint.guide",
    "waypoint.meetings",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "waypoint.core.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
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
    # CONN_MAX_AGE stays 0: under ASGI each request may run in another thread, and
    # persistent connections would pile up (Django docs, "Persistent connections").
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=0, conn_health_checks=True)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(VAR_DIR / "waypoint.sqlite3"),
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
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels_redis.core.RedisChannelLayer", "CONFIG": {"hosts": [REDIS_URL]}}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

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
# Never record the browser's user agent: it is not needed to stop guessing.
AXES_USER_AGENT_HEADER = ""

SESSION_COOKIE_AGE = env_int("SESSION_DAYS", 14, minimum=1, maximum=365) * 24 * 3600
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# --- HTTPS and security headers ---------------------------------------------------
HTTPS = env_bool("HTTPS", False)
if env_bool("TRUST_X_FORWARDED_PROTO", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = HTTPS and env_bool("SECURE_SSL_REDIRECT", True)
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
    # Hashed names let browsers cache for a year; WhiteNoise serves gzip/brotli copies.
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

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
# Requests per minute one client may make to /api/v1/ (the API is public and anonymous).
API_RATE_LIMIT = env_str("API_RATE_LIMIT", "120/m")
# The rate limit identifies a client by REMOTE_ADDR only: X-Forwarded-For is written by the
# client and would let anyone reset their own limit (uvicorn --proxy-headers already puts
# a trusted proxy's client address in REMOTE_ADDR).
NINJA_NUM_PROXIES = 0
# Folder of the real SAMHSA and meeting data used by tests, benchmarks and `make run`.
SHARED_DATA_DIR = Path(env_str("WAYPOINT_SHARED_DATA", str(BASE_DIR.parent / "shared" / "data")))

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "waypoint@localhost")

# --- Logging ----------------------------------------------------------------------
# Logs never hold health data: no access log with query strings (the server runs with
# --no-access-log) and Django's request logger only reports status and path.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        # The 404 and 400 warnings name paths that can reveal what someone looked for.
        "django.request": {"level": "ERROR"},
        "axes": {"level": "WARNING"},
        # httpx logs every request URL at INFO; feed refreshes need no such trail.
        "httpx": {"level": "WARNING"},
    },
}
