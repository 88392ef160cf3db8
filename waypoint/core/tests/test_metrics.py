"""/metrics (waypoint/core/metrics.py): what it counts, who may read it, that it sums every
process of the machine, and that no label ever holds a path, an id, a query string, a
name or anything a person typed."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import textwrap
import time
import uuid
from pathlib import Path
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from django.test import override_settings
from prometheus_client.parser import text_string_to_metric_families

from waypoint.core import metrics
from waypoint.core.testing import ws_communicator
from waypoint.core.tests.personas import client_for

ROOT = Path(__file__).resolve().parents[3]
TOKEN = "metrics-test-token-0123456789"
AUTH = {"HTTP_AUTHORIZATION": f"Bearer {TOKEN}"}


def scrape(client: Any) -> str:
    with override_settings(METRICS_TOKEN=TOKEN):
        response = client.get("/metrics", **AUTH)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    return response.content.decode()


def value(text: str, name: str, **labels: str) -> float:
    """The sample `name` with exactly these labels (0 when absent)."""
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name and sample.labels == labels:
                return float(sample.value)
    return 0.0


# --- Who may read it ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_metrics_are_off_without_a_token_and_hidden_from_a_wrong_one(client):
    with override_settings(METRICS_TOKEN=""):
        assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer ").status_code == 404
    with override_settings(METRICS_TOKEN=TOKEN):
        assert client.get("/metrics").status_code == 404
        assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer nope").status_code == 404
        assert client.get("/metrics", HTTP_AUTHORIZATION=TOKEN).status_code == 404  # the scheme is required
        assert client.get("/metrics", **AUTH).status_code == 200


# --- What it counts --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_requests_are_counted_by_route_name_never_by_path_or_query(client):
    from waypoint.directory.tests.factories import FacilityFactory

    facility = FacilityFactory()
    labels = {"route": "directory:facility", "method": "GET", "status": "2xx"}
    before = scrape(client)
    assert client.get(f"/en/treatment/{facility.pk}/?from=search").status_code == 200
    client.get("/en/treatment/987654321/")  # a 404 for another id: the same route
    after = scrape(client)
    assert (
        value(after, "waypoint_http_requests_total", **labels)
        >= value(before, "waypoint_http_requests_total", **labels) + 1
    )
    missing = {"route": "directory:facility", "method": "GET", "status": "4xx"}
    assert value(after, "waypoint_http_requests_total", **missing) >= 1
    assert (
        value(after, "waypoint_http_request_duration_seconds_count", route="directory:facility", method="GET")
        >= value(before, "waypoint_http_request_duration_seconds_count", route="directory:facility", method="GET") + 2
    )
    assert str(facility.pk) not in _label_values(after)
    assert "987654321" not in after
    assert "from=search" not in after


@pytest.mark.django_db
def test_api_routes_are_their_patterns_and_unknown_methods_one_label(alice):
    from waypoint.journal.services import entry_create

    entry = entry_create(user=alice, text="A quiet day by the water.")
    client = client_for(alice)
    client.get(f"/api/v1/me/journal/{entry.pk}")
    client.generic("BREW", "/en/")
    client.get("/no/such/page/42/")
    text = scrape(client)
    routes = {labels["route"] for labels in _labels(text) if "route" in labels}
    assert "api:me/journal/<entry_id>" in routes
    assert "unmatched" in routes
    methods = {labels["method"] for labels in _labels(text) if "method" in labels}
    assert methods <= metrics.METHODS | {"other"}
    assert "BREW" not in text


@pytest.mark.django_db(transaction=True)
def test_open_websockets_are_counted_while_open(alice, client):
    labels = {"route": "ws_me"}

    communicator = ws_communicator("/ws/me/", alice)

    async def scenario() -> tuple[float, float]:
        connected, _ = await communicator.connect()
        assert connected
        during = value(await _scrape_async(client), "waypoint_websocket_connections", **labels)
        await communicator.disconnect()
        await communicator.wait()
        after = value(await _scrape_async(client), "waypoint_websocket_connections", **labels)
        return during, after

    before = value(scrape(client), "waypoint_websocket_connections", **labels)
    opened_before = value(scrape(client), "waypoint_websocket_connections_opened_total", **labels)
    during, after = async_to_sync(scenario)()
    assert during == before + 1
    assert after == before
    assert value(scrape(client), "waypoint_websocket_connections_opened_total", **labels) >= opened_before + 1


async def _scrape_async(client: Any) -> str:
    from asgiref.sync import sync_to_async

    return str(await sync_to_async(scrape)(client))


@pytest.mark.django_db
def test_the_task_queue_depth_lag_and_task_outcomes_are_reported(client):
    from waypoint.core.tasks import queue_probe_enqueue

    before = scrape(client)
    queue_probe_enqueue()  # runs at once in tests: the probe is enqueued and runs
    after = scrape(client)
    assert value(after, "waypoint_task_queue_probe_timestamp_seconds") >= time.time() - 60
    assert 0 <= value(after, "waypoint_task_queue_lag_seconds") < 60
    complete = {"task": "queue_probe", "outcome": "complete"}
    assert value(after, "waypoint_tasks_total", **complete) >= value(before, "waypoint_tasks_total", **complete) + 1
    assert "waypoint_task_queue_pending " in after
    assert "waypoint_task_queue_scheduled " in after


@pytest.mark.django_db
def test_reminder_sends_are_counted_through_the_one_core_function(client):
    before = value(scrape(client), "waypoint_events_total", event="reminders.sent")
    metrics.count("reminders.sent", 3)
    metrics.count_report("reminders", {"sent": 2, "claimed": 7, "deliveries": 0})  # claimed is not declared
    after = scrape(client)
    assert value(after, "waypoint_events_total", event="reminders.sent") >= before + 5
    assert 'event="reminders.claimed"' not in after
    with pytest.raises(ValueError, match="not a declared metrics event"):
        metrics.count("reminders.sent.to.alice")


@pytest.mark.django_db
def test_the_reminders_task_counts_what_it_sent(client, monkeypatch):
    from waypoint.reminders import delivery, tasks

    def tick(**kwargs: Any) -> delivery.TickReport:
        return delivery.TickReport(claimed=3, sent=2, deliveries=4)

    monkeypatch.setattr(delivery, "tick", tick)
    before = scrape(client)
    tasks.reminders_tick.call_local()
    after = scrape(client)
    for event, added in (("reminders.sent", 2), ("reminders.deliveries", 4)):
        assert (
            value(after, "waypoint_events_total", event=event)
            >= value(before, "waypoint_events_total", event=event) + added
        )


# --- Nothing about anyone --------------------------------------------------------------------------


def _labels(text: str) -> list[dict[str, str]]:
    return [sample.labels for family in text_string_to_metric_families(text) for sample in family.samples]


def _label_values(text: str) -> set[str]:
    return {v for labels in _labels(text) for k, v in labels.items() if k not in {"le", "pid"}}


@pytest.mark.django_db
def test_no_label_holds_an_id_a_name_a_query_or_anything_typed(alice, client):
    """A realistic session — pages with ids, searches, a check-in with a note, a journal
    entry, a group message, API calls — and then every label value of every sample."""
    from waypoint.journal.services import entry_create
    from waypoint.recovery.tests.access_samples import openapi_samples

    typed = ["Felt the pull at 3pm near the bridge", "marker-journal-lantern", "oxycodone"]
    samples = openapi_samples(alice)
    person = client_for(alice)
    entry = entry_create(user=alice, text=typed[1])
    person.get(f"/api/v1/me/journal/{entry.pk}")
    person.get(f"/api/v1/me/journal?q={typed[1]}")
    person.post(
        "/api/v1/me/checkins",
        {"client_id": str(uuid.uuid4()), "date": samples["today"], "mood": 2, "note": typed[0]},
        content_type="application/json",
    )
    person.get(f"/en/guide/?q={typed[2]}")
    person.get(f"/en/treatment/?near=22902&q={typed[2]}")
    person.get(f"/api/v1/facilities?near=22902&service={typed[2]}")
    text = scrape(client)
    for label_value in _label_values(text):
        assert not re.search(r"(^|[/:])\d+(/|$)", label_value), f"an id in a label: {label_value}"
        assert not set("?=&") & set(label_value), label_value
        assert alice.username not in label_value, label_value
        assert re.fullmatch(r"[A-Za-z0-9_.:<>/\-]+", label_value), f"an unexpected label value: {label_value}"
    labels = " ".join(_label_values(text))
    for word in [*typed, alice.username, "22902"]:
        assert word not in labels, word
    # Sample values are numbers, and a duration may happen to hold the ZIP's digits.
    for word in [*typed, alice.username]:
        assert word not in text, word


# --- Several processes ---------------------------------------------------------------------------------

_CHILD = textwrap.dedent(
    """
    import sys, time
    from waypoint.core import metrics
    metrics.count("reminders.sent", int(sys.argv[1]))
    metrics.WEBSOCKETS_OPEN.labels("ws_me").inc()
    print("ready", flush=True)
    if sys.argv[2] == "wait":
        time.sleep(60)
    """
)


def _env(folder: Path, var: Path | None = None) -> dict[str, str]:
    """A process of its own machine: its metrics folder, SQLite beside it, no server settings."""
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "METRICS_DIR"}}
    return {
        **env,
        "METRICS_DIR": str(folder),
        "WAYPOINT_VAR_DIR": str(var or folder.parent / "var"),
        "DJANGO_SETTINGS_MODULE": "waypoint.settings",
        "DEBUG": "true",
    }


def _child(folder: Path, amount: int, mode: str) -> subprocess.Popen[str]:
    env = _env(folder)
    return subprocess.Popen(  # noqa: S603
        [sys.executable, "-c", _CHILD, str(amount), mode], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True
    )


def _collect(folder: Path, var: Path | None = None) -> str:
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "from waypoint.core import metrics; print(metrics.exposition().decode())",
        ],
        cwd=ROOT,
        env=_env(folder, var),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return done.stdout


def test_every_process_of_the_machine_is_summed_and_the_dead_folded_in(tmp_path):
    """Two processes that ended and one killed while it held an open socket: their counts
    add up, the killed one's open socket is not counted, and the folder is compacted."""
    for amount in (2, 5):
        child = _child(tmp_path, amount, "exit")
        assert child.wait(timeout=120) == 0
    killed = _child(tmp_path, 11, "wait")
    assert killed.stdout is not None
    assert killed.stdout.readline().strip() == "ready"
    alive = _collect(tmp_path)
    assert value(alive, "waypoint_events_total", event="reminders.sent") == 18
    assert value(alive, "waypoint_websocket_connections", route="ws_me") == 1  # only the live one
    killed.send_signal(signal.SIGKILL)
    killed.wait(timeout=30)
    gone = _collect(tmp_path)
    assert value(gone, "waypoint_events_total", event="reminders.sent") == 18  # kept after the kill
    assert value(gone, "waypoint_websocket_connections", route="ws_me") == 0  # its socket is gone with it
    metrics.compact(str(tmp_path))  # every process is gone now: one archive per kind is left
    left = sorted(p.name for p in tmp_path.glob("*.db"))
    assert left, "nothing was kept"
    assert all(name.endswith("_archive.db") for name in left), left
    assert "counter_archive.db" in left


def test_without_a_writable_folder_each_process_counts_alone(tmp_path):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("")
    out = _collect(blocked / "metrics", tmp_path / "var")
    assert "waypoint_task_queue_pending" in out
