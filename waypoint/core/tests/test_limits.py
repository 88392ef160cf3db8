"""Request-size limits (REQUEST_MAX_KB, REQUEST_MAX_FIELDS) bite on pages and the API, come
from the environment, and docs/operations.md's table of every limit names a test that
exists for each one (nginx's body limit and the WebSocket frame limit are tested on a real
deployment in test_deploy.py)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import override_settings

from waypoint.core.tests.personas import client_for

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.django_db
def test_a_body_over_request_max_kb_is_refused_on_pages_and_the_api(alice, client):
    person = client_for(alice)
    with override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=16 * 1024):
        big = person.post("/api/v1/me/journal", json.dumps({"text": "x" * 20_000}), content_type="application/json")
        small = person.post("/api/v1/me/journal", json.dumps({"text": "x" * 2_000}), content_type="application/json")
        form = client.post("/en/account/login/", {"username": "someone", "password": "x" * 20_000})
    assert big.status_code == 400
    assert big.json()["detail"][0]["type"] == "bad_request"
    assert small.status_code in (200, 201)
    assert form.status_code == 400


@pytest.mark.django_db
def test_more_fields_than_request_max_fields_are_refused(client):
    with override_settings(DATA_UPLOAD_MAX_NUMBER_FIELDS=50):
        form = client.post("/en/account/login/", {f"field{n}": "1" for n in range(60)})
        query = client.get("/api/v1/facilities?" + "&".join(f"p{n}=1" for n in range(60)))
        fine = client.get("/api/v1/facilities?" + "&".join(f"p{n}=1" for n in range(40)))
    assert form.status_code == 400
    assert query.status_code == 400
    assert fine.status_code != 400


def _settings_with(**env: str) -> subprocess.CompletedProcess[str]:
    code = (
        "import django, json; django.setup(); from django.conf import settings; "
        "print(json.dumps([settings.DATA_UPLOAD_MAX_MEMORY_SIZE, settings.DATA_UPLOAD_MAX_NUMBER_FIELDS]))"
    )
    base = {k: v for k, v in os.environ.items() if k not in {"REQUEST_MAX_KB", "REQUEST_MAX_FIELDS"}}
    return subprocess.run(  # noqa: S603
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**base, "DJANGO_SETTINGS_MODULE": "waypoint.settings", "DEBUG": "true", **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_the_request_limits_come_from_the_environment():
    default = _settings_with()
    assert json.loads(default.stdout) == [2560 * 1024, 1000]  # Django's own defaults
    chosen = _settings_with(REQUEST_MAX_KB="64", REQUEST_MAX_FIELDS="300")
    assert json.loads(chosen.stdout) == [64 * 1024, 300]
    wrong = _settings_with(REQUEST_MAX_KB="lots")
    assert wrong.returncode != 0
    assert "REQUEST_MAX_KB must be a whole number" in wrong.stderr


# Every limit against abuse, by its setting: the documented table must list each, and each
# row names the test that shows it biting.
LIMITS = [
    "REQUEST_MAX_KB", "REQUEST_MAX_FIELDS", "client_max_body_size", "--ws-max-size", "API_RATE_LIMIT",
    "AXES_FAILURE_LIMIT", "SIGNIN_FAILURES_PER_ACCOUNT", "SIGNIN_DELAY_SECONDS", "SIGNIN_FAILURES_PER_ADDRESS",
    "SIGNUPS_PER_ADDRESS", "GROUPS_WRITES_PER_MINUTE", "GROUPS_MESSAGE_MAX_CHARS", "GROUPS_REPORTS_TO_HIDE",
    "LISTING_REPORTS_PER_ADDRESS", "LISTING_REPORTS_PER_HOUR", "HANDOFF_SENDS_PER_ADDRESS", "IMPORT_MAX_MB",
    "IMPORT_MAX_ROWS",
]  # fmt: skip


def limits_table() -> list[str]:
    text = (ROOT / "docs" / "operations.md").read_text(encoding="utf-8")
    section = text.split("\n## Limits", 1)[1].split("\n## ", 1)[0]
    return [line for line in section.splitlines() if line.startswith("| `")]


def test_the_limits_table_lists_every_limit_with_a_test_that_exists():
    rows = limits_table()
    listed = " ".join(rows)
    missing = [name for name in LIMITS if f"`{name}`" not in listed]
    assert missing == [], f"docs/operations.md's Limits table lacks {missing}"
    for row in rows:
        references = re.findall(r"`(waypoint/[\w/]+\.py)::(\w+)`", row)
        assert references, f"no test named for: {row}"
        for path, name in references:
            source = (ROOT / path).read_text(encoding="utf-8")
            assert re.search(rf"^(async )?def {name}\(", source, re.M), f"{path}::{name} does not exist"
