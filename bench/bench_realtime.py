"""Realtime benchmark: group chat fan-out on the scaled-out topology (ops/topology.py:
nginx + 2 uvicorn workers + PostgreSQL + own Redis + task consumer, on loopback).

- **Fan-out latency**: 500 connected clients (sockets through nginx, spread over both
  workers) in 50 groups of 10; a member sends a message over their socket, and the time
  until *every* member of the group (the sender included) has it is measured, at a steady
  open-loop rate. p50/p99 of that, and of single deliveries.
- **Sustained messages/s**: offered rates in steps (5, 10, 20, ... a second, 10 s each);
  a step is sustained when every message reached every member and the fan-out p99 stayed
  under 1 s (no queue building up); the highest step within the 100 ms budget is given too.
  CPU milliseconds per message of each component come with every phase: unlike latency,
  they hardly depend on how busy the (shared) machine is, whose load average is recorded.
- **Reconnect with backfill after a worker kill**: worker 0 is SIGKILLed while messages
  flow; its clients reconnect through nginx (to worker 1) with ``?after=<last>`` and catch
  up from the database. Time from the kill to each client's ``group.ready``, and until
  every client has every message.

Clients behave as docs/realtime.md says (ops/wsclient.py: backoff 1 s doubling to 30 s,
``sync`` every 25 s). The load comes from this process (one asyncio loop, uvloop when
installed), a separate process from the servers; ``--profile PY_SPY`` records the workers'
threads during the latency phase and says where their time goes. Prints figures and writes bench/results/realtime.json. Nothing
here asserts on time. ``--quick`` runs a shorter version (for trying it out).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import platform
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ops.fixtures import make_groups, make_people  # noqa: E402
from ops.topology import Topology, sigterm_as_exit  # noqa: E402
from ops.wsclient import GroupClient, Target, gather_bounded, wait_until  # noqa: E402

COMMAND = ".venv/bin/python bench/bench_realtime.py  (also run by make bench)"


def _percentiles(samples: list[float]) -> dict[str, float | int]:
    if not samples:
        return {"n": 0}
    ordered = sorted(samples)

    def pick(q: float) -> float:
        return round(ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))] * 1000, 1)  # nearest rank

    return {
        "n": len(ordered),
        "p50_ms": round(statistics.median(ordered) * 1000, 1),
        "p90_ms": pick(0.90),
        "p99_ms": pick(0.99),
        "max_ms": round(ordered[-1] * 1000, 1),
    }


PROFILE_RATE = 250  # samples a second
# A main-thread sample is idle when uvloop (C, shown as Runner.run) or a selector waits.
MAIN_IDLE_LEAVES = ("Runner.run", "select", "poll")
# Frames worth naming in the sync thread (Channels runs every database_sync_to_async call
# of a process in this one thread): the app's own, and connecting to the database.
NAMED = ("waypoint/", "get_new_connection", "close_old_connections", "Atomic.__exit__", "Condition.wait")


def _frame_name(frame: str) -> str:
    # py-spy raw frames: "function (path/to/file.py:line)"; keep function, short path, line.
    name, _, where = frame.partition(" (")
    where = where.rstrip(")")
    for marker in ("site-packages/", "/work/main/", "python3.11/"):
        if marker in where:
            where = where.split(marker, 1)[1]
    return f"{name} ({where})"


def profile_digest(path: Path, *, top: int = 20) -> dict[str, Any]:
    """Reads py-spy's raw output ("thread;frame;...;frame count" per line, --threads --idle)
    and says how busy the event loop was, how much of the time the sync thread spent
    handling frames, and in which of the app's lines (inclusive, in seconds)."""
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return {"error": f"no profile at {path}"}
    main_total = main_busy = sync_total = in_handler = 0
    named: Counter[str] = Counter()
    for line in lines:
        stack, _, count_text = line.rpartition(" ")
        if not count_text.isdigit():
            continue
        count = int(count_text)
        thread, *frames = stack.split(";")
        if "MainThread" in thread:
            main_total += count
            if frames and not any(idle in frames[-1] for idle in MAIN_IDLE_LEAVES):
                main_busy += count
            continue
        sync_total += count
        if not any("DatabaseSyncToAsync.thread_handler" in f for f in frames):
            continue
        in_handler += count
        for name in {_frame_name(f) for f in frames if any(k in f for k in NAMED)}:
            named[name] += count
    return {
        "event_loop_busy_share": round(main_busy / max(main_total, 1), 3),
        "sync_thread_handling_share": round(in_handler / max(sync_total, 1), 3),
        "sync_thread_handling_s": round(in_handler / PROFILE_RATE, 2),
        "inside_handling_inclusive": [
            f"{n / PROFILE_RATE:6.2f} s {100 * n / max(in_handler, 1):5.1f}% {name}"
            for name, n in named.most_common(top)
        ],
        "raw": str(path),
    }


