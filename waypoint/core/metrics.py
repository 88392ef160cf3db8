"""Prometheus metrics: what an operator needs to see, and nothing about anyone.

**What is measured** (``GET /metrics``, see docs/operations.md for the scrape config):

- ``waypoint_http_requests_total{route, method, status}`` and
  ``waypoint_http_request_duration_seconds{route, method}``: ``route`` is the URL pattern's
  *name* (``directory:facility``; the API's pattern, ``api:me/journal/<entry_id>``) —
  never the path, which holds ids, and never the query string, which can hold a search;
  ``status`` is the class (``2xx`` … ``5xx``).
- ``waypoint_websocket_connections{route}`` (open now) and
  ``waypoint_websocket_connections_opened_total{route}``.
- ``waypoint_task_queue_pending`` and ``waypoint_task_queue_scheduled`` (counted when
  scraped), ``waypoint_task_queue_lag_seconds`` (how long the last probe task waited in
  the queue: the consumer enqueues one a minute) and
  ``waypoint_task_queue_probe_timestamp_seconds`` (when a probe last ran: a stale value
  means the consumer is down or stuck), ``waypoint_tasks_total{task, outcome}``.
- ``waypoint_events_total{event}``: counts other apps add with :func:`count` — reminder
  sends among them.

**Privacy.** Labels take only values fixed in code: route names, HTTP methods from a short
list, status classes, task names, declared event names. No user id, no path, no query
string, nothing a person typed (a test reads every sample to make sure).

**Several processes.** uvicorn workers and the task consumer each count in memory-mapped
files in ``METRICS_DIR`` (``var/metrics`` by default; prometheus_client's multiprocess
mode); any worker's ``/metrics`` answers with the sum over every process of the machine.
Files of processes that have ended are folded into one archive file per kind, so the
folder does not grow with every restart; the "open connections" of a killed worker are
dropped. When the folder cannot be written, each process counts for itself only.
"""

from __future__ import annotations

import contextlib
import fcntl
import glob
import logging
import os
import time
from collections.abc import Awaitable, Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.conf import settings
from django.http import HttpRequest, HttpResponseBase
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest, values
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.mmap_dict import MmapedDict
from prometheus_client.multiprocess import MultiProcessCollector, mark_process_dead

logger = logging.getLogger(__name__)

# Counts other apps may add to (waypoint_events_total{event=...}): a fixed list, so that a
# label can never carry anything but these names. Add a line here for a new one.
EVENTS = frozenset(
    {
        "reminders.sent",  # reminder or notice occurrences delivered to at least one device or address
        "reminders.deliveries",  # messages handed to a push service or the mail server
        "reminders.retried",
        "reminders.gave_up",
        "reminders.subscriptions_removed",
    }
)
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
_ARCHIVE = "archive"


def _directory() -> str | None:
    """Sets up multiprocess mode in METRICS_DIR; None when the folder cannot be used."""
    folder = getattr(settings, "METRICS_DIR", "")
    if not folder:
        return None
    try:
        Path(folder).mkdir(mode=0o700, parents=True, exist_ok=True)
        probe = Path(folder) / f".write-test-{os.getpid()}"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        logger.warning("METRICS_DIR is not writable (%s): each process reports only its own figures", exc.strerror)
        return None
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(folder)
    # Metrics made from here on keep their values in the folder's files.
    values.ValueClass = values.MultiProcessValue()
    return str(folder)


DIRECTORY = _directory()

REQUESTS = Counter(
    "waypoint_http_requests",
    "HTTP requests answered, by route name, method and status class.",
    ["route", "method", "status"],
    registry=None,
)
LATENCY = Histogram(
    "waypoint_http_request_duration_seconds",
    "Time to answer an HTTP request (until the response starts), by route name and method.",
    ["route", "method"],
    buckets=LATENCY_BUCKETS,
    registry=None,
)
WEBSOCKETS_OPEN = Gauge(
    "waypoint_websocket_connections",
    "WebSocket connections open now, by route name.",
    ["route"],
    multiprocess_mode="livesum",
    registry=None,
)
WEBSOCKETS_OPENED = Counter(
    "waypoint_websocket_connections_opened", "WebSocket connections accepted, by route name.", ["route"], registry=None
)
EVENT_COUNTS = Counter(
    "waypoint_events", "Counts other apps add (see waypoint.core.metrics.EVENTS).", ["event"], registry=None
)
TASKS = Counter("waypoint_tasks", "Background tasks run, by task name and outcome.", ["task", "outcome"], registry=None)
TASK_LAG = Gauge(
    "waypoint_task_queue_lag_seconds",
    "How long the last probe task waited in the queue before it ran.",
    multiprocess_mode="mostrecent",
    registry=None,
)
TASK_PROBE = Gauge(
    "waypoint_task_queue_probe_timestamp_seconds",
    "When a probe task last ran (Unix time); stale means the consumer is down or stuck.",
    multiprocess_mode="max",
    registry=None,
)


