"""`make fault-test`: faults while writes are in flight, on the scaled-out topology, then a count.

On ops/topology.py (nginx + 2 uvicorn workers + PostgreSQL + own Redis + task consumer),
while people write:

- **journal entries** (``POST /api/v1/me/journal`` with a personal access token, sent once,
  never again: a write without an idempotency key is not retried);
- **one check-in each** (``POST /api/v1/me/checkins``, sent again with the same
  ``client_id`` until it gets a success answer, as the installable app does);
- **group messages** on sockets through nginx (sent again with the same ``ref`` until
  acknowledged, docs/realtime.md);

and people whose check-in **reminder** falls due during the run (by e-mail, to an SMTP sink
on loopback), these faults strike, each while writes are in flight:

1. a web worker is SIGKILLed (and started again);
2. Redis is killed and started again, empty;
3. PostgreSQL is restarted — **the machine's own server**, which every engineer's tests on
   this machine use: only with ``--allow-postgres-restart`` (CI passes it; it runs alone).
   The script refuses to run unless that flag or ``--no-postgres-restart`` says which;
4. the task queue is filled with thousands of tasks.

Then it counts, and fails unless: every write that got a success answer is in the database
(exactly once); every acknowledged chat message is in the database once and on every
socket; every due reminder was sent exactly once; the queue drained; no service died on
its own. Writes that got an error or no answer are reported too (in doubt: found or not).

Bounded: every step has a time-out and the whole run stops after ``--budget`` seconds.

    .venv/bin/python ops/faults.py --no-postgres-restart --report bench/results/faults.json
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import json
import re
import shutil
import socketserver
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402

from ops.fixtures import Person, group_truth, make_groups, make_people  # noqa: E402
from ops.load import LOAD_ENV, percentile, prepare_people, shell_output  # noqa: E402
from ops.topology import POSTGRES_ADMIN_URL, Topology, TopologyError, sigterm_as_exit  # noqa: E402
from ops.wsclient import GroupClient, Target, wait_until  # noqa: E402

METRICS_TOKEN = "fault-test-metrics-token-0123456789"  # noqa: S105 - a throwaway topology's


# --- An SMTP sink on loopback: every reminder e-mail lands here ----------------------------------


class _SmtpHandler(socketserver.StreamRequestHandler):
    """Just enough SMTP for Django's backend: EHLO, MAIL, RCPT, DATA, RSET, NOOP, QUIT."""

    def handle(self) -> None:
        server: SmtpSink = self.server  # type: ignore[assignment]
        self.wfile.write(b"220 sink ESMTP\r\n")
        recipients: list[str] = []
        while True:
            line = self.rfile.readline()
            if not line:
                return
            verb = line[:4].upper()
            if verb in (b"EHLO", b"HELO"):
                self.wfile.write(b"250 sink\r\n")
            elif verb == b"MAIL":
                recipients = []
                self.wfile.write(b"250 ok\r\n")
            elif verb == b"RCPT":
                match = re.search(rb"<([^>]*)>", line)
                recipients.append(match.group(1).decode() if match else "")
                self.wfile.write(b"250 ok\r\n")
            elif verb == b"DATA":
                self.wfile.write(b"354 go on\r\n")
                body = []
                while True:
                    part = self.rfile.readline()
                    if not part or part == b".\r\n":
                        break
                    body.append(part)
                server.received(recipients, b"".join(body))
                self.wfile.write(b"250 queued\r\n")
            elif verb == b"QUIT":
                self.wfile.write(b"221 bye\r\n")
                return
            else:  # RSET, NOOP, anything else
                self.wfile.write(b"250 ok\r\n")


class SmtpSink(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _SmtpHandler)
        self.lock = threading.Lock()
        self.messages: list[tuple[list[str], bytes, float]] = []
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)

    @property
    def port(self) -> int:
        return int(self.server_address[1])

    def received(self, recipients: list[str], body: bytes) -> None:
        with self.lock:
            self.messages.append((recipients, body, time.time()))

    def per_recipient(self) -> Counter[str]:
        with self.lock:
            return Counter(r for recipients, _body, _at in self.messages for r in recipients)

    def __enter__(self) -> SmtpSink:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()
        self.server_close()


# --- Restarting the machine's PostgreSQL (only when allowed) -------------------------------------


