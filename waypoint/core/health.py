"""Readiness probes for /healthz: each returns None when the service answers, or a short
reason when it does not."""

from __future__ import annotations

import redis
from django.conf import settings
from django.db import connection


def database_problem() -> str | None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any driver error means "down"; the type names it
        return type(exc).__name__
    return None


def redis_problem() -> str | None:
    if not settings.REDIS_URL:
        return None
    client = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=1, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.RedisError as exc:
        return type(exc).__name__
    finally:
        client.close()
    return None


def problems() -> dict[str, str]:
    """Names of the services that do not answer, with the error type for each."""
    found = {"database": database_problem(), "redis": redis_problem()}
    return {name: reason for name, reason in found.items() if reason}
