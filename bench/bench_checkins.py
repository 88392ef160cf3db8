"""Check-in benchmark: recovery check-ins written through HTTP with personal access tokens,
next to ``/healthz`` on the same server in the same run, on SQLite and on PostgreSQL.

What runs, per database (all on 127.0.0.1):

- **the server**: uvicorn with one worker per core (``--workers $(nproc)``), production
  settings (DEBUG off, its own SECRET_KEY and ENCRYPTION_KEYS, ``--no-access-log``, no proxy
  headers), Redis db 8 for the cache (flushed before and after; only that db), and either a
  SQLite file in a throwaway directory or a PostgreSQL database ``bench_checkins`` made,
  migrated and dropped here;
- **the people**: ``--people`` people (default 8,000), each with a recovery profile in one of
  eight US time zones, a read-write token made by ``token_create`` and their data key. The
  API takes a check-in only for the person's local today or yesterday (checkin_window), so
  every person checks in twice — yesterday, then today — and each request is a real insert
  (a new date for that person, a new ``client_id``), never an idempotent repeat. A check-in
  is what the installable app sends: mood, craving, sleep, stress, meeting; a note (encrypted)
  in one of five; "used: true" (which records a lapse too) in one of fifty;
- **the load**: this process (asyncio, uvloop when installed, a minimal HTTP/1.1 keep-alive
  client on httptools — cheaper per request than httpx, so it takes less of the two cores
  the server needs), 50 connections:

  1. *throughput*: closed loop (each connection sends its next request when the answer
     comes), ``--rounds`` rounds of ``/healthz`` for ``--seconds`` then check-ins for
     ``--seconds``, alternating so that both see the same machine. Latency under a closed
     loop at saturation is only 50 / throughput (Little's law), so it is given but is not
     the budget's p99;
  2. *latency at the budget's rate*: open loop, 300 check-ins/s spread over the 50
     connections for ``--seconds`` × 2; each latency is measured from the moment the
     request was due, not sent (no coordinated omission), so a server that falls behind
     shows it;
  3. *the Today page* of one person with three years of daily check-ins (and lapses, a plan,
     goals, support people, a medication), signed in with a session cookie, fetched one at a
     time: server time as the client on loopback sees it.

Machine load (``os.getloadavg``) is recorded before and after each database's run: the
machine is shared, and figures taken above a load of ~2 are not comparable.

``--profile DIR`` records the workers with py-spy (a path to its binary in ``PY_SPY`` or on
PATH; never installed into the project) during one check-in phase and one healthz phase.
Prints figures and writes ``bench/results/checkins.json``. Nothing here asserts on time.

    .venv/bin/python bench/bench_checkins.py                 # both databases (make bench)
    .venv/bin/python bench/bench_checkins.py --db sqlite --quick
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import json
import math
import os
import random
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
# The code served: this checkout, or another one (--code: a git worktree of an older commit,
# to measure before and after a change on the same machine in the same minutes).
CODE = Path(os.environ.get("BENCH_CODE", str(ROOT)))
RESULTS = ROOT / "bench" / "results" / "checkins.json"
POSTGRES_ADMIN_URL = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")
DATABASE_NAME = "bench_checkins"
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/8")
CONNECTIONS = 50
BUDGET = {"checkins_per_s": 300, "p99_ms": 50, "share_of_healthz": 0.5}
ZONES = [
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Phoenix",
    "America/Los_Angeles",
    "America/Anchorage",
    "Pacific/Honolulu",
    "America/Puerto_Rico",
]
TODAY_PERSON = "bench-today"
# Settings the bench sets for the server; inherited values (and their *_FILE forms) go first.
OWN_SETTINGS = (
    "DEBUG", "LOCAL_DEMO", "SECRET_KEY", "ENCRYPTION_KEYS", "ALLOWED_HOSTS", "CSRF_TRUSTED_ORIGINS",
    "DATABASE_URL", "REDIS_URL", "WEB_CONCURRENCY", "TRUSTED_PROXIES", "HTTPS", "WAYPOINT_VAR_DIR",
    "LOG_LEVEL", "API_RATE_LIMIT",
)  # fmt: skip


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def load_average() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


# --- Figures ----------------------------------------------------------------------------------


def summary(latencies: list[float]) -> dict[str, float | int]:
    """Nearest-rank percentiles in milliseconds."""
    if not latencies:
        return {"n": 0}
    ordered = sorted(latencies)

    def pick(share: float) -> float:
        return round(ordered[min(len(ordered) - 1, max(0, math.ceil(share * len(ordered)) - 1))] * 1000, 2)

    return {
        "n": len(ordered),
        "p50_ms": pick(0.50),
        "p90_ms": pick(0.90),
        "p99_ms": pick(0.99),
        "max_ms": round(ordered[-1] * 1000, 2),
        "mean_ms": round(statistics.fmean(ordered) * 1000, 2),
    }


# --- A minimal HTTP/1.1 client ------------------------------------------------------------------


class Connection:
    """One keep-alive connection; one request at a time. httptools parses the answers."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def open(self) -> None:
        self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        self.writer.transport.set_write_buffer_limits(high=0)  # type: ignore[attr-defined]
        sock = self.writer.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            with contextlib.suppress(Exception):
                await self.writer.wait_closed()
        self.reader = self.writer = None

    async def request(self, raw: bytes) -> tuple[int, bytes]:
        import httptools

        if self.writer is None:
            await self.open()
        assert self.reader is not None
        assert self.writer is not None
        done = False
        body: list[bytes] = []

        class Answer:
            def on_body(self, data: bytes) -> None:
                body.append(data)

            def on_message_complete(self) -> None:
                nonlocal done
                done = True

        parser = httptools.HttpResponseParser(Answer())
        self.writer.write(raw)
        while not done:
            data = await self.reader.read(65536)
            if not data:
                await self.close()
                raise ConnectionError("the server closed the connection")
            parser.feed_data(data)
        if not parser.should_keep_alive():
            await self.close()
        return parser.get_status_code(), b"".join(body)