# --- What other apps call -------------------------------------------------------------------


def count(event: str, amount: int = 1) -> None:
    """Adds `amount` to ``waypoint_events_total{event=...}``. `event` must be one of EVENTS:
    a name fixed in code, never anything a person typed or an id."""
    if event not in EVENTS:
        raise ValueError(f"{event!r} is not a declared metrics event (waypoint.core.metrics.EVENTS).")
    if amount:
        EVENT_COUNTS.labels(event).inc(amount)


def count_report(prefix: str, report: dict[str, int]) -> None:
    """Counts each declared ``<prefix>.<key>`` of a task's report dict (others are ignored)."""
    for key, amount in report.items():
        name = f"{prefix}.{key}"
        if name in EVENTS and isinstance(amount, int) and amount > 0:
            EVENT_COUNTS.labels(name).inc(amount)


def task_queue_probe(enqueued_at: float) -> float:
    """Records how long a probe task waited (called by the probe itself, in the consumer)."""
    now = time.time()
    lag = max(0.0, now - enqueued_at)
    TASK_LAG.set(lag)
    TASK_PROBE.set(now)
    return lag


# --- Route names ------------------------------------------------------------------------------


def route_of(request: HttpRequest) -> str:
    """The route's name (or, for the API, its pattern), never the requested path."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        static = settings.STATIC_URL or "/static/"
        return "static" if request.path_info.startswith(static) else "unmatched"
    if match.namespace == "api" or not match.view_name:
        pattern = match.route or ""
        return "api:" + pattern.removeprefix("api/v1/") if match.namespace == "api" else pattern
    return str(match.view_name)


def _status_class(status: int) -> str:
    return f"{status // 100}xx" if 100 <= status < 600 else "other"


def observe(request: HttpRequest, status: int, seconds: float) -> None:
    route = route_of(request)
    method = request.method if request.method in METHODS else "other"
    REQUESTS.labels(route, method, _status_class(status)).inc()
    LATENCY.labels(route, method).observe(seconds)


class MetricsMiddleware:
    """Counts and times every HTTP request by route name (first in MIDDLEWARE, so static
    files and errors of later middleware are counted too)."""

    sync_capable = True
    async_capable = True

    def __init__(self, get_response: Callable[[HttpRequest], Any]) -> None:
        self.get_response = get_response
        self.is_async = iscoroutinefunction(get_response)
        if self.is_async:
            markcoroutinefunction(self)

    def __call__(self, request: HttpRequest) -> Any:
        if self.is_async:
            return self._acall(request)
        started = time.perf_counter()
        response: HttpResponseBase = self.get_response(request)
        observe(request, response.status_code, time.perf_counter() - started)
        return response

    async def _acall(self, request: HttpRequest) -> HttpResponseBase:
        started = time.perf_counter()
        response: HttpResponseBase = await self.get_response(request)
        observe(request, response.status_code, time.perf_counter() - started)
        return response


# --- WebSockets -----------------------------------------------------------------------------

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


def websocket_route(path: str) -> str:
    from waypoint.routing import websocket_urlpatterns

    for pattern in websocket_urlpatterns:
        if pattern.pattern.match(path.lstrip("/")):
            return str(pattern.name or pattern.pattern)
    return "unmatched"


def count_websockets(app: ASGIApp) -> ASGIApp:
    """Wraps the WebSocket application: a connection counts as open from its accept to
    the end of the application's call for it."""

    async def counted(scope: Scope, receive: Receive, send: Send) -> None:
        route = websocket_route(str(scope.get("path", "")))
        accepted = False

        async def counting_send(message: dict[str, Any]) -> None:
            nonlocal accepted
            if message.get("type") == "websocket.accept" and not accepted:
                accepted = True
                WEBSOCKETS_OPEN.labels(route).inc()
                WEBSOCKETS_OPENED.labels(route).inc()
            await send(message)

        try:
            await app(scope, receive, counting_send)
        finally:
            if accepted:
                WEBSOCKETS_OPEN.labels(route).dec()

    return counted


# --- Background tasks ---------------------------------------------------------------------


def _on_task_signal(signal: str, task: Any, *args: Any, **kwargs: Any) -> None:
    TASKS.labels(str(getattr(task, "name", "unknown")), signal).inc()