def postgres_restart_hook(log: Any) -> Any:
    """A hook for Topology that restarts the local cluster and waits until it answers."""
    if "127.0.0.1:5432" not in POSTGRES_ADMIN_URL and "localhost:5432" not in POSTGRES_ADMIN_URL:
        raise TopologyError(
            f"refusing to restart PostgreSQL: the topology uses {POSTGRES_ADMIN_URL}, not this machine's"
        )
    versions = sorted(p.name for p in Path("/etc/postgresql").iterdir()) if Path("/etc/postgresql").is_dir() else []
    tool = shutil.which("pg_ctlcluster")
    if len(versions) != 1 or tool is None:
        raise TopologyError(f"cannot tell which cluster to restart (versions {versions}, pg_ctlcluster {tool})")

    def restart(topo: Topology) -> None:
        started = time.monotonic()
        subprocess.run(  # noqa: S603 - our own command, no shell
            [tool, "--skip-systemctl-redirect", versions[0], "main", "restart"], check=True, timeout=60
        )
        ready = shutil.which("pg_isready") or "pg_isready"
        deadline = time.monotonic() + 60
        while subprocess.run([ready, "-h", "127.0.0.1", "-p", "5432", "-q"], check=False).returncode != 0:  # noqa: S603
            if time.monotonic() > deadline:
                raise TopologyError("PostgreSQL did not come back within 60 s")
            time.sleep(0.2)
        log(f"postgres: restarted, answering again after {time.monotonic() - started:.1f} s")

    return restart


# --- Set-up ----------------------------------------------------------------------------------------

# Reminder people: e-mail reminders to check in, each due at its own moment of the run.
_REMINDERS = """
import datetime as dt, json, sys
from django.contrib.auth import get_user_model
from django.utils import timezone
from waypoint.reminders.models import Reminder
from waypoint.reminders.services import reminder_settings_save
args = json.load(sys.stdin)
rows = {}
for user_id, due in args["due"].items():
    user = get_user_model().objects.get(pk=int(user_id))
    at = dt.datetime.fromisoformat(due).time()
    reminder_settings_save(user=user, channel="email", wording="discreet", email=f"{user.username}@example.org",
                           quiet_start=None, quiet_end=None, language="en", checkin_at=at)
    row = Reminder.objects.get(user=user, kind="checkin")
    rows[user.username] = row.next_send_at.isoformat() if row.next_send_at else None
print("REMINDERS=" + json.dumps(rows))
"""

_REMINDER_STATE = """
import json, sys
from waypoint.reminders.models import Reminder
args = json.load(sys.stdin)
rows = Reminder.objects.filter(user__username__in=args["names"], kind="checkin").select_related("user")
print("STATE=" + json.dumps({r.user.username: {"next": r.next_send_at.isoformat() if r.next_send_at else None,
      "last_sent": r.last_sent_at.isoformat() if r.last_sent_at else None} for r in rows}))
"""

# What the database holds of the writers' journals and check-ins (decrypted here).
_WRITES = """
import json, sys
from collections import Counter
from waypoint.journal.models import JournalEntry
from waypoint.recovery.models import Checkin
args = json.load(sys.stdin)
texts = Counter(e.text for e in JournalEntry.objects.filter(user_id__in=args["ids"]).select_related("user"))
checkins = {str(c.client_id): c.mood for c in Checkin.objects.filter(user_id__in=args["ids"])}
print("WRITES=" + json.dumps({"journal": texts, "checkins": checkins}))
"""

# Fill the queue: thousands of probe tasks at once, through huey itself.
_FLOOD = """
import json, sys, time
from huey.contrib.djhuey import HUEY
from waypoint.core.tasks import queue_probe
args = json.load(sys.stdin)
started = time.monotonic()
for _ in range(args["count"]):
    queue_probe(time.time())
print("FLOOD=" + json.dumps({"enqueued": args["count"], "seconds": round(time.monotonic() - started, 1),
                             "pending": HUEY.pending_count()}))
"""


@dataclass
class Write:
    kind: str  # "journal" or "checkin"
    person: int  # user id
    key: str  # the journal text, or the check-in's client_id
    outcome: str = "pending"  # "acknowledged", "error: HTTP 502", "no answer: ReadError"
    tries: int = 0
    seconds: float = 0.0
    during: str = ""  # the fault under way when it was sent