def http_request(
    method: str, path: str, port: int, *, headers: dict[str, str] | None = None, body: bytes = b""
) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", "User-Agent: waypoint-bench"]
    lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
    if body or method in {"POST", "PUT"}:
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


# --- The check-ins to send ------------------------------------------------------------------------


class Checkins:
    """Every request a new (person, local date): all people's yesterday, then all their today."""

    def __init__(self, people: list[dict[str, str]], port: int, seed: int = 7) -> None:
        self.people = people
        self.port = port
        self.rng = random.Random(seed)
        self.order: Iterator[tuple[int, int]] = ((back, i) for back in (1, 0) for i in range(len(people)))
        self.sent = 0

    def next(self) -> bytes | None:
        try:
            back, index = next(self.order)
        except StopIteration:
            return None
        person = self.people[index]
        day = datetime.now(ZoneInfo(person["zone"])).date() - timedelta(days=back)
        rng = self.rng
        answers: dict[str, Any] = {
            "client_id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            "date": day.isoformat(),
            "mood": rng.randint(1, 5),
            "craving": rng.randint(0, 10),
            "used": rng.random() < 0.02,
            "sleep_hours": rng.choice([5, 6, 6.5, 7, 7.5, 8, 9]),
            "stress": rng.randint(0, 10),
            "meeting": rng.random() < 0.3,
        }
        if rng.random() < 0.2:
            answers["note"] = "Talked to my sponsor after work. Long walk, early night."
        self.sent += 1
        return http_request(
            "POST",
            "/api/v1/me/checkins",
            self.port,
            headers={"Authorization": f"Bearer {person['token']}", "Content-Type": "application/json"},
            body=json.dumps(answers).encode(),
        )


# --- Load phases ------------------------------------------------------------------------------------


