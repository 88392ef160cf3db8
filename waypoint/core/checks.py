"""System checks that refuse settings which would be unsafe in production.

They run with every management command (and `make run` runs `manage.py check` before
it serves), so a deployment with DEBUG off and a throwaway secret never starts.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, register

_KNOWN_BAD_KEYS = {"", "changeme", "secret", "django-insecure", "please-change-me"}
LOOPBACK = {"127.0.0.1", "localhost", "[::1]", "::1"}


@register("waypoint")
def check_production_settings(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    errors: list[Error] = []
    if settings.DEBUG:
        return errors
    key = settings.SECRET_KEY
    local_demo = getattr(settings, "LOCAL_DEMO", False)
    if local_demo:
        # `make run` on a laptop: the generated secret in var/ is fine for a demo that only
        # this computer can reach, and nothing else may reach it.
        others = [host for host in settings.ALLOWED_HOSTS if host not in LOOPBACK]
        if others or settings.HTTPS:
            errors.append(
                Error(
                    "LOCAL_DEMO is on (var/local-demo) but the site is set up for other hosts "
                    f"({', '.join(others) or 'HTTPS'}).",
                    hint="For a deployment set LOCAL_DEMO=false (or delete var/local-demo) and a real SECRET_KEY; "
                    "for the local demo, leave ALLOWED_HOSTS and HTTPS unset.",
                    id="waypoint.E007",
                )
            )
    generated = getattr(settings, "SECRET_KEY_GENERATED", False) and not local_demo
    if generated or key in _KNOWN_BAD_KEYS or key.startswith("django-insecure"):
        errors.append(
            Error(
                "DEBUG is off but SECRET_KEY is generated or a default.",
                hint="Set SECRET_KEY (or SECRET_KEY_FILE) to a long random value kept secret.",
                id="waypoint.E001",
            )
        )
    elif len(set(key)) < 5 or len(key) < 32:
        errors.append(
            Error(
                "SECRET_KEY is too short or too simple.",
                hint="Use at least 50 random characters.",
                id="waypoint.E001",
            )
        )
    if settings.WEB_CONCURRENCY > 1 and not settings.REDIS_URL:
        errors.append(
            Error(
                f"WEB_CONCURRENCY is {settings.WEB_CONCURRENCY} but REDIS_URL is not set.",
                hint="Several server processes need Redis so that realtime messages, the cache "
                "and rate limits are shared between them.",
                id="waypoint.E002",
            )
        )
    if not settings.ALLOWED_HOSTS:
        errors.append(
            Error(
                "DEBUG is off and ALLOWED_HOSTS is empty.",
                hint="Set ALLOWED_HOSTS to the host names this site is served under, e.g. help.example.org.",
                id="waypoint.E003",
            )
        )
    return errors


@register("waypoint")
def check_encryption_keys(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    """The master keys are well formed, not a throwaway outside DEBUG, and open every stored data key."""
    from django.core.exceptions import ImproperlyConfigured

    from waypoint.core import crypto

    errors: list[Error] = []
    try:
        keys = crypto.parse_master_keys(list(settings.ENCRYPTION_KEYS))
    except ImproperlyConfigured as exc:
        return [Error(str(exc), id="waypoint.E005")]
    if not keys:
        return [
            Error(
                "ENCRYPTION_KEYS is empty and no key could be kept in var/.",
                hint="Set ENCRYPTION_KEYS (or ENCRYPTION_KEYS_FILE) to a key made with "
                "`python -c 'import base64,os; print(base64.urlsafe_b64encode(os.urandom(32)).decode())'`.",
                id="waypoint.E005",
            )
        ]
    local_demo = getattr(settings, "LOCAL_DEMO", False)  # the generated key is fine on a loopback-only demo
    if not settings.DEBUG and not local_demo and getattr(settings, "ENCRYPTION_KEYS_GENERATED", False):
        errors.append(
            Error(
                "DEBUG is off but the encryption key is the one generated in var/.",
                hint="Set ENCRYPTION_KEYS (or ENCRYPTION_KEYS_FILE) to a key kept apart from the database "
                "and its backups (docs/operations.md).",
                id="waypoint.E004",
            )
        )
    return errors


@register("waypoint", Tags.database)
def check_stored_keys_open(app_configs: Any = None, databases: Any = None, **kwargs: Any) -> list[Error]:
    """Stored data keys wrapped by a master key that is not configured would never open:
    refuse to start rather than fail on every journal page. (A database check: it runs with
    `migrate` and `check --database default`, which `make run` and the deployment steps use.)"""
    from django.core.exceptions import ImproperlyConfigured
    from django.db import DatabaseError

    from waypoint.core import crypto
    from waypoint.core.models import DataKey

    if not databases:
        return []
    try:
        keys = crypto.parse_master_keys(list(settings.ENCRYPTION_KEYS))
    except ImproperlyConfigured:
        return []  # reported by check_encryption_keys

    try:
        stored = set(DataKey.objects.values_list("master_id", flat=True).distinct())
    except DatabaseError:
        return []  # no database or no tables yet (before `migrate`): nothing stored to open
    missing = sorted(stored - {key.id for key in keys})
    if not missing:
        return []
    return [
        Error(
            f"Stored personal data was encrypted under master key(s) {', '.join(missing)}, "
            "which ENCRYPTION_KEYS does not hold.",
            hint="Put the old key back in ENCRYPTION_KEYS (after the new one), then run "
            "`manage.py rotate_encryption_keys`. Without it that data cannot be read.",
            id="waypoint.E006",
        )
    ]


@register("waypoint")
def check_helplines(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    """The helplines file loads (roles and all) at deploy time, not on the first page view."""
    from django.core.exceptions import ImproperlyConfigured

    from waypoint.core.helplines import helplines_for

    try:
        helplines_for("en")
    except ImproperlyConfigured as exc:
        return [Error(str(exc), hint="Fix the file named by HELPLINES_FILE or WAYPOINT_REGION.", id="waypoint.E008")]
    return []


@register("waypoint")
def check_proxy_settings(app_configs: Any = None, **kwargs: Any) -> list[Any]:
    """Trusting a proxy's X-Forwarded-Proto while no proxy is listed in TRUSTED_PROXIES means
    the proxy's own address is every visitor's address: one person's lockout is everyone's."""
    from django.core.checks import Warning as CheckWarning

    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None) and not getattr(settings, "TRUSTED_PROXIES", None):
        return [
            CheckWarning(
                "TRUST_X_FORWARDED_PROTO is on but TRUSTED_PROXIES is empty.",
                hint="List the proxy's address in TRUSTED_PROXIES, so sign-in limits and rate limits see "
                "each visitor's own address (docs/operations.md).",
                id="waypoint.W001",
            )
        ]
    return []