def _cpu_seconds(pid: int | None) -> float:
    """User + system CPU of a process and its children still running (nginx's workers)."""
    if pid is None:
        return 0.0
    total = 0.0
    ticks = os.sysconf("SC_CLK_TCK")
    pids = [pid]
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            pids += [int(p) for p in (task / "children").read_text().split()]
    except OSError:
        pass
    for one in pids:
        try:
            fields = Path(f"/proc/{one}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / ticks  # utime, stime
    return total


class Bench:
    def __init__(self, topo: Topology, args: argparse.Namespace) -> None:
        self.topo = topo
        self.args = args
        self.rng = random.Random(7)
        self.clients: list[GroupClient] = []
        self.groups: list[list[GroupClient]] = []
        self.group_ids: list[int] = []
        self.tasks: list[asyncio.Task[None]] = []
        # key -> (send time, group index); key -> {client index: first arrival}
        self.sent_at: dict[str, tuple[float, int]] = {}
        self.arrivals: dict[str, dict[int, float]] = {}
        self.index_of: dict[int, int] = {}
        self.not_sent = 0
        self.counter = 0
        self.results: dict[str, Any] = {}

    def log(self, message: str) -> None:
        self.topo.log(message)

    def cpu(self) -> dict[str, float]:
        """CPU seconds used so far by the workers, nginx, Redis and this load generator
        (PostgreSQL's are not counted: its backends come and go with each request)."""
        own = resource.getrusage(resource.RUSAGE_SELF)
        return {
            "workers": sum(_cpu_seconds(w.pid) for w in self.topo.workers),
            "nginx": _cpu_seconds(self.topo.nginx.pid),
            "redis": _cpu_seconds(self.topo.redis.pid),
            "load_generator": own.ru_utime + own.ru_stime,
        }

    def cpu_per_message(self, before: dict[str, float], messages: int) -> dict[str, float]:
        """CPU milliseconds per message (each to 10 members) by component: unlike latency,
        this hardly depends on how busy the shared machine is."""
        after = self.cpu()
        return {name: round(1000 * (after[name] - before[name]) / max(messages, 1), 1) for name in after}

    def _on_message(self, client: GroupClient, event: dict[str, Any], now: float) -> None:
        text = event.get("text") or ""
        if text.startswith("bench "):
            self.arrivals.setdefault(text[6:], {})[self.index_of[id(client)]] = now

    async def setup(self) -> None:
        a = self.args
        started = time.monotonic()
        people = await asyncio.to_thread(make_people, self.topo, a.clients, prefix="bench", sessions=True)
        per = a.clients // a.groups
        circles = [people[g * per : (g + 1) * per] for g in range(a.groups)]
        self.group_ids = await asyncio.to_thread(make_groups, self.topo, circles)
        self.log(f"{len(people)} people in {len(self.group_ids)} groups made in {time.monotonic() - started:.1f} s")
        nginx = Target(self.topo.ws_url, None)
        for g, (group_id, circle) in enumerate(zip(self.group_ids, circles, strict=True)):
            members = []
            for person in circle:
                client = GroupClient(
                    f"g{g}-{person.username}",
                    person,
                    nginx,
                    group_id,
                    heartbeat=self.args.heartbeat,
                    on_message=self._on_message,
                )
                self.index_of[id(client)] = len(self.clients)
                self.clients.append(client)
                members.append(client)
            self.groups.append(members)
        loop = asyncio.get_running_loop()
        started = time.monotonic()

        async def start(client: GroupClient) -> None:
            self.tasks.append(loop.create_task(client.run(self.topo)))
            await asyncio.wait_for(client.ready.wait(), 60)

        await gather_bounded([start(c) for c in self.clients], limit=50)
        landed = Counter(c.worker for c in self.clients)
        self.results["connect_all_s"] = round(time.monotonic() - started, 2)
        self.results["sockets_by_worker"] = {f"worker{k}": v for k, v in sorted(landed.items(), key=str)}
        self.log(
            f"{len(self.clients)} sockets caught up in {self.results['connect_all_s']} s; by worker {dict(landed)}"
        )

    async def _send_one(self, key: str) -> None:
        g = self.rng.randrange(len(self.groups))
        sender = self.rng.choice(self.groups[g])
        socket = sender.socket
        if socket is None or not sender.ready.is_set():
            self.not_sent += 1
            return
        self.sent_at[key] = (time.monotonic(), g)
        try:
            await socket.send(json.dumps({"type": "send", "text": f"bench {key}", "ref": key}))
        except Exception:
            self.sent_at.pop(key, None)
            self.not_sent += 1

    async def offer(self, rate: float, seconds: float, label: str) -> list[str]:
        """Sends `rate` messages a second for `seconds` (open loop); returns their keys."""
        keys = []
        interval = 1.0 / rate
        started = time.monotonic()
        n = 0
        while True:
            due = started + n * interval
            now = time.monotonic()
            if due - started >= seconds:
                break
            if due > now:
                await asyncio.sleep(due - now)
            self.counter += 1
            key = f"{label}-{self.counter}"
            keys.append(key)
            await self._send_one(key)
            n += 1
        return keys

    def _complete(self, key: str) -> bool:
        if key not in self.sent_at:
            return True
        return len(self.arrivals.get(key, {})) >= len(self.groups[self.sent_at[key][1]])

    def figures(self, keys: list[str]) -> dict[str, Any]:
        fanout: list[float] = []
        single: list[float] = []
        incomplete = 0
        for key in keys:
            if key not in self.sent_at:
                continue
            at, g = self.sent_at[key]
            got = self.arrivals.get(key, {})
            single.extend(t - at for t in got.values())
            if len(got) >= len(self.groups[g]):
                fanout.append(max(got.values()) - at)
            else:
                incomplete += 1
        return {
            "messages": len(keys),
            "fan_out_to_all_members": _percentiles(fanout),
            "single_delivery": _percentiles(single),
            "incomplete": incomplete,
        }

    async def drain(self, keys: list[str], timeout: float) -> None:
        await wait_until(lambda: all(self._complete(k) for k in keys), timeout=timeout, step=0.1)

    async def latency(self) -> None:
        a = self.args
        await self.drain(await self.offer(10, 2, "warm"), 10)
        profilers = self._start_profilers(a.seconds)
        cpu = self.cpu()
        started = time.monotonic()
        keys = await self.offer(a.rate, a.seconds, "lat")
        elapsed = time.monotonic() - started
        await self.drain(keys, 15)
        self.results["fan_out"] = {
            "offered_msgs_per_s": a.rate,
            "seconds": round(elapsed, 1),
            "deliveries_per_s": round(a.rate * len(self.clients) / len(self.groups), 0),
            **self.figures(keys),
            "cpu_ms_per_message": self.cpu_per_message(cpu, len(keys)),
        }
        self.log(f"fan-out at {a.rate}/s: {self.results['fan_out']['fan_out_to_all_members']}")
        if profilers:
            self.results["profile"] = await asyncio.to_thread(self._profile_summary, profilers)

    def _start_profilers(self, seconds: float) -> list[tuple[int, subprocess.Popen[bytes], Path]]:
        """py-spy on each worker for the latency phase (raw collapsed stacks, idle included)."""
        if not self.args.profile:
            return []
        folder = Path(tempfile.mkdtemp(prefix="bench-realtime-profile-"))
        started = []
        for index, worker in enumerate(self.topo.workers):
            out = folder / f"worker{index}.txt"
            # Wall time of every thread, waiting or not, without pausing the process (where
            # a message's latency goes); the CPU cost is measured apart (cpu_ms_per_message).
            command = [self.args.profile, "record", "--pid", str(worker.pid), "--duration", str(int(seconds)),
                       "--rate", str(PROFILE_RATE), "--format", "raw", "--threads", "--idle", "--nonblocking",
                       "-o", str(out)]  # fmt: skip
            with (folder / f"worker{index}.log").open("wb") as log:
                started.append((index, subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT), out))
        self.log(f"py-spy recording the workers into {folder}")
        return started

    def _profile_summary(self, profilers: list[tuple[int, subprocess.Popen[bytes], Path]]) -> dict[str, Any]:
        """Where each worker's samples went: by thread, and the top frames (self and total)
        of the busy samples, with the folder of the raw stacks for a flame graph."""
        summary: dict[str, Any] = {}
        for index, process, out in profilers:
            process.wait(timeout=120)
            summary[f"worker{index}"] = profile_digest(out)
        return summary

    async def throughput(self) -> None:
        steps = []
        sustained = within_budget = 0.0
        for rate in self.args.steps:
            cpu = self.cpu()
            started = time.monotonic()
            keys = await self.offer(rate, self.args.step_seconds, f"r{rate}")
            sent = time.monotonic() - started
            await self.drain(keys, 20)
            drained = time.monotonic() - started
            figures = self.figures(keys)
            p99 = figures["fan_out_to_all_members"].get("p99_ms")
            ok = figures["incomplete"] == 0 and p99 is not None and p99 < 1000
            steps.append(
                {
                    "offered_msgs_per_s": rate,
                    # Messages over the time until the last one had reached every member.
                    "achieved_msgs_per_s": round(len(keys) / drained, 1),
                    "send_s": round(sent, 1),
                    "all_delivered_after_s": round(drained, 1),
                    "sustained": ok,
                    **figures,
                    "cpu_ms_per_message": self.cpu_per_message(cpu, len(keys)),
                }
            )
            self.log(f"step {rate}/s: p99 {p99} ms, incomplete {figures['incomplete']}, sustained {ok}")
            if not ok:
                break
            sustained = rate
            if p99 is not None and p99 <= 100:
                within_budget = rate
        self.results["throughput_steps"] = steps
        self.results["sustained_msgs_per_s"] = sustained
        # The highest step whose fan-out p99 met the budget (100 ms); 0 when none did.
        self.results["within_budget_msgs_per_s"] = within_budget

    async def worker_kill(self) -> None:
        """SIGKILL worker 0 while messages flow (at half the sustained rate, at least 2/s, at
        most 20/s, so that a saturated system does not hide the reconnect); its clients
        reconnect through nginx, to worker 1, and catch up from the database."""
        rate = min(20.0, max(2.0, float(self.results.get("sustained_msgs_per_s") or 0) / 2))
        await asyncio.sleep(5)  # let the previous phase's backlog clear
        victims = [c for c in self.clients if c.worker == 0]
        before = {id(c): c.connects for c in victims}
        flow = asyncio.get_running_loop().create_task(self.offer(rate, 12, "kill"))
        await asyncio.sleep(3)
        killed_at = time.monotonic()
        self.topo.kill_worker(0)
        back = await wait_until(
            lambda: all(c.connects > before[id(c)] and c.ready.is_set() for c in victims), timeout=120, step=0.02
        )
        keys = await flow
        await self.drain(keys, 20)
        all_caught_up = time.monotonic() - killed_at
        from_kill, noticed, from_close = [], [], []
        for client in victims:
            closed = next((t for t in client.close_times if t >= killed_at), None)
            ready = next((t for t in client.ready_times if closed is not None and t >= closed), None)
            if closed is not None:
                noticed.append(closed - killed_at)
            if closed is not None and ready is not None:
                from_kill.append(ready - killed_at)
                from_close.append(ready - closed)
        self.results["worker_kill"] = {
            "msgs_per_s_meanwhile": rate,
            "clients_on_killed_worker": len(victims),
            "all_reconnected": back,
            # From the SIGKILL to the client's group.ready on its new socket (caught up).
            "reconnect_with_backfill_from_kill": _percentiles(from_kill),
            # From the SIGKILL to the client seeing its socket closed (nginx closes it).
            "close_seen_after_kill": _percentiles(noticed),
            # From the client noticing its socket closed to that group.ready.
            "reconnect_with_backfill_from_close": _percentiles(from_close),
            "kill_to_every_message_everywhere_s": round(all_caught_up, 2),
            "messages_during": self.figures(keys),
            "client_backoff": "docs/realtime.md's: first retry within 1 s, then 1 s doubling to 30 s, with jitter; "
            "handshake timeout 10 s",
        }
        self.log(f"worker kill: {self.results['worker_kill']['reconnect_with_backfill_from_kill']}")
        started = time.monotonic()
        self.topo.start_worker(0, wait=False)
        await asyncio.to_thread(self.topo.wait_worker, 0, timeout=90)
        self.results["worker_kill"]["worker_restart_s"] = round(time.monotonic() - started, 2)

    async def run(self) -> dict[str, Any]:
        try:
            await self.setup()
            if "latency" in self.args.phases:
                await self.latency()
            if "throughput" in self.args.phases:
                await self.throughput()
            if "kill" in self.args.phases:
                await self.worker_kill()
        finally:
            for client in self.clients:
                await client.stop()
            for task in self.tasks:
                task.cancel()
            await asyncio.gather(*self.tasks, return_exceptions=True)
        self.results["not_sent_socket_down"] = self.not_sent
        self.results["client_errors"] = dict(Counter(e.get("code") for c in self.clients for e in c.errors))
        return self.results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=500)
    parser.add_argument("--groups", type=int, default=50)
    parser.add_argument("--rate", type=float, default=5.0, help="messages/s for the latency figures")
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--steps", type=float, nargs="+", default=[5, 10, 20, 40, 80, 160, 320])
    parser.add_argument("--workers", type=int, default=2, help="uvicorn worker processes")
    parser.add_argument("--heartbeat", type=float, default=25.0, help="seconds between a client's sync (docs: 25)")
    parser.add_argument("--step-seconds", type=float, default=10.0)
    parser.add_argument("--quick", action="store_true", help="100 clients in 10 groups, short phases")
    parser.add_argument("--phases", nargs="+", default=["latency", "throughput", "kill"])
    parser.add_argument(
        "--profile",
        metavar="PY_SPY",
        help="path of a py-spy binary: record both workers during the latency phase (needs root or ptrace rights)",
    )
    parser.add_argument("--budget", type=float, default=600.0)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "realtime.json")
    args = parser.parse_args()
    if args.quick:
        args.clients, args.groups, args.seconds, args.steps, args.step_seconds = 100, 10, 5.0, [5, 10, 20], 5.0
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(soft, 8192)), hard))
    sigterm_as_exit()
    try:
        import uvloop

        runner: Any = uvloop.run
        loop_name = "uvloop"
    except ImportError:  # pragma: no cover
        runner, loop_name = asyncio.run, "asyncio"
    started = time.monotonic()
    load_before = os.getloadavg()
    # Rate limits are per person per minute; a benchmark person sends far more than a person would.
    with Topology(workers=args.workers, extra_env={"GROUPS_WRITES_PER_MINUTE": "100000"}) as topo:
        bench = Bench(topo, args)
        try:
            figures = runner(asyncio.wait_for(bench.run(), timeout=args.budget))
        except TimeoutError:
            figures = bench.results
            figures["error"] = f"stopped after the budget of {args.budget:.0f} s"
        dead = topo.dead_services()
    results = {
        "command": COMMAND,
        "machine": f"{os.cpu_count()} cores, {platform.python_implementation()} {platform.python_version()}",
        "topology": f"nginx -> {args.workers} uvicorn workers (waypoint.asgi), PostgreSQL, own redis-server, "
        "huey consumer; loopback",
        # The machine is shared: its load average (1 min) says how much of its 2 cores the run had.
        "load_average_before_after": [round(load_before[0], 1), round(os.getloadavg()[0], 1)],
        "load": f"{args.clients} sockets through nginx in {args.groups} groups, one {loop_name} process; "
        f"each client syncs every {args.heartbeat:g} s",
        "budget": "fan-out p99 <= 100 ms",
        **figures,
        "services_died": dead,
        "total_s": round(time.monotonic() - started, 1),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2), encoding="utf-8")
    print(json.dumps(results, indent=2))
    return 1 if "error" in results else 0


if __name__ == "__main__":
    sys.exit(main())
