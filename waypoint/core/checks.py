"""System checks that refuse settings which would be unsafe in production.

They run with every management command (and `make run` runs `manage.py check` before
it serves), so a deployment with DEBUG off and a throwaway secret never starts.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, register

_KNOWN_BAD_KEYS = {"", "changeme", "secret", "django-insecure", "please-change-me"}


@register("waypoint")
def check_production_settings(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    errors: list[Error] = []
    if settings.DEBUG:
        return errors
    key = settings.SECRET_KEY
    if getattr(settings, "SECRET_KEY_GENERATED", False) or key in _KNOWN_BAD_KEYS or key.startswith("django-insecure"):
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