async def closed_loop(port: int, make: Any, seconds: float, expect: int) -> dict[str, Any]:
    """CONNECTIONS connections sending back to back for `seconds`; throughput and latencies."""
    latencies: list[float] = []
    statuses: Counter[int] = Counter()
    errors: Counter[str] = Counter()
    deadline = time.perf_counter() + seconds
    exhausted = False

    async def lane() -> None:
        nonlocal exhausted
        conn = Connection(port)
        try:
            await conn.open()
            while time.perf_counter() < deadline:
                raw = make()
                if raw is None:
                    exhausted = True
                    return
                started = time.perf_counter()
                try:
                    status, _ = await conn.request(raw)
                except (OSError, ConnectionError) as exc:
                    errors[type(exc).__name__] += 1
                    await conn.close()
                    continue
                latencies.append(time.perf_counter() - started)
                statuses[status] += 1
        finally:
            await conn.close()

    started = time.perf_counter()
    await asyncio.gather(*(lane() for _ in range(CONNECTIONS)))
    elapsed = time.perf_counter() - started
    ok = statuses.get(expect, 0)
    return {
        "seconds": round(elapsed, 2),
        "requests": len(latencies),
        "ok": ok,
        "per_s": round(ok / elapsed, 1),
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
        "errors": dict(errors),
        "latency": summary(latencies),
        "ran_out_of_people": exhausted,
    }


async def open_loop(port: int, make: Any, seconds: float, rate: float, expect: int) -> dict[str, Any]:
    """`rate` requests a second spread evenly over CONNECTIONS connections for `seconds`;
    latency from when each request was due (a late connection makes the next ones late)."""
    latencies: list[float] = []
    statuses: Counter[int] = Counter()
    errors: Counter[str] = Counter()
    start = time.perf_counter() + 0.2
    total = int(rate * seconds)
    behind = 0

    async def lane(index: int) -> None:
        nonlocal behind
        conn = Connection(port)
        try:
            await conn.open()
            for k in range(index, total, CONNECTIONS):
                due = start + k / rate
                if time.perf_counter() > start + 3 * seconds:
                    return  # far behind: the server cannot take this rate (late requests are counted)
                wait = due - time.perf_counter()
                if wait > 0:
                    await asyncio.sleep(wait)
                else:
                    behind += 1
                raw = make()
                if raw is None:
                    return
                try:
                    status, _ = await conn.request(raw)
                except (OSError, ConnectionError) as exc:
                    errors[type(exc).__name__] += 1
                    await conn.close()
                    continue
                latencies.append(time.perf_counter() - due)
                statuses[status] += 1
        finally:
            await conn.close()

    await asyncio.gather(*(lane(i) for i in range(CONNECTIONS)))
    elapsed = time.perf_counter() - start
    return {
        "offered_per_s": rate,
        "seconds": round(elapsed, 2),
        "requests": len(latencies),
        "ok": statuses.get(expect, 0),
        "achieved_per_s": round(statuses.get(expect, 0) / elapsed, 1),
        "sent_late": behind,
        "not_sent": total - len(latencies) - sum(errors.values()),
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
        "errors": dict(errors),
        "latency": summary(latencies),
    }


async def one_by_one(port: int, raw: bytes, count: int, warmup: int, expect: int) -> dict[str, Any]:
    conn = Connection(port)
    latencies: list[float] = []
    statuses: Counter[int] = Counter()
    size = 0
    try:
        for n in range(warmup + count):
            started = time.perf_counter()
            status, body = await conn.request(raw)
            elapsed = time.perf_counter() - started
            statuses[status] += 1
            size = len(body)
            if n >= warmup:
                latencies.append(elapsed)
    finally:
        await conn.close()
    return {
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
        "ok": statuses.get(expect, 0) == warmup + count,
        "bytes": size,
        "latency": summary(latencies),
    }


# --- py-spy (optional) -----------------------------------------------------------------------------


def py_spy_binary() -> str | None:
    return os.environ.get("PY_SPY") or shutil.which("py-spy")