@dataclass
class Run:
    topo: Topology
    writers: list[Person]
    tokens: dict[int, str]
    chatters: list[GroupClient]
    group_id: int
    reminder_people: list[Person]
    sink: SmtpSink
    writes: list[Write] = field(default_factory=list)
    chat_sent: dict[str, str] = field(default_factory=dict)  # ref -> text, once acknowledged
    chat_tries: int = 0
    phase: str = "steady"
    stop: asyncio.Event = field(default_factory=asyncio.Event)
    marks: dict[str, float] = field(default_factory=dict)
    queue: dict[str, Any] = field(default_factory=dict)
    pending_seen: list[tuple[float, float]] = field(default_factory=list)
    lag_seen: list[float] = field(default_factory=list)

    def log(self, message: str) -> None:
        self.topo.log(message)


def setup(
    topo: Topology, sink: SmtpSink, args: argparse.Namespace
) -> tuple[list[Person], dict[int, str], int, list[Person], list[Person], dict[str, str]]:
    started = time.monotonic()
    people = make_people(topo, args.writers + args.chatters + args.reminders, prefix="fault", sessions=True)
    writers = people[: args.writers]
    chatters = people[args.writers : args.writers + args.chatters]
    reminder_people = people[args.writers + args.chatters :]
    tokens = prepare_people(topo, writers)
    prepare_people(topo, reminder_people)  # a check-in reminder needs a recovery profile
    (group_id,) = make_groups(topo, [chatters])
    # Due times spread over the faults (each a little later than the one before, whole
    # seconds): every one must go out exactly once, whatever is failing when it falls due.
    now = dt.datetime.now(tz=dt.UTC)
    due = {
        str(p.user_id): (now + dt.timedelta(seconds=args.reminder_start + i * args.reminder_step))
        .replace(microsecond=0)
        .isoformat()
        for i, p in enumerate(reminder_people)
    }
    scheduled = shell_output(topo, _REMINDERS, "REMINDERS", {"due": due})
    topo.log(
        f"set-up: {len(writers)} writers, a group of {len(chatters)}, {len(reminder_people)} reminders due from "
        f"{min(scheduled.values())} to {max(scheduled.values())} ({time.monotonic() - started:.0f} s)"
    )
    return writers, tokens, group_id, chatters, reminder_people, scheduled


# --- The writers -----------------------------------------------------------------------------------


def _outcome(response: httpx.Response | None, error: Exception | None, ok: tuple[int, ...]) -> str:
    if error is not None or response is None:
        return f"no answer: {type(error).__name__}"
    return "acknowledged" if response.status_code in ok else f"error: HTTP {response.status_code}"


async def writer(run: Run, person: Person, pace: float) -> None:
    token = run.tokens[person.user_id]
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=run.topo.url, trust_env=False, timeout=20, headers=headers) as client:
        # One check-in, sent again with the same client_id until it is acknowledged.
        checkin = Write("checkin", person.user_id, str(uuid.uuid4()), during=run.phase)
        run.writes.append(checkin)
        body = {"client_id": checkin.key, "date": dt.datetime.now(tz=dt.UTC).date().isoformat(), "mood": 3}
        deadline = time.monotonic() + 120
        while checkin.outcome != "acknowledged" and time.monotonic() < deadline:
            checkin.tries += 1
            response, error = None, None
            try:
                response = await client.post("/api/v1/me/checkins", json=body)
            except httpx.HTTPError as exc:
                error = exc
            checkin.outcome = _outcome(response, error, (200, 201))
            if checkin.outcome != "acknowledged":
                await asyncio.sleep(0.5)
        # Journal entries, each sent once.
        number = 0
        while not run.stop.is_set():
            number += 1
            entry = Write("journal", person.user_id, f"Fault-test entry {person.user_id}-{number}.", during=run.phase)
            run.writes.append(entry)
            entry.tries = 1
            started = time.perf_counter()
            response, error = None, None
            try:
                response = await client.post("/api/v1/me/journal", json={"text": entry.key, "mood": 3})
            except httpx.HTTPError as exc:
                error = exc
            entry.seconds = time.perf_counter() - started
            entry.outcome = _outcome(response, error, (201,))
            await asyncio.sleep(pace)


async def chatter(run: Run, client: GroupClient, index: int, pace: float) -> None:
    line = 0
    while not run.stop.is_set():
        ref = f"fault-{index}-{line}"
        text = f"Member {index}, line {line}: still here."
        run.chat_tries += 1
        await client.send_text(text, ref, timeout=120)
        run.chat_sent[ref] = text
        line += 1
        await asyncio.sleep(pace)


