"""`make scale-test`: a group conversation on the scaled-out topology, with faults.

Boots ops/topology.py (nginx + 2 uvicorn workers + PostgreSQL + own Redis + task
consumer), signs people in through the real sign-in form, puts them in one group, and
opens two sockets per person on ``/ws/groups/<id>/``: one through nginx (it lands on
either worker; nginx names which) and one straight to a worker (pinned, half on each).

1. **Across workers**: a message sent on a socket of worker 0 must reach every socket of
   worker 1 *live* (announced through Redis, not caught up from the database), and the
   other way round.
2. **Conversation with faults**: everyone talks (over sockets, through nginx and pinned,
   and through the group page's plain form); a quarter of the way in, worker 0 is
   SIGKILLed and started again; past halfway, Redis is killed and started again, empty.
   Clients behave as docs/realtime.md says: reconnect with backoff, catch up with
   ``?after=``, ``sync`` on a gap and as a heartbeat, send again with the same ``ref``
   until acknowledged.
3. **Checks**: the database holds each sent message exactly once (by its ``ref``), with
   gapless numbers; every socket ends with exactly the database's conversation — every
   message once, same numbers, same text — and each person's lines in the order they
   were sent. Exits 1 with a report otherwise (and the services' logs).

Bounded: the whole run stops after --budget seconds (default 240).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import random
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from ops.fixtures import Person, group_truth, make_groups, make_people  # noqa: E402
from ops.topology import Topology, TopologyError, sigterm_as_exit  # noqa: E402
from ops.wsclient import NGINX, GroupClient, Target, post_form, sign_in, wait_until  # noqa: E402


class BudgetSpent(Exception):
    """The run went over --budget."""


@dataclass
class Sent:
    ref: str
    text: str
    person: int
    line: int
    via: str  # "socket:nginx", "socket:worker0", "form:nginx"
    acked_at: float | None = None
    seq: int | None = None


CHECKS = {
    "setup": "people signed in through nginx, sockets open on both workers",
    "cross-worker": "a message sent on one worker reaches the other worker's sockets live",
    "faults": "worker 0 was SIGKILLed and came back, its sockets reconnected, Redis restarted",
    "conversation": "every line acknowledged (sent again with its ref after a fault)",
    "database": "each sent message saved exactly once, numbers gapless",
    "clients": "every socket has exactly the database's messages (same numbers, ids, text)",
    "order": "each person's lines shown in the order they were sent, none twice",
    "checker": "the client check catches a missing, a changed and a misordered message",
    "services": "no service died on its own",
}


@dataclass
class Outcome:
    problems: dict[str, list[str]] = field(default_factory=lambda: {name: [] for name in CHECKS})
    facts: dict[str, Any] = field(default_factory=dict)
    ran: set[str] = field(default_factory=set)

    def fail(self, check: str, problem: str) -> None:
        self.ran.add(check)
        self.problems[check].append(problem)

    def passed(self, check: str) -> None:
        self.ran.add(check)

    @property
    def failures(self) -> list[str]:
        return [f"{check}: {p}" for check, found in self.problems.items() for p in found] + [
            f"{check}: did not run" for check in CHECKS if check not in self.ran
        ]


def client_problems(client: Any, expected: dict[int, dict[str, Any]], sent: dict[str, Sent]) -> list[str]:
    """What is wrong with one client's final conversation against the database's (`expected`,
    seq -> row): missing or unknown messages, a message unlike the stored one, a person's
    lines out of the order they were sent, or one message shown twice."""
    problems = []
    name = client.name
    if client.fatal:
        problems.append(f"{name} stopped: {client.fatal}")
    got = set(client.messages)
    if got != set(expected):
        problems.append(
            f"{name} has {len(got)} messages, the group {len(expected)}: "
            f"missing {sorted(set(expected) - got)[:20]}, unknown {sorted(got - set(expected))[:20]}"
        )
    for seq in sorted(got & set(expected)):
        frame, row = client.messages[seq], expected[seq]
        if frame["id"] != row["id"] or frame["rev"] != row["rev"] or frame["text"] != row["text"]:
            problems.append(f"{name}: message {seq} differs from the database")
            break
    by_text = {record.text: record for record in sent.values()}
    shown = [client.messages[seq]["text"] for seq in sorted(client.messages)]
    seen_lines: dict[int, int] = {}
    for text in shown:
        record = by_text.get(text or "")
        if record is None or record.line < 0:
            continue
        if record.line <= seen_lines.get(record.person, -1):
            problems.append(f"{name}: person {record.person}'s line {record.line} shown after a later one, or twice")
            break
        seen_lines[record.person] = record.line
    return problems


@dataclass
class _FakeClient:
    name: str
    messages: dict[int, dict[str, Any]]
    fatal: str | None = None


def checker_problems(expected: dict[int, dict[str, Any]], sent: dict[str, Sent]) -> list[str]:
    """The client check must pass the database's own conversation and catch three broken
    copies of it; otherwise a green run would prove nothing."""
    problems = []
    perfect = {seq: dict(row) for seq, row in expected.items()}
    if client_problems(_FakeClient("perfect", perfect), expected, sent):
        problems.append("the check fails the database's own conversation")
    lines = sorted((s for s in sent.values() if s.line >= 0 and s.seq), key=lambda s: s.seq or 0)
    first = next((s for s in lines if s.person == lines[0].person), None) if lines else None
    later = next((s for s in lines if first and s.person == first.person and s.line > first.line), None)
    if first is None or later is None or first.seq is None or later.seq is None:
        return [*problems, "no two lines of one person to misorder"]
    missing = {seq: row for seq, row in perfect.items() if seq != first.seq}
    changed = {seq: dict(row, text="changed") if seq == first.seq else row for seq, row in perfect.items()}
    swapped = dict(perfect)
    swapped[first.seq] = dict(perfect[first.seq], text=perfect[later.seq]["text"])
    swapped[later.seq] = dict(perfect[later.seq], text=perfect[first.seq]["text"])
    for label, messages in (("missing", missing), ("changed", changed), ("misordered", swapped)):
        if not client_problems(_FakeClient(label, messages), expected, sent):
            problems.append(f"the check does not catch a {label} message")
    return problems


class Scenario:
    def __init__(self, topo: Topology, args: argparse.Namespace) -> None:
        self.topo = topo
        self.args = args
        self.rng = random.Random(args.seed)  # noqa: S311 - pacing jitter, not secrets
        self.out = Outcome()
        self.sent: dict[str, Sent] = {}
        self.clients: list[GroupClient] = []
        self.sockets_of: dict[int, list[GroupClient]] = {}
        self.people: list[Person] = []
        self.group_id = 0
        self.tasks: list[asyncio.Task[None]] = []
        self.extra_sends: list[asyncio.Task[None]] = []
        self.phase = "start"
        self.marks: dict[str, float] = {}

    def log(self, message: str) -> None:
        self.topo.log(message)

    # --- set-up ------------------------------------------------------------------------
    async def setup(self) -> None:
        count = self.args.people
        self.people = await asyncio.to_thread(make_people, self.topo, count, prefix="scale", sessions=False)
        for person in self.people:  # the real sign-in form, through nginx
            await asyncio.to_thread(sign_in, self.topo.url, person)
        self.log(f"{count} people signed in through nginx")
        (self.group_id,) = await asyncio.to_thread(make_groups, self.topo, [self.people])
        self.log(f"group {self.group_id}: 1 facilitator, {count - 1} members")
        nginx = Target(self.topo.ws_url, None)
        for i, person in enumerate(self.people):
            pinned = i % len(self.topo.workers)
            mine = [
                self._client(f"p{i}-nginx", person, nginx),
                self._client(f"p{i}-worker{pinned}", person, Target(self.topo.worker_ws_url(pinned), pinned)),
            ]
            self.sockets_of[i] = mine
            self.clients.extend(mine)
        loop = asyncio.get_running_loop()
        self.tasks = [loop.create_task(c.run(self.topo)) for c in self.clients]
        if not await wait_until(lambda: all(c.ready.is_set() for c in self.clients), timeout=30):
            late = [c.name for c in self.clients if not c.ready.is_set()]
            raise TopologyError(f"sockets not caught up after 30 s: {late} {[c.report() for c in self.clients]}")
        if {c.worker for c in self.clients} != set(range(len(self.topo.workers))):
            self.out.fail("setup", f"sockets are not on every worker: {[c.worker for c in self.clients]}")
        self.out.passed("setup")
        landed = Counter(c.worker for c in self.clients if c.target.worker is None)
        self.out.facts["nginx_sockets_by_worker"] = {f"worker{k}": v for k, v in sorted(landed.items(), key=str)}
        self.log(f"{len(self.clients)} sockets open; through nginx they landed on {dict(landed)}")

    def _client(self, name: str, person: Person, target: Target) -> GroupClient:
        # Backoff as docs/realtime.md suggests (1 s, 2 s, 4 s ...), capped at 8 s instead of
        # 30 s so that a socket of the killed worker is back soon after the worker is.
        return GroupClient(
            name, person, target, self.group_id, heartbeat=self.args.heartbeat, gap_wait=1.0, backoff=(1.0, 8.0)
        )

    def _everyone_has(self, seq: int) -> Callable[[], bool]:
        return lambda: all(seq in c.messages for c in self.clients)

    # --- 1. across workers ---------------------------------------------------------------
    async def prove_cross_worker(self) -> None:
        """A message sent on a socket of one worker must reach every socket of the other
        worker live. Heartbeat syncs pause meanwhile, so that a live arrival is not taken
        for a catch-up; a try whose message crossed a sync is made again (3 tries)."""
        pinned = [c for c in self.clients if c.target.worker is not None]
        for client in self.clients:
            client.heartbeat_paused = True
        try:
            for source in range(len(self.topo.workers)):
                for attempt in range(3):
                    if await self._cross_worker_once(pinned, source, attempt):
                        break
        finally:
            for client in self.clients:
                client.heartbeat_paused = False

    async def _cross_worker_once(self, pinned: list[GroupClient], source: int, attempt: int) -> bool:
        sender = next(c for c in pinned if c.target.worker == source)
        ref = f"cross-{source}-{attempt}"
        text = f"Hello from a socket on worker {source} ({attempt + 1})."
        self.sent[ref] = Sent(ref, text, self.people.index(sender.person), -1, f"socket:worker{source}")
        ack = await sender.send_text(text, ref, timeout=20)
        seq = self.sent[ref].seq = int(ack["seq"])
        await wait_until(self._everyone_has(seq), timeout=10)
        others = [c for c in self.clients if c.worker is not None and c.worker != source]
        live = [c.name for c in others if seq in c.first_arrival and c.first_arrival[seq].live]
        self.out.facts[f"worker{source}_to_other_workers_live"] = f"{len(live)}/{len(others)} sockets"
        self.log(f"sent on worker{source} -> live on other workers: {len(live)}/{len(others)} sockets")
        if others and len(live) == len(others):
            self.out.passed("cross-worker")
            return True
        if attempt == 2:
            missing = sorted({c.name for c in others} - set(live))
            self.out.fail("cross-worker", f"message {seq} sent on worker {source} not live on {missing or 'any'}")
        return False

    # --- 2. conversation with faults -----------------------------------------------------
    async def talk(self, index: int) -> None:
        person = self.people[index]
        mine = self.sockets_of[index]
        for line in range(self.args.lines):
            ref = f"p{index}-{line}"
            text = f"Person {index}, line {line}: one day at a time."
            if line % 5 == 4:
                via = f"form:{NGINX}"
            else:
                client = mine[line % 2]
                via = f"socket:{client.target.label}"
            record = Sent(ref, text, index, line, via)
            self.sent[ref] = record
            if via.startswith("form"):
                await self._post_by_form(person, record)
            else:
                ack = await client.send_text(text, ref, timeout=60)
                record.seq = int(ack["seq"])
            record.acked_at = time.monotonic()
            await asyncio.sleep(self.args.pace * (0.5 + self.rng.random()))

    async def _post_by_form(self, person: Person, record: Sent) -> None:
        """The no-JavaScript path: the group page's form, through nginx; sent again with
        the same ref until the answer is the redirect of a posted message."""
        page = f"/en/groups/{self.group_id}/"
        deadline = time.monotonic() + 60
        while True:
            try:
                answer = await asyncio.to_thread(
                    post_form,
                    self.topo.url,
                    person,
                    page,
                    post_path=f"{page}post/",
                    data={"text": record.text, "ref": record.ref},
                )
                if answer.status_code == 302:
                    return
                problem = f"HTTP {answer.status_code}"
            except Exception as exc:  # a worker killed mid-request, Redis down: send again
                problem = type(exc).__name__
            if time.monotonic() > deadline:
                raise TimeoutError(f"form post {record.ref} kept failing: {problem}")
            await asyncio.sleep(0.5)

    def acked(self) -> int:
        return sum(1 for s in self.sent.values() if s.acked_at is not None and s.line >= 0)

    async def faults(self, total: int) -> None:
        await wait_until(lambda: self.acked() >= total // 4, timeout=120)
        self.phase = "worker-kill"
        # A message in flight on worker 0 when it dies: its sender sends it again, same ref.
        await self._in_flight("worker0", lambda c: c.target.worker == 0)
        self.marks["worker0_killed"] = time.monotonic()
        self.topo.kill_worker(0)
        self.topo.start_worker(0, wait=False)
        await asyncio.to_thread(self.topo.wait_worker, 0, timeout=60)
        self.marks["worker0_back"] = time.monotonic()
        self.out.facts["worker0_down_s"] = round(self.marks["worker0_back"] - self.marks["worker0_killed"], 2)
        self.log(f"worker0 back after {self.out.facts['worker0_down_s']} s")
        await wait_until(lambda: self.acked() >= total * 3 // 5, timeout=120)
        self.phase = "redis-restart"
        await self._in_flight("redis", lambda c: c.target.worker == 1)
        self.marks["redis_killed"] = time.monotonic()
        self.topo.kill_redis()
        await asyncio.sleep(self.args.redis_downtime)
        self.topo.start_redis(wait=False)
        await asyncio.to_thread(self.topo.wait_redis, timeout=15)
        self.marks["redis_back"] = time.monotonic()
        self.phase = "after-redis"

    async def _in_flight(self, fault: str, which: Callable[[GroupClient], bool]) -> None:
        """Sends a message and lets the fault strike a few milliseconds later, before its
        answer; the send goes on (again with the same ref) until acknowledged."""
        client = next(c for c in self.clients if which(c) and c.ready.is_set())
        ref = f"in-flight-{fault}"
        text = f"Sent just as {fault} went down."
        record = Sent(ref, text, self.people.index(client.person), -1, f"socket:{client.target.label}")
        self.sent[ref] = record

        async def send() -> None:
            ack = await client.send_text(text, ref, timeout=60)
            record.seq = int(ack["seq"])
            record.acked_at = time.monotonic()

        self.extra_sends.append(asyncio.get_running_loop().create_task(send()))
        await asyncio.sleep(0.005)

    async def converse(self) -> None:
        total = self.args.people * self.args.lines
        started = time.monotonic()
        fault_task = asyncio.get_running_loop().create_task(self.faults(total))
        talks = await asyncio.gather(*(self.talk(i) for i in range(self.args.people)), return_exceptions=True)
        for index, result in enumerate(talks):
            if isinstance(result, BaseException):
                self.out.fail("conversation", f"person {index} stopped talking: {type(result).__name__}: {result}")
        self.out.passed("conversation")
        try:
            await asyncio.wait_for(fault_task, timeout=60)
        except Exception as exc:
            self.out.fail("faults", f"the faults did not run through: {type(exc).__name__}: {exc}")
        for result in await asyncio.gather(*self.extra_sends, return_exceptions=True):
            if isinstance(result, BaseException):
                self.out.fail("conversation", f"a message in flight at a fault: {type(result).__name__}: {result}")
        self.out.facts["conversation_s"] = round(time.monotonic() - started, 1)
        self.log(f"{self.acked()}/{total} lines acknowledged in {self.out.facts['conversation_s']} s")

    # --- 3. checks ---------------------------------------------------------------------
    async def settle_and_check(self) -> None:
        truth = await asyncio.to_thread(group_truth, self.topo, self.group_id)
        numbered = [row for row in truth if row["seq"] is not None]
        seqs = [row["seq"] for row in numbered]
        if seqs != list(range(1, len(seqs) + 1)):
            self.out.fail("database", f"the group's numbers are not gapless from 1: {seqs}")
        refs = Counter(row["ref"] for row in truth if row["ref"])
        doubled = sorted(ref for ref, n in refs.items() if n > 1)
        if doubled:
            self.out.fail("database", f"messages saved more than once: {doubled}")
        missing = sorted(r for r, s in self.sent.items() if r not in refs and (s.acked_at or s.line < 0))
        if missing:
            self.out.fail("database", f"sent and acknowledged but not in the database: {missing}")
        unknown = sorted(set(refs) - set(self.sent))
        if unknown:
            self.out.fail("database", f"messages in the database nobody sent: {unknown}")
        by_ref = {row["ref"]: row for row in truth if row["ref"]}
        for ref, record in self.sent.items():
            if ref in by_ref:
                record.seq = by_ref[ref]["seq"]
        for ref, record in self.sent.items():
            row = by_ref.get(ref)
            if row and (row["text"] != record.text or row["state"] != "visible" or row["kind"] != "text"):
                self.out.fail("database", f"{ref} is stored as {row['state']}/{row['kind']} {row['text']!r}")
        expected = {row["seq"]: row for row in numbered}
        last = max(expected, default=0)
        # Every socket catches up (its heartbeat, or the sync asked for here).
        for client in self.clients:
            if client.socket is not None and client.last < last:
                with contextlib.suppress(Exception):  # closed meanwhile: it catches up on reconnecting
                    await client.sync()
        await wait_until(lambda: all(set(c.messages) >= set(expected) for c in self.clients), timeout=45)
        self.out.passed("database")
        for client in self.clients:
            for problem in client_problems(client, expected, self.sent):
                self.out.fail("order" if "line" in problem else "clients", problem)
        self.out.passed("clients")
        self.out.passed("order")
        for problem in checker_problems(expected, self.sent):
            self.out.fail("checker", problem)
        self.out.passed("checker")
        self.out.facts["messages_in_group"] = len(expected)
        self.out.facts["messages_sent_by_test"] = len(self.sent)

    def summary(self) -> dict[str, Any]:
        clients = [c.report() for c in self.clients]
        live = catch_up = 0
        for client in self.clients:
            for arrival in client.first_arrival.values():
                live += arrival.live
                catch_up += not arrival.live
        killed = [c for c in self.clients if c.target.worker == 0]
        return {
            "facts": self.out.facts,
            "deliveries": {
                "first_arrivals_live": live,
                "first_arrivals_by_catch_up": catch_up,
                "duplicate_frames_ignored": sum(c.ignored for c in self.clients),
                "gaps_seen": sum(c.gaps for c in self.clients),
                "syncs_sent": sum(c.syncs for c in self.clients),
                "resends": sum(c.resends for c in self.clients),
                "reconnects": sum(max(0, c.connects - 1) for c in self.clients),
                "worker0_pinned_reconnected": f"{sum(c.connects > 1 for c in killed)}/{len(killed)}",
            },
            "sent_by": dict(Counter(s.via for s in self.sent.values())),
            "clients": clients,
        }

    async def run_bounded(self, budget: float) -> Outcome:
        try:
            async with asyncio.timeout(budget) as limit:
                return await self.run()
        except TimeoutError:
            if limit.expired():
                raise BudgetSpent() from None
            raise

    async def run(self) -> Outcome:
        try:
            await self.setup()
            await self.prove_cross_worker()
            await self.converse()
            await self.settle_and_check()
            killed_pinned = [c for c in self.clients if c.target.worker == 0]
            if not all(c.connects > 1 for c in killed_pinned):
                self.out.fail("faults", "a socket pinned to worker 0 never reconnected: the kill did not happen")
            if "redis_back" not in self.marks or self.topo.redis.starts < 2:
                self.out.fail("faults", "Redis was not restarted")
            self.out.passed("faults")
            dead = self.topo.dead_services()
            if dead:
                self.out.fail("services", f"services died on their own: {dead}")
            self.out.passed("services")
        finally:
            for client in self.clients:
                await client.stop()
            for task in self.tasks:
                task.cancel()
            await asyncio.gather(*self.tasks, return_exceptions=True)
        return self.out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=6, help="people in the group (two sockets each)")
    parser.add_argument("--lines", type=int, default=20, help="lines each person sends")
    parser.add_argument("--pace", type=float, default=1.2, help="mean seconds between one person's lines")
    parser.add_argument("--heartbeat", type=float, default=5.0, help="seconds between a client's sync frames")
    parser.add_argument("--redis-downtime", type=float, default=1.0)
    parser.add_argument("--budget", type=float, default=240.0, help="the whole run stops after this many seconds")
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--keep", action="store_true", help="keep the topology's work dir (logs)")
    parser.add_argument("--report", type=Path, help="also write the JSON report here")
    args = parser.parse_args(argv)
    sigterm_as_exit()
    started = time.monotonic()
    outcome = Outcome()
    report: dict[str, Any] = {}
    topo = Topology(workers=2, keep=args.keep, extra_env={"GROUPS_WRITES_PER_MINUTE": "1000"})
    try:
        topo.start()
        scenario = Scenario(topo, args)
        try:
            outcome = asyncio.run(scenario.run_bounded(args.budget))
        except BudgetSpent:
            outcome = scenario.out
            outcome.fail("setup", f"the run did not finish within its budget of {args.budget:.0f} s")
        except Exception as exc:
            outcome = scenario.out
            outcome.fail("setup", f"the scenario stopped: {type(exc).__name__}: {exc}")
        report = scenario.summary()
        if outcome.failures:
            print("\n=== service logs (tails) ===\n" + topo.log_tails(30), flush=True)
    except TopologyError as exc:
        outcome.fail("setup", f"the topology failed: {exc}")
    finally:
        topo.stop()
    report["problems"] = outcome.failures
    report["seconds"] = round(time.monotonic() - started, 1)
    if args.report:
        args.report.write_text(json.dumps(report, indent=2), encoding="utf-8")
    print("\n=== scale test report ===")
    print(json.dumps({k: v for k, v in report.items() if k != "clients"}, indent=2))
    for line in report.get("clients", []):
        print(f"  {json.dumps(line)}")
    print()
    failed = [check for check in CHECKS if outcome.problems[check] or check not in outcome.ran]
    for check, meaning in CHECKS.items():
        print(f"  {'FAIL' if check in failed else 'ok  '} {check}: {meaning}")
    for problem in outcome.failures:
        print(f"    - {problem}")
    # The plain closing line CI reads (N passed, N failed).
    print(f"scale-test: {len(CHECKS) - len(failed)} passed, {len(failed)} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