def start_profile(pids: list[int], out_dir: Path, label: str, seconds: float) -> list[subprocess.Popen[bytes]]:
    binary = py_spy_binary()
    if binary is None:
        log("py-spy not found (set PY_SPY): no profile")
        return []
    out_dir.mkdir(parents=True, exist_ok=True)
    procs = []
    for pid in pids:
        for fmt, ext in (("raw", "txt"), ("speedscope", "json")):
            cmd = [binary, "record", "--pid", str(pid), "--rate", "200", "--duration", str(int(seconds)),
                   "--format", fmt, "--output", str(out_dir / f"{label}-{pid}.{ext}"), "--nonblocking",
                   "--threads", "--idle"]  # fmt: skip
            procs.append(subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
    return procs


def digest_profile(path: Path, top: int = 25) -> dict[str, Any]:
    """Inclusive share of samples per frame (function and file), over every thread that was
    not idle, from py-spy's raw output."""
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return {"error": f"no profile at {path}"}
    idle_leaves = (
        "Runner.run",
        "select (",
        "poll (",
        "_worker (concurrent",
        "wait (threading",
        "_wait_for_tstate_lock",
    )
    total = busy = 0
    frames: Counter[str] = Counter()
    for line in lines:
        stack, _, count_text = line.rpartition(" ")
        if not count_text.isdigit():
            continue
        count = int(count_text)
        total += count
        parts = stack.split(";")
        if parts and any(idle in parts[-1] for idle in idle_leaves):
            continue
        busy += count
        seen = set()
        for frame in parts[1:]:
            name, _, where = frame.partition(" (")
            where = where.rstrip(")")
            for marker in ("site-packages/", "/work/main/", "python3.11/"):
                if marker in where:
                    where = where.split(marker, 1)[1]
            key = f"{name} ({where.rsplit(':', 1)[0]})"
            if key not in seen:
                seen.add(key)
                frames[key] += count
    return {
        "busy_share": round(busy / max(total, 1), 3),
        "inclusive_top": [f"{100 * n / max(busy, 1):5.1f}% {name}" for name, n in frames.most_common(top)],
        "raw": str(path),
    }


# --- One database -------------------------------------------------------------------------------------


class Run:
    """Everything for one database: env, database, people, the server; cleaned up on exit."""

    def __init__(self, db: str, args: argparse.Namespace) -> None:
        self.db = db
        self.args = args
        self.dir = Path(tempfile.mkdtemp(prefix=f"waypoint-bench-checkins-{db}-"))
        self.port = 0
        self.server: subprocess.Popen[bytes] | None = None
        env = {
            k: v for k, v in os.environ.items() if k not in OWN_SETTINGS and k.removesuffix("_FILE") not in OWN_SETTINGS
        }
        env.update(
            DEBUG="false",
            SECRET_KEY=os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50),
            ENCRYPTION_KEYS=base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
            ALLOWED_HOSTS="127.0.0.1,localhost",
            WAYPOINT_VAR_DIR=str(self.dir),
            REDIS_URL=REDIS_URL,
            WEB_CONCURRENCY=str(args.workers),
            LOG_LEVEL="WARNING",
            DJANGO_SETTINGS_MODULE="waypoint.settings",
            BENCH_CODE=str(CODE),
        )
        if db == "postgres":
            env["DATABASE_URL"] = POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + "/" + DATABASE_NAME
        self.env = env

    # database and cache
    def _admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as conn:
            conn.execute(sql)

    def _flush_redis(self) -> None:
        import redis

        client = redis.Redis.from_url(REDIS_URL)
        try:
            client.flushdb()  # only this db (8): the machine's Redis is shared
        finally:
            client.close()

    def __enter__(self) -> Run:
        self._flush_redis()
        if self.db == "postgres":
            self._admin(f"DROP DATABASE IF EXISTS {DATABASE_NAME} WITH (FORCE)")
            self._admin(f"CREATE DATABASE {DATABASE_NAME}")
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop_server()
        with contextlib.suppress(Exception):
            self._flush_redis()
        if self.db == "postgres":
            with contextlib.suppress(Exception):
                self._admin(f"DROP DATABASE IF EXISTS {DATABASE_NAME} WITH (FORCE)")
        shutil.rmtree(self.dir, ignore_errors=True)

    def prepare(self) -> dict[str, Any]:
        out = self.dir / "people.json"
        collected = CODE / "var" / "static"
        if (collected / "staticfiles.json").exists():  # `make bench` runs `make prepare` first
            (self.dir / "static").symlink_to(collected, target_is_directory=True)
        else:
            subprocess.run(
                [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
                cwd=CODE, env=self.env, check=True,
            )  # fmt: skip
        started = time.monotonic()
        subprocess.run(
            [sys.executable, __file__, "--prepare", str(out), "--people", str(self.args.people)],
            cwd=CODE, env=self.env, check=True,
        )  # fmt: skip
        log(f"{self.db}: database ready in {time.monotonic() - started:.0f} s")
        return dict(json.loads(out.read_text()))

    def start_server(self) -> None:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = int(sock.getsockname()[1])
        # scripts/serve.py's flags: no access log, no forwarded headers believed.
        cmd = [sys.executable, "-m", "uvicorn", "waypoint.asgi:application", "--host", "127.0.0.1",
               "--port", str(self.port), "--workers", str(self.args.workers), "--no-access-log",
               "--no-proxy-headers", "--log-level", "warning", "--lifespan", "off"]  # fmt: skip
        self.server = subprocess.Popen(cmd, cwd=CODE, env=self.env, start_new_session=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.server.poll() is not None:
                raise RuntimeError(f"uvicorn exited with {self.server.returncode}")
            if len(self.worker_pids()) >= self.args.workers:
                try:
                    with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                        sock.sendall(http_request("GET", "/healthz", self.port))
                        if sock.recv(100).startswith(b"HTTP/1.1 200"):
                            return
                except OSError:
                    pass
            time.sleep(0.3)
        raise RuntimeError("uvicorn did not answer /healthz within 60 s")

    def worker_pids(self) -> list[int]:
        if self.server is None:
            return []
        try:
            children = Path(f"/proc/{self.server.pid}/task/{self.server.pid}/children").read_text().split()
        except OSError:
            return []
        # uvicorn --workers N: a supervisor, its multiprocessing helper, and N workers.
        pids = []
        for pid in children:
            with contextlib.suppress(OSError):
                if "multiprocessing.resource_tracker" not in Path(f"/proc/{pid}/cmdline").read_text():
                    pids.append(int(pid))
        return pids

    def stop_server(self) -> None:
        if self.server is None or self.server.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.server.pid, signal.SIGTERM)
        try:
            self.server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.server.pid, signal.SIGKILL)
            self.server.wait(timeout=5)

    def cpu_seconds(self) -> float:
        ticks = os.sysconf("SC_CLK_TCK")
        total = 0.0
        for pid in self.worker_pids():
            with contextlib.suppress(OSError):
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                total += (int(fields[11]) + int(fields[12])) / ticks
        return total