async def watch_metrics(run: Run) -> None:
    """Reads /metrics from worker 1 every 2 s: the queue's depth and lag, for the report."""
    url = run.topo.worker_url(1) + "/metrics"
    async with httpx.AsyncClient(trust_env=False, timeout=5) as client:
        # Until the counting is done (the finally block cancels it): the writers' stop comes
        # first, and the queue's readings are still wanted while it drains.
        while run.phase != "done":
            with contextlib.suppress(httpx.HTTPError):
                text = (await client.get(url, headers={"Authorization": f"Bearer {METRICS_TOKEN}"})).text
                pending = re.search(r"^waypoint_task_queue_pending (\S+)$", text, re.M)
                lag = re.search(r"^waypoint_task_queue_lag_seconds (\S+)$", text, re.M)
                if pending:
                    run.pending_seen.append((time.monotonic(), float(pending.group(1))))
                if lag:
                    run.lag_seen.append(float(lag.group(1)))
            await asyncio.sleep(2)


# --- The faults ------------------------------------------------------------------------------------


async def faults(run: Run, args: argparse.Namespace) -> None:
    topo = run.topo
    start = time.monotonic()

    async def at(second: float) -> None:
        await asyncio.sleep(max(0.0, start + second - time.monotonic()))

    await at(args.fault_gap)
    run.phase = "worker-kill"
    run.marks["worker_killed"] = time.monotonic()
    await asyncio.to_thread(topo.kill_worker, 0)
    topo.start_worker(0, wait=False)
    await asyncio.to_thread(topo.wait_worker, 0, timeout=60)
    run.marks["worker_back"] = time.monotonic()
    run.phase = "steady"

    await at(2 * args.fault_gap)
    run.phase = "redis-restart"
    run.marks["redis_killed"] = time.monotonic()
    topo.kill_redis()
    await asyncio.sleep(1.0)
    topo.start_redis(wait=False)
    await asyncio.to_thread(topo.wait_redis, timeout=15)
    run.marks["redis_back"] = time.monotonic()
    run.phase = "steady"

    await at(3 * args.fault_gap)
    if args.allow_postgres_restart:
        run.phase = "postgres-restart"
        run.marks["postgres_restart"] = time.monotonic()
        await asyncio.to_thread(topo.restart_postgres)
        run.marks["postgres_back"] = time.monotonic()
        run.phase = "steady"
    else:
        run.log("postgres: not restarted (--no-postgres-restart)")

    await at(4 * args.fault_gap)
    run.phase = "queue-flood"
    run.marks["flood"] = time.monotonic()
    run.queue["flood"] = await asyncio.to_thread(shell_output, topo, _FLOOD, "FLOOD", {"count": args.flood})
    run.marks["flood_enqueued"] = time.monotonic()
    run.log(f"queue: {run.queue['flood']}")
    run.phase = "steady"


# --- Counting ----------------------------------------------------------------------------------------


