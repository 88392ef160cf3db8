"""/readyz (waypoint/core/readiness.py): ready only when migrations are applied, the
configured keys open the stored data keys, the task queue answers, and what /healthz
checks answers too."""

from __future__ import annotations

import base64
import os
from typing import Any
from unittest import mock

import pytest
from django.db.utils import OperationalError

from waypoint.core import readiness
from waypoint.core.tests.personas import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_caches(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(readiness, "_migrations_done", False)
    monkeypatch.setattr(readiness, "_master_ids_opened", set())


def _ready(client: Any) -> tuple[int, dict[str, Any]]:
    response = client.get("/readyz")
    assert "no-cache" in response["Cache-Control"]
    return response.status_code, response.json()


def test_it_is_ready_when_everything_is(client, settings):
    settings.REDIS_URL = ""
    from waypoint.core.encryption import data_key_for_user

    data_key_for_user(UserFactory().pk)  # a stored data key, which must open
    status, body = _ready(client)
    assert (status, body) == (200, {"status": "ready"})


def test_unapplied_migrations_are_not_ready(client, settings):
    settings.REDIS_URL = ""
    with mock.patch("django.db.migrations.executor.MigrationExecutor.migration_plan", return_value=[("x", False)]):
        status, body = _ready(client)
    assert status == 503
    assert body["failing"] == ["migrations"]
    assert body["errors"]["migrations"] == "1 migration(s) not applied"


def test_data_keys_of_a_master_key_we_lack_are_not_ready(client, settings):
    from waypoint.core.models import DataKey

    settings.REDIS_URL = ""
    DataKey.objects.create(master_id="0123456789abcdef", wrapped="wp1:AAAA")
    status, body = _ready(client)
    assert status == 503
    assert body["failing"] == ["encryption_keys"]
    assert "not configured" in body["errors"]["encryption_keys"]
    assert "0123456789abcdef" not in str(body)  # a public page names no key


def test_a_stored_data_key_that_does_not_open_is_not_ready(client, settings):
    from waypoint.core import crypto
    from waypoint.core.models import DataKey

    settings.REDIS_URL = ""
    other = crypto.MasterKey(id=crypto.current_master_key().id, key=os.urandom(32))
    _master_id, wrapped = crypto.wrap(data_key=os.urandom(32), key_uid="not-this-row", master=other)
    DataKey.objects.create(master_id=crypto.current_master_key().id, wrapped=wrapped)
    status, body = _ready(client)
    assert status == 503
    assert body["errors"] == {"encryption_keys": "a stored data key does not open"}


def test_a_task_queue_that_does_not_answer_is_not_ready(client, settings):
    import sqlite3

    from huey.contrib.djhuey import HUEY

    settings.REDIS_URL = ""
    with mock.patch.object(HUEY, "pending_count", side_effect=sqlite3.OperationalError("locked")):
        status, body = _ready(client)
    assert status == 503
    assert body["errors"] == {"task_queue": "OperationalError"}


def test_a_database_that_is_down_is_named_alone(client, settings):
    settings.REDIS_URL = ""
    with mock.patch("waypoint.core.health.connection.cursor", side_effect=OperationalError("gone")):
        status, body = _ready(client)
    assert status == 503
    assert body["failing"] == ["database"]


def test_readiness_comes_back_once_the_keys_are_there(client, settings):
    """A key added to ENCRYPTION_KEYS (after the current one) makes its data keys open."""
    from waypoint.core import crypto
    from waypoint.core.models import DataKey

    settings.REDIS_URL = ""
    old = base64.urlsafe_b64encode(os.urandom(32)).decode()
    old_key = crypto.parse_master_keys([old])[0]
    master_id, wrapped = crypto.wrap(
        data_key=os.urandom(32), key_uid="00000000-0000-0000-0000-000000000001", master=old_key
    )
    DataKey.objects.create(uid="00000000-0000-0000-0000-000000000001", master_id=master_id, wrapped=wrapped)
    assert _ready(client)[0] == 503
    settings.ENCRYPTION_KEYS = [*settings.ENCRYPTION_KEYS, old]
    assert _ready(client) == (200, {"status": "ready"})