async def measure(run: Run, prepared: dict[str, Any], args: argparse.Namespace) -> dict[str, Any]:
    port = run.port
    checkins = Checkins(prepared["people"], port)
    healthz = http_request("GET", "/healthz", port)
    result: dict[str, Any] = {"load_before": load_average()}

    log(f"{run.db}: warm-up")
    await closed_loop(port, lambda: healthz, 2, 200)
    await closed_loop(port, checkins.next, 2, 201)

    rounds: list[dict[str, Any]] = []
    for number in range(args.rounds):
        one: dict[str, Any] = {}
        for name, make, expect in (("healthz", lambda: healthz, 200), ("checkins", checkins.next, 201)):
            profiling = []
            if args.profile and number == args.rounds - 1:
                profiling = start_profile(run.worker_pids(), Path(args.profile) / run.db, name, args.seconds)
            cpu = run.cpu_seconds()
            phase = await closed_loop(port, make, args.seconds, expect)
            phase["server_cpu_ms_per_request"] = round(1000 * (run.cpu_seconds() - cpu) / max(phase["requests"], 1), 2)
            for proc in profiling:
                proc.wait(timeout=30)
            one[name] = phase
            log(
                f"{run.db} round {number + 1}: {name} {phase['per_s']}/s, p50 {phase['latency'].get('p50_ms')} ms, "
                f"p99 {phase['latency'].get('p99_ms')} ms, {phase['server_cpu_ms_per_request']} CPU ms/request, "
                f"statuses {phase['statuses']} {phase['errors'] or ''}"
            )
        rounds.append(one)
    result["rounds"] = rounds
    health_rate = statistics.fmean(r["healthz"]["per_s"] for r in rounds)
    checkin_rate = statistics.fmean(r["checkins"]["per_s"] for r in rounds)
    result["throughput"] = {
        "healthz_per_s": round(health_rate, 1),
        "checkins_per_s": round(checkin_rate, 1),
        "checkins_share_of_healthz": round(checkin_rate / max(health_rate, 1e-9), 3),
        "healthz_latency_at_saturation": summary_of(rounds, "healthz"),
        "checkins_latency_at_saturation": summary_of(rounds, "checkins"),
    }

    log(f"{run.db}: open loop, {BUDGET['checkins_per_s']} check-ins/s")
    result["at_budget_rate"] = await open_loop(port, checkins.next, args.seconds * 2, BUDGET["checkins_per_s"], 201)
    result["healthz_at_budget_rate"] = await open_loop(
        port, lambda: healthz, args.seconds, BUDGET["checkins_per_s"], 200
    )
    log(
        f"{run.db}: at {BUDGET['checkins_per_s']}/s: check-ins p50 {result['at_budget_rate']['latency'].get('p50_ms')} ms "
        f"p99 {result['at_budget_rate']['latency'].get('p99_ms')} ms; healthz p50 "
        f"{result['healthz_at_budget_rate']['latency'].get('p50_ms')} ms p99 "
        f"{result['healthz_at_budget_rate']['latency'].get('p99_ms')} ms"
    )

    today = prepared["today"]
    page = http_request(
        "GET",
        "/en/recovery/today/",
        port,
        headers={"Cookie": f"sessionid={today['sessionid']}", "Accept-Encoding": "gzip"},
    )
    result["today_page"] = {
        "person": {k: v for k, v in today.items() if k != "sessionid"},
        **await one_by_one(port, page, args.today_requests, 20, 200),
    }
    log(
        f"{run.db}: Today page (3 years of check-ins): p50 {result['today_page']['latency'].get('p50_ms')} ms, "
        f"p99 {result['today_page']['latency'].get('p99_ms')} ms"
    )
    result["checkins_sent"] = checkins.sent
    result["load_after"] = load_average()
    return result