async def count(run: Run, args: argparse.Namespace, reminders_due: dict[str, str]) -> dict[str, Any]:
    topo = run.topo
    # The queue drains (pending back to 0, read through the consumer's own storage).
    run.phase = "draining"
    enqueued_at = run.marks.get("flood_enqueued")
    # Emptied once after the whole flood was put in (it may empty before the writers have
    # stopped); periodic tasks (the minute's reminder tick) may be queued again right
    # after, so the newest sample need not be 0.
    drained = enqueued_at is not None and await wait_until(
        lambda: any(at > enqueued_at and pending == 0 for at, pending in run.pending_seen),
        timeout=args.drain_timeout, step=1,
    )  # fmt: skip
    run.queue["drained"] = drained
    if enqueued_at:
        # From the last task put in to the first reading of an empty queue (2 s readings).
        empty = next((at for at, pending in run.pending_seen if at > enqueued_at and pending == 0), None)
        run.queue["seconds_to_empty_after_enqueue"] = round(empty - enqueued_at, 1) if empty else None
    run.queue["max_pending_seen"] = max((p for _, p in run.pending_seen), default=0)
    run.queue["max_lag_seen_s"] = round(max(run.lag_seen, default=0.0), 1)

    # Reminders: every one due is sent, once (wait for the ticks after the last due time).
    names = [p.username for p in run.reminder_people]
    last_due = max(dt.datetime.fromisoformat(v) for v in reminders_due.values() if v)
    wait = max(0.0, (last_due - dt.datetime.now(tz=dt.UTC)).total_seconds()) + 75
    await wait_until(lambda: len(run.sink.per_recipient()) >= len(names), timeout=wait, step=1)
    received = run.sink.per_recipient()
    state = await asyncio.to_thread(shell_output, topo, _REMINDER_STATE, "STATE", {"names": names})
    sent_once = [n for n in names if received.get(f"{n}@example.org") == 1]
    twice = [n for n in names if received.get(f"{n}@example.org", 0) > 1]
    missing = [n for n in names if not received.get(f"{n}@example.org")]
    not_done = [n for n in names if not state.get(n, {}).get("last_sent")]

    # Writes: what got a success answer must be there, once.
    found = await asyncio.to_thread(shell_output, topo, _WRITES, "WRITES", {"ids": [p.user_id for p in run.writers]})
    journal = Counter(found["journal"])
    checkins = found["checkins"]
    by_outcome: dict[str, Counter[str]] = {"journal": Counter(), "checkin": Counter()}
    lost, doubled, in_doubt_found, in_doubt_missing = [], [], 0, 0
    for write in run.writes:
        by_outcome[write.kind][write.outcome.split(":")[0]] += 1
        present = journal.get(write.key, 0) if write.kind == "journal" else int(write.key in checkins)
        if write.outcome == "acknowledged":
            if present == 0:
                lost.append(f"{write.kind} {write.key} (sent during {write.during})")
            elif present > 1:
                doubled.append(write.key)
        elif present:
            in_doubt_found += 1
        else:
            in_doubt_missing += 1
    latencies = [w.seconds for w in run.writes if w.kind == "journal" and w.outcome == "acknowledged"]
    failed_by_phase = Counter(w.during for w in run.writes if w.outcome != "acknowledged")

    # Chat: every acknowledged message once in the database and on every socket.
    truth = await asyncio.to_thread(group_truth, topo, run.group_id)
    refs = Counter(row["ref"] for row in truth if row["ref"])
    numbers = {row["seq"] for row in truth if row["seq"] is not None}
    for client in run.chatters:
        with contextlib.suppress(Exception):
            await client.sync()
    await wait_until(lambda: all(set(c.messages) >= numbers for c in run.chatters), timeout=45)
    chat_missing_db = sorted(r for r in run.chat_sent if not refs.get(r))
    chat_twice = sorted(r for r, n in refs.items() if n > 1)
    deliveries = sum(len(numbers & set(c.messages)) for c in run.chatters)

    return {
        "faults": {
            "worker_kill_s": _span(run, "worker_killed", "worker_back"),
            "redis_down_s": _span(run, "redis_killed", "redis_back"),
            "postgres_restart_s": _span(run, "postgres_restart", "postgres_back")
            if args.allow_postgres_restart
            else "not done",
            "queue_flood": run.queue,
        },
        "writes": {
            "journal": dict(by_outcome["journal"]),
            "checkin": dict(by_outcome["checkin"]),
            "acknowledged": sum(1 for w in run.writes if w.outcome == "acknowledged"),
            "acknowledged_found": sum(1 for w in run.writes if w.outcome == "acknowledged") - len(lost),
            "acknowledged_lost": lost[:20],
            "acknowledged_saved_twice": doubled[:20],
            "not_acknowledged_but_saved": in_doubt_found,
            "not_acknowledged_not_saved": in_doubt_missing,
            "not_acknowledged_by_fault": dict(failed_by_phase),
            "checkin_retries": sum(w.tries - 1 for w in run.writes if w.kind == "checkin"),
            "journal_p50_ms": round(percentile(latencies, 50) * 1000, 1),
            "journal_p99_ms": round(percentile(latencies, 99) * 1000, 1),
        },
        "chat": {
            "sent_and_acknowledged": len(run.chat_sent),
            "sends_including_resends": run.chat_tries + sum(c.resends for c in run.chatters),
            "in_database": len(run.chat_sent) - len(chat_missing_db),
            "missing_in_database": chat_missing_db[:20],
            "saved_twice": chat_twice[:20],
            "deliveries_expected": len(numbers) * len(run.chatters),
            "deliveries_made": deliveries,
            "reconnects": sum(max(0, c.connects - 1) for c in run.chatters),
        },
        "reminders": {
            "due": len(names),
            "sent_once": len(sent_once),
            "sent_twice_or_more": twice,
            "not_sent": missing,
            "rows_not_marked_sent": not_done,
        },
        "dead_services": topo.dead_services(),
    }


