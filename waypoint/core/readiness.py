"""Readiness (``/readyz``): may this process take traffic? More than ``/healthz`` asks.

``/healthz`` says the process runs and its database and Redis answer (liveness: restart
it if not). ``/readyz`` adds what a proxy or orchestrator should wait for before sending
people to it: every migration applied (a new version started before ``migrate`` ran),
the configured ENCRYPTION_KEYS open the stored data keys (one per master key is really
unwrapped), and the task queue answers. Each check returns None or a short reason that
names no secret and nothing personal.
"""

from __future__ import annotations

import threading

from django.db import DEFAULT_DB_ALIAS, connections

from waypoint.core import health

_lock = threading.Lock()
# Things that, once true, stay true for this process's code and keys.
_migrations_done = False
_master_ids_opened: set[str] = set()


def migrations_problem() -> str | None:
    global _migrations_done  # a per-process cache of a fact that does not go back
    if _migrations_done:
        return None
    from django.db.migrations.executor import MigrationExecutor

    try:
        connection = connections[DEFAULT_DB_ALIAS]
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except Exception as exc:
        return type(exc).__name__
    if plan:
        return f"{len(plan)} migration(s) not applied"
    with _lock:
        _migrations_done = True
    return None


def encryption_keys_problem() -> str | None:
    from waypoint.core import crypto
    from waypoint.core.models import DataKey

    try:
        configured = {key.id for key in crypto.master_keys()}
        stored = set(DataKey.objects.values_list("master_id", flat=True).distinct())
    except Exception as exc:
        return type(exc).__name__
    missing = stored - configured
    if missing:
        return f"{len(missing)} master key(s) of stored data not configured"
    for master_id in sorted(stored - _master_ids_opened):
        sample = DataKey.objects.filter(master_id=master_id).order_by("pk").first()
        if sample is None:
            continue
        try:
            crypto.unwrap(master_id=sample.master_id, wrapped=sample.wrapped, key_uid=str(sample.uid))
        except crypto.DecryptionError:
            return "a stored data key does not open"
        with _lock:
            _master_ids_opened.add(master_id)
    return None


def task_queue_problem() -> str | None:
    from huey.contrib.djhuey import HUEY

    try:
        HUEY.pending_count()
    except Exception as exc:
        return type(exc).__name__
    return None


def problems() -> dict[str, str]:
    """What is not ready, by name, with a short reason for each."""
    found = health.problems()
    if "database" not in found:
        for name, check in (
            ("migrations", migrations_problem),
            ("encryption_keys", encryption_keys_problem),
        ):
            reason = check()
            if reason:
                found[name] = reason
    reason = task_queue_problem()
    if reason:
        found["task_queue"] = reason
    return found