def connect_task_signals() -> None:
    from huey import signals
    from huey.contrib.djhuey import HUEY

    HUEY.signal(
        signals.SIGNAL_COMPLETE,
        signals.SIGNAL_ERROR,
        signals.SIGNAL_RETRYING,
        signals.SIGNAL_EXPIRED,
        signals.SIGNAL_LOCKED,
        signals.SIGNAL_TIMEOUT,
    )(_on_task_signal)


class TaskQueueCollector:
    """The queue's depth, read from huey's storage when scraped."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        from huey.contrib.djhuey import HUEY

        try:
            pending, scheduled = HUEY.pending_count(), HUEY.scheduled_count()
        except Exception as exc:  # the queue's database does not answer: say so, by type only
            logger.warning("task queue not readable for metrics: %s", type(exc).__name__)
            return
        yield GaugeMetricFamily("waypoint_task_queue_pending", "Tasks waiting in the queue now.", value=pending)
        yield GaugeMetricFamily(
            "waypoint_task_queue_scheduled", "Tasks scheduled for later (retries, delays).", value=scheduled
        )


# --- Several processes ------------------------------------------------------------------------


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _pid_of(path: str) -> int | None:
    tail = os.path.basename(path)[: -len(".db")].rsplit("_", 1)[-1]
    return int(tail) if tail.isdigit() else None


def _merge_into_archive(directory: str, prefix: str, files: list[str]) -> None:
    """Folds dead processes' files of one kind (``counter``, ``gauge_max``…) into
    ``<prefix>_archive.db``: sums, except max and most-recent gauges."""
    archive = os.path.join(directory, f"{prefix}_{_ARCHIVE}.db")
    merged: dict[str, tuple[float, float]] = {}
    for path in ([archive] if os.path.exists(archive) else []) + files:
        for key, value, timestamp, _pos in MmapedDict.read_all_values_from_file(path):
            old = merged.get(key)
            if old is None:
                merged[key] = (value, timestamp)
            elif prefix == "gauge_max":
                merged[key] = max(old, (value, timestamp))
            elif prefix == "gauge_min":
                merged[key] = min(old, (value, timestamp))
            elif prefix == "gauge_mostrecent":
                merged[key] = old if old[1] >= timestamp else (value, timestamp)
            else:
                merged[key] = (old[0] + value, max(old[1], timestamp))
    temporary = os.path.join(directory, f".{prefix}_{_ARCHIVE}.{os.getpid()}.tmp")
    with contextlib.suppress(FileNotFoundError):
        os.unlink(temporary)
    writer = MmapedDict(temporary)
    try:
        for key, (value, timestamp) in merged.items():
            writer.write_value(key, value, timestamp)
    finally:
        writer.close()
    os.replace(temporary, archive)
    for path in files:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)


def compact(directory: str | None = DIRECTORY) -> int:
    """Folds the files of ended processes into archives and drops their live gauges
    (open connections of a killed worker). Returns how many files went. Safe to call from
    several processes: one compacts while the others skip."""
    if not directory:
        return 0
    with contextlib.ExitStack() as stack:
        try:
            lock = stack.enter_context(open(os.path.join(directory, ".compact.lock"), "a"))
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return 0  # another process is compacting
        dead: dict[str, list[str]] = {}
        removed = 0
        for path in glob.glob(os.path.join(directory, "*.db")):
            pid = _pid_of(path)
            if pid is None or _alive(pid):
                continue
            name = os.path.basename(path)
            if name.startswith("gauge_live"):
                mark_process_dead(pid, directory)
                removed += 1
                continue
            prefix = name[: -len(".db")].rsplit("_", 1)[0]
            if prefix.startswith("gauge_all"):
                os.unlink(path)  # per-process gauges of a process that is gone mean nothing
                removed += 1
                continue
            dead.setdefault(prefix, []).append(path)
        for prefix, files in dead.items():
            _merge_into_archive(directory, prefix, files)
            removed += len(files)
        return removed
    return 0


def exposition(extra_collectors: Iterable[Any] = ()) -> bytes:
    """The text every scrape gets: every process's figures, plus the queue's depth."""
    registry = CollectorRegistry()
    if DIRECTORY:
        compact(DIRECTORY)
        MultiProcessCollector(registry, path=DIRECTORY)
    else:
        for metric in (
            REQUESTS,
            LATENCY,
            WEBSOCKETS_OPEN,
            WEBSOCKETS_OPENED,
            EVENT_COUNTS,
            TASKS,
            TASK_LAG,
            TASK_PROBE,
        ):
            registry.register(metric)
    registry.register(TaskQueueCollector())
    for collector in extra_collectors:
        registry.register(collector)
    return generate_latest(registry)


# Each process folds what ended processes left before it adds its own files.
compact(DIRECTORY)
connect_task_signals()
