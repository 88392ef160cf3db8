"""The task queue: tasks run eagerly in tests, and through a real consumer process too."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from waypoint.core.tasks import sessions_purge

ROOT = Path(__file__).resolve().parents[3]


def _expired_session() -> str:
    store = SessionStore()
    store["pending"] = "x"
    store.create()
    Session.objects.filter(session_key=store.session_key).update(expire_date=timezone.now() - timedelta(days=1))
    return str(store.session_key)


@pytest.mark.django_db
def test_the_purge_removes_only_expired_sessions():
    expired = _expired_session()
    live = SessionStore()
    live.create()
    sessions_purge()  # immediate mode in tests: runs here and now
    keys = set(Session.objects.values_list("session_key", flat=True))
    assert expired not in keys
    assert live.session_key in keys


def _manage(env: dict[str, str], *args: str, timeout: float = 120) -> str:
    result = subprocess.run(  # noqa: S603 - our own manage.py
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout.strip().splitlines()[-1] if result.stdout.strip() else ""


def test_a_real_consumer_process_runs_queued_tasks(tmp_path):
    """Web process enqueues → the queue on disk → `manage.py run_huey` runs it. SQLite, in a
    folder of its own (the test database is not visible to other processes)."""
    env = {
        **{k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE"}},
        "WAYPOINT_VAR_DIR": str(tmp_path),
        "DEBUG": "true",
    }
    _manage(env, "migrate", "--noinput", "-v0")
    create = (
        "from datetime import timedelta; from django.utils import timezone; "
        "from django.contrib.sessions.backends.db import SessionStore; "
        "from django.contrib.sessions.models import Session; "
        "s = SessionStore(); s.create(); "
        "Session.objects.filter(session_key=s.session_key).update(expire_date=timezone.now() - timedelta(days=1)); "
        "from waypoint.core.tasks import sessions_purge; sessions_purge(); "
        "print(Session.objects.count())"
    )
    assert _manage(env, "shell", "-c", create).strip() == "1"  # queued, not run by the web process

    consumer = subprocess.Popen(
        [sys.executable, "manage.py", "run_huey", "--workers", "1"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        count = "1"
        while time.monotonic() < deadline:
            count = _manage(
                env, "shell", "-c", "from django.contrib.sessions.models import Session; print(Session.objects.count())"
            ).strip()
            if count == "0":
                break
            time.sleep(1)
        assert count == "0", "the consumer did not run the queued purge"
    finally:
        consumer.terminate()
        output = consumer.communicate(timeout=20)[0]
    assert "sessions_purge" in output


@pytest.mark.django_db
def test_the_queue_lives_in_the_database_server_the_app_uses(settings):
    """PostgreSQL with DATABASE_URL (so a queued task survives a Redis restart), else a
    SQLite file under var/; a task put in comes out once."""
    from django.db import connection

    if connection.vendor != "postgresql":
        assert settings.HUEY["huey_class"] == "huey.SqliteHuey"
        assert settings.HUEY["connection"]["filename"].startswith(str(settings.VAR_DIR))
        return
    from huey import PostgresHuey

    assert settings.HUEY["huey_class"] == "huey.PostgresHuey"
    db = connection.settings_dict
    dsn = f"postgresql://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    huey = PostgresHuey("waypoint-test-queue", dsn=dsn, blocking=False, create_tables=False)
    try:
        # The tables come from the migration (create_tables=False): a message goes in and
        # comes out once.
        huey.storage.enqueue(b"a queued task")
        assert huey.storage.queue_size() == 1
        assert huey.storage.dequeue() == b"a queued task"
        assert huey.storage.dequeue() is None
    finally:
        huey.storage.flush_queue()