def _span(run: Run, start: str, end: str) -> float | None:
    if start in run.marks and end in run.marks:
        return round(run.marks[end] - run.marks[start], 1)
    return None


def problems_of(report: dict[str, Any], args: argparse.Namespace) -> list[str]:
    problems = []
    writes, chat, reminders = report["writes"], report["chat"], report["reminders"]
    if writes["acknowledged_lost"]:
        problems.append(f"writes acknowledged but not in the database: {writes['acknowledged_lost']}")
    if writes["acknowledged_saved_twice"]:
        problems.append(f"writes saved twice: {writes['acknowledged_saved_twice']}")
    if writes["checkin"].get("acknowledged", 0) != args.writers:
        problems.append(f"check-ins never acknowledged: {writes['checkin']}")
    if writes["journal"].get("acknowledged", 0) == 0:
        problems.append("no journal entry was acknowledged at all")
    if chat["missing_in_database"] or chat["saved_twice"]:
        problems.append(f"chat: missing {chat['missing_in_database']}, twice {chat['saved_twice']}")
    if chat["deliveries_made"] != chat["deliveries_expected"]:
        problems.append(f"chat: {chat['deliveries_made']} of {chat['deliveries_expected']} deliveries")
    if reminders["sent_once"] != reminders["due"] or reminders["rows_not_marked_sent"]:
        problems.append(f"reminders: {reminders}")
    if not report["faults"]["queue_flood"].get("drained"):
        problems.append(f"the task queue did not drain: {report['faults']['queue_flood']}")
    for fault in ("worker_kill_s", "redis_down_s"):
        if report["faults"][fault] is None:
            problems.append(f"{fault}: the fault did not happen")
    if args.allow_postgres_restart and report["faults"]["postgres_restart_s"] is None:
        problems.append("PostgreSQL was not restarted")
    if report["dead_services"]:
        problems.append(f"services died on their own: {report['dead_services']}")
    return problems


async def scenario(topo: Topology, sink: SmtpSink, args: argparse.Namespace) -> dict[str, Any]:
    writers, tokens, group_id, chat_people, reminder_people, due = await asyncio.to_thread(setup, topo, sink, args)
    target = Target(topo.ws_url, None)
    clients = [
        GroupClient(f"chat{i}", person, target, group_id, heartbeat=5.0, gap_wait=1.0, backoff=(0.5, 4.0))
        for i, person in enumerate(chat_people)
    ]
    run = Run(topo, writers, tokens, clients, group_id, reminder_people, sink)
    loop = asyncio.get_running_loop()
    sockets = [loop.create_task(c.run(topo)) for c in clients]
    if not await wait_until(lambda: all(c.ready.is_set() for c in clients), timeout=30):
        raise TopologyError("the chat sockets did not open within 30 s")
    watcher = loop.create_task(watch_metrics(run))
    work = [loop.create_task(writer(run, p, args.pace)) for p in writers]
    work += [loop.create_task(chatter(run, c, i, args.pace * 2)) for i, c in enumerate(clients)]
    try:
        await faults(run, args)
        await asyncio.sleep(args.fault_gap)  # writes go on a while after the last fault
        run.stop.set()
        for result in await asyncio.wait_for(asyncio.gather(*work, return_exceptions=True), timeout=150):
            if isinstance(result, BaseException):
                raise TopologyError(f"a writer stopped: {type(result).__name__}: {result}")
        report = await count(run, args, due)
    finally:
        run.stop.set()
        run.phase = "done"
        watcher.cancel()
        for client in clients:
            await client.stop()
        for task in sockets:
            task.cancel()
        await asyncio.gather(watcher, *sockets, return_exceptions=True)
    return report