def summary_of(rounds: list[dict[str, Any]], name: str) -> dict[str, float]:
    p50 = [r[name]["latency"]["p50_ms"] for r in rounds if r[name]["latency"].get("n")]
    p99 = [r[name]["latency"]["p99_ms"] for r in rounds if r[name]["latency"].get("n")]
    return (
        {"p50_ms_mean": round(statistics.fmean(p50), 2), "p99_ms_mean": round(statistics.fmean(p99), 2)} if p50 else {}
    )


def run_database(db: str, args: argparse.Namespace) -> dict[str, Any]:
    with Run(db, args) as run:
        prepared = run.prepare()
        run.start_server()
        log(f"{db}: uvicorn on 127.0.0.1:{run.port}, workers {run.worker_pids()}")
        try:
            import uvloop

            runner = uvloop.run
        except ImportError:  # pragma: no cover - uvloop comes with uvicorn[standard]
            runner = asyncio.run
        result = runner(measure(run, prepared, args))
    if args.profile:
        result["profile"] = {str(p.name): digest_profile(p) for p in sorted((Path(args.profile) / db).glob("*.txt"))}
    return result


# --- The database's people (a child process, with the server's settings) -------------------------------


def prepare(out: Path, people: int) -> None:
    sys.path.insert(0, str(CODE))
    import django

    django.setup()
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
    from django.contrib.auth.hashers import make_password
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command
    from django.db import connection, transaction

    from waypoint.accounts.tokens import token_create
    from waypoint.core.encryption import data_key_for_user
    from waypoint.recovery import services
    from waypoint.recovery.models import Checkin, RecoveryProfile
    from waypoint.recovery.plan import PlanContent

    call_command("migrate", verbosity=0)
    User = get_user_model()
    rng = random.Random(11)
    started = time.monotonic()
    unusable = make_password(None)
    with transaction.atomic():
        users = User.objects.bulk_create(
            [User(username=f"bench{n}", password=unusable) for n in range(people)], batch_size=1000
        )
        zones = [ZONES[n % len(ZONES)] for n in range(people)]
        RecoveryProfile.objects.bulk_create(
            [
                RecoveryProfile(
                    user=user, start_date=date.today() - timedelta(days=rng.randint(30, 900)), time_zone=zone
                )
                for user, zone in zip(users, zones, strict=True)
            ],
            batch_size=1000,
        )
        tokens = []
        for user, zone in zip(users, zones, strict=True):
            _token, raw = token_create(user=user, name="phone", scope="read-write")
            data_key_for_user(user.pk)  # they have written notes before
            tokens.append({"token": raw, "zone": zone})
    log(f"{people} people with profiles, tokens and data keys in {time.monotonic() - started:.0f} s")

    # One person with three years of daily check-ins.
    started = time.monotonic()
    zone = "America/Chicago"
    person = User.objects.create(username=TODAY_PERSON, password=make_password("bench-lantern-river-42"))
    local_today = datetime.now(ZoneInfo(zone)).date()
    start = local_today - timedelta(days=3 * 365 + 10)
    services.profile_save(
        user=person, start_date=start, time_zone=zone, medication_kind="buprenorphine",
        medication_program="Eastside clinic", dose_times=["08:00", "20:00"], keep_unset=False,
    )  # fmt: skip
    for name, phone in (("Sam", "+1 312 555 0101"), ("Rae", "+1 312 555 0102"), ("Dee", "+1 312 555 0103")):
        services.support_person_save(user=person, name=name, phone=phone, role="friend")
    services.appointment_save(
        user=person, day=local_today, at=datetime.strptime("15:30", "%H:%M").time(), title="Counselling",
        place="Eastside clinic", time_zone=zone,
    )  # fmt: skip
    for text in ("Walk every morning", "Call Sam on Sundays"):
        services.goal_save(
            user=person,
            text=services.GoalText(
                title=text, measure="Most days", achievable="Yes", relevant="It helps",
                due_date=local_today + timedelta(days=3),
            ),
        )  # fmt: skip
    content = PlanContent.model_validate(
        {
            "reasons": ["My kids", "My health"],
            "triggers": [
                {"id": f"t{n}", "kind": kind, "name": name}
                for n, (kind, name) in enumerate([("people", "Old friends"), ("places", "The bar on 5th"),
                                                  ("feelings", "Lonely"), ("times", "Friday night")])
            ],
            "warning_signs": ["Skipping meals"],
            "coping": [{"id": "c1", "text": "Call Sam", "trigger_ids": ["t0", "t2"]}],
            "crisis_steps": ["Call 988"],
        }
    )  # fmt: skip
    services.plan_save(user=person, content=content, changed="reasons")
    lapse_days = sorted({start + timedelta(days=rng.randint(30, 3 * 365)) for _ in range(8)})
    rows = []
    day = start
    while day < local_today:
        rows.append(
            Checkin(
                user=person, client_id=uuid.uuid4(), date=day, mood=rng.randint(1, 5), craving=rng.randint(0, 10),
                used=day in lapse_days, sleep_hours=rng.choice([5, 6, 7, 8]), stress=rng.randint(0, 10),
                trigger_ids=rng.sample(["t0", "t1", "t2", "t3"], rng.randint(0, 2)),
            )
        )  # fmt: skip
        day += timedelta(days=1)
    Checkin.objects.bulk_create(rows, batch_size=500)
    for day in lapse_days:
        services.lapse_record(user=person, first=day, reflection=services.Reflection(what_happened="A hard week."))
    session = SessionStore()
    session[SESSION_KEY] = str(person.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = person.get_session_auth_hash()
    session.create()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    today = {
        "sessionid": session.session_key,
        "checkins": len(rows),
        "first_day": start.isoformat(),
        "lapse_days": len(lapse_days),
    }
    log(f"the Today person: {len(rows)} check-ins since {start}, in {time.monotonic() - started:.0f} s")
    out.write_text(json.dumps({"people": tokens, "today": today}), encoding="utf-8")


# --- Main ----------------------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--people", type=int, default=8000, help="people with a token (two check-ins each)")
    parser.add_argument("--seconds", type=float, default=6.0, help="length of each load phase")
    parser.add_argument("--rounds", type=int, default=3, help="healthz/check-in rounds per database")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2, help="uvicorn workers (default: cores)")
    parser.add_argument("--today-requests", type=int, default=300)
    parser.add_argument("--profile", metavar="DIR", help="record the workers with py-spy into DIR")
    parser.add_argument("--quick", action="store_true", help="a short run, for trying it out")
    parser.add_argument("--out", default=str(RESULTS), help="where to write the figures")
    parser.add_argument("--code", metavar="DIR", help="serve the code of another checkout (before/after)")
    parser.add_argument("--prepare", metavar="FILE", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.prepare:
        prepare(Path(args.prepare), args.people)
        return 0
    if args.code:
        global CODE
        CODE = Path(args.code).resolve()
    if args.quick:
        args.people, args.seconds, args.rounds, args.today_requests = 3000, 3.0, 1, 100
    databases = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    results: dict[str, Any] = {
        "command": "bench/bench_checkins.py " + " ".join(sys.argv[1:]),
        "code": str(CODE),
        "machine": {"cpus": os.cpu_count(), "load_at_start": load_average()},
        "setup": {
            "workers": args.workers,
            "connections": CONNECTIONS,
            "people": args.people,
            "seconds_per_phase": args.seconds,
            "rounds": args.rounds,
            "server": "uvicorn --workers N --no-access-log --no-proxy-headers, DEBUG off, Redis db 8 cache",
        },
        "budget": BUDGET,
    }
    code = 0
    for db in databases:
        try:
            results[db] = run_database(db, args)
        except Exception as exc:
            log(f"{db}: failed: {exc!r}")
            results[db] = {"error": repr(exc)}
            code = 1
    results["machine"]["load_at_end"] = load_average()
    for db in databases:
        figures = results[db]
        if "throughput" not in figures:
            continue
        t, at = figures["throughput"], figures["at_budget_rate"]
        verdicts = {
            "checkins_per_s": t["checkins_per_s"] >= BUDGET["checkins_per_s"],
            "p99_at_budget_rate": at["latency"].get("p99_ms", math.inf) <= BUDGET["p99_ms"],
            "share_of_healthz": t["checkins_share_of_healthz"] >= BUDGET["share_of_healthz"],
        }
        figures["within_budget"] = verdicts
        print(
            f"{db}: {t['checkins_per_s']} check-ins/s ({t['checkins_share_of_healthz']:.0%} of /healthz's "
            f"{t['healthz_per_s']}/s); at {BUDGET['checkins_per_s']}/s p50 {at['latency'].get('p50_ms')} ms, "
            f"p99 {at['latency'].get('p99_ms')} ms; Today page p99 {figures['today_page']['latency'].get('p99_ms')} ms; "
            f"load {figures['load_before']} → {figures['load_after']}; within budget: {verdicts}"
        )
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2), encoding="utf-8")
    print(f"wrote {out}")
    return code


if __name__ == "__main__":
    sys.exit(main())
