"""Readiness probes for /healthz: each returns None when the service answers, or a short
reason when it does not."""

from __future__ import annotations

import threading

import redis
from django.conf import settings
from django.db import connection

_clients: dict[str, redis.Redis] = {}
_clients_lock = threading.Lock()


def database_problem() -> str | None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any driver error means "down"; the type names it
        return type(exc).__name__
    return None


def _redis_client(url: str) -> redis.Redis:
    """One client (with its connection pool) per process and URL. A new client on every
    probe cost a TCP connection, the HELLO handshake and redis-py's package-version lookup
    each time: most of what /healthz did (bench/bench_checkins.py). A pooled connection
    that Redis dropped (a restart) is replaced by redis-py on the next command."""
    with _clients_lock:
        client = _clients.get(url)
        if client is None:
            client = redis.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1, health_check_interval=30)
            _clients[url] = client
        return client


def redis_problem() -> str | None:
    if not settings.REDIS_URL:
        return None
    try:
        _redis_client(settings.REDIS_URL).ping()
    except redis.RedisError as exc:
        return type(exc).__name__
    return None


def problems() -> dict[str, str]:
    """Names of the services that do not answer, with the error type for each."""
    found = {"database": database_problem(), "redis": redis_problem()}
    return {name: reason for name, reason in found.items() if reason}