def print_report(report: dict[str, Any]) -> None:
    w, c, r, f = report["writes"], report["chat"], report["reminders"], report["faults"]
    print("\n=== faults ===")
    print(f"worker SIGKILL → serving again: {f['worker_kill_s']} s; Redis down: {f['redis_down_s']} s; "
          f"PostgreSQL restart: {f['postgres_restart_s']}{' s' if isinstance(f['postgres_restart_s'], float) else ''}")  # fmt: skip
    print(f"queue: {f['queue_flood']}")
    print("=== writes ===")
    print(f"journal entries: {w['journal']}; check-ins: {w['checkin']} (retries {w['checkin_retries']})")
    print(f"acknowledged {w['acknowledged']}, found {w['acknowledged_found']}, lost {len(w['acknowledged_lost'])}, "
          f"twice {len(w['acknowledged_saved_twice'])}; not acknowledged: {w['not_acknowledged_but_saved']} saved anyway, "
          f"{w['not_acknowledged_not_saved']} not saved; journal p50 {w['journal_p50_ms']} ms, p99 {w['journal_p99_ms']} ms")  # fmt: skip
    print("=== chat ===")
    print(f"sent and acknowledged {c['sent_and_acknowledged']} ({c['sends_including_resends']} sends with resends), "
          f"in the database {c['in_database']}, delivered {c['deliveries_made']}/{c['deliveries_expected']}, "
          f"reconnects {c['reconnects']}")  # fmt: skip
    print("=== reminders ===")
    print(
        f"due {r['due']}, sent exactly once {r['sent_once']}, twice {r['sent_twice_or_more']}, not sent {r['not_sent']}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    restart = parser.add_mutually_exclusive_group()
    restart.add_argument("--allow-postgres-restart", action="store_true",
                         help="restart this machine's PostgreSQL mid-run (every test on the machine notices)")  # fmt: skip
    restart.add_argument("--no-postgres-restart", action="store_true", help="leave PostgreSQL alone")
    parser.add_argument("--writers", type=int, default=12, help="people writing journal entries and a check-in")
    parser.add_argument("--chatters", type=int, default=4, help="group members talking on sockets")
    parser.add_argument("--reminders", type=int, default=6, help="people whose reminder falls due during the run")
    parser.add_argument("--reminder-start", type=float, default=15.0, help="seconds after set-up the first is due")
    parser.add_argument("--reminder-step", type=float, default=12.0, help="seconds between due times")
    parser.add_argument("--pace", type=float, default=0.4, help="seconds between one writer's writes")
    parser.add_argument("--fault-gap", type=float, default=12.0, help="seconds between faults")
    parser.add_argument("--flood", type=int, default=3000, help="tasks put in the queue at once")
    parser.add_argument("--drain-timeout", type=float, default=180.0)
    parser.add_argument("--budget", type=float, default=600.0, help="the whole run stops after this many seconds")
    parser.add_argument("--report", type=Path, help="also write the JSON report here")
    parser.add_argument("--keep", action="store_true", help="keep the topology's work dir (logs)")
    args = parser.parse_args(argv)
    if not (args.allow_postgres_restart or args.no_postgres_restart):
        parser.error(
            "this test restarts the machine's own PostgreSQL, which every test on this machine uses: say "
            "--allow-postgres-restart (CI, which runs alone) or --no-postgres-restart"
        )
    sigterm_as_exit()
    report: dict[str, Any] = {}
    problems: list[str] = []
    with SmtpSink() as sink:
        env = {
            **LOAD_ENV,
            "METRICS_TOKEN": METRICS_TOKEN,
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(sink.port),
            "DEFAULT_FROM_EMAIL": "waypoint@example.org",
        }
        with Topology(workers=2, keep=args.keep, extra_env=env) as topo:
            if args.allow_postgres_restart:
                topo.postgres_restart_hook = postgres_restart_hook(topo.log)
            try:
                report = asyncio.run(asyncio.wait_for(scenario(topo, sink, args), timeout=args.budget))
            except TimeoutError:
                problems.append(f"the run did not finish within its budget of {args.budget:.0f} s")
            except TopologyError as exc:
                problems.append(f"the run stopped: {exc}")
            if report:
                print_report(report)
                problems += problems_of(report, args)
            if problems:
                print("\n=== service logs (tails) ===\n" + topo.log_tails(40), flush=True)
    if args.report and report:
        args.report.parent.mkdir(parents=True, exist_ok=True)
        args.report.write_text(json.dumps({**report, "problems": problems}, indent=2, default=str), encoding="utf-8")
    for problem in problems:
        print(f"FAIL {problem}")
    print(f"fault-test: {'failed' if problems else 'passed'}")
    return 1 if problems else 0


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        sys.exit(main())
    sys.exit(130)
