"""A mixed load on the scaled-out topology (ops/topology.py), with figures.

Virtual visitors, all through nginx on loopback, each doing one thing after another:

- **browse** (anonymous pages: home, Get help, the guide and an article, a facility, the
  meeting finder);
- **search** (the guide's search form, the facilities and articles API);
- **check in** (``POST /api/v1/me/checkins`` with a personal access token, as the
  installable app sends it: a new ``client_id`` each time, so each is a real write);
- **chat** (a group message on a WebSocket, until its ``group.ack``; every socket of the
  group must end up with every message).

It reports, per kind and overall: requests, requests per second, p50/p90/p99 latency and
errors (any answer but the expected one, or no answer). Bounded: ``--seconds`` of load
after set-up (default 30), and the whole run stops after ``--budget`` seconds. The numbers
are this machine's: the load generator shares its cores with nginx, the workers,
PostgreSQL, Redis and the consumer.

    .venv/bin/python ops/load.py --seconds 30 --concurrency 16 --report bench/results/load.json

``ops/faults.py`` uses the same set-up and clients with faults on top.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import json
import random
import sys
import time
import uuid
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402

from ops.fixtures import Person, group_truth, make_groups, make_people  # noqa: E402
from ops.topology import Topology, TopologyError, sigterm_as_exit  # noqa: E402
from ops.wsclient import GroupClient, Target, wait_until  # noqa: E402

# Settings the load needs beyond production's: every visitor comes from 127.0.0.1, so the
# per-address limits would measure themselves instead of the site.
LOAD_ENV = {
    "API_RATE_LIMIT": "1000000/m",
    "GROUPS_WRITES_PER_MINUTE": "100000",
    "LOG_LEVEL": "WARNING",
}
SEARCH_TERMS = ["methadone", "buprenorphine", "naloxone", "withdrawal", "recovery", "family", "detox"]

# People get a recovery profile (check-ins need one) and a read-write token.
_PREPARE = """
import datetime as dt, json, sys
from django.contrib.auth import get_user_model
from waypoint.accounts.tokens import token_create
from waypoint.recovery import services as recovery
args = json.load(sys.stdin)
tokens = {}
for user in get_user_model().objects.filter(pk__in=args["ids"]).order_by("pk"):
    recovery.profile_save(user=user, start_date=dt.date.today() - dt.timedelta(days=30), time_zone="UTC")
    _token, raw = token_create(user=user, name="load", scope="read-write")
    tokens[user.pk] = raw
print("TOKENS=" + json.dumps(tokens))
"""

# What there is to browse: an article's slug and a facility's id (setup_site's demo data).
_CONTENT = """
import json
from waypoint.directory.models import Facility
from waypoint.guide.models import Article
print("CONTENT=" + json.dumps({
    "articles": list(Article.objects.filter(language="en").values_list("slug", flat=True)[:20]),
    "facilities": list(Facility.objects.values_list("pk", flat=True)[:20]),
}))
"""


def shell_output(topo: Topology, code: str, tag: str, args: Any = None, timeout: float = 300) -> Any:
    out = topo.shell(code, args=args, timeout=timeout)
    line = next((line for line in out.splitlines() if line.startswith(tag + "=")), None)
    if line is None:
        raise TopologyError(f"manage.py shell printed no {tag}: {out[-2000:]}")
    return json.loads(line[len(tag) + 1 :])


def prepare_people(topo: Topology, people: list[Person]) -> dict[int, str]:
    """Recovery profiles and tokens for `people`; returns user id -> token."""
    tokens = shell_output(topo, _PREPARE, "TOKENS", {"ids": [p.user_id for p in people]})
    return {int(k): v for k, v in tokens.items()}


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


@dataclass
class Tally:
    """Latencies and errors of one kind of request."""

    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    error_kinds: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def add(self, seconds: float, problem: str | None) -> None:
        if problem is None:
            self.latencies.append(seconds)
        else:
            self.errors += 1
            self.error_kinds[problem] += 1

    def figures(self, elapsed: float) -> dict[str, Any]:
        done = len(self.latencies) + self.errors
        return {
            "requests": done,
            "rps": round(done / elapsed, 1) if elapsed else 0.0,
            "p50_ms": round(percentile(self.latencies, 50) * 1000, 1),
            "p90_ms": round(percentile(self.latencies, 90) * 1000, 1),
            "p99_ms": round(percentile(self.latencies, 99) * 1000, 1),
            "errors": self.errors,
            "error_kinds": dict(self.error_kinds),
        }


@dataclass
class World:
    """Everything the visitors act on."""

    topo: Topology
    people: list[Person]
    tokens: dict[int, str]
    group_id: int
    chatters: list[GroupClient]
    articles: list[str]
    facilities: list[int]
    sent_refs: dict[str, str] = field(default_factory=dict)  # ref -> text, acknowledged


def setup(topo: Topology, *, people: int, chatters: int, log: Callable[[str], None]) -> World:
    started = time.monotonic()
    topo.run_manage("setup_site", timeout=600)
    content = shell_output(topo, _CONTENT, "CONTENT")
    everyone = make_people(topo, people, prefix="load", sessions=True)
    tokens = prepare_people(topo, everyone)
    (group_id,) = make_groups(topo, [everyone[:chatters]])
    log(
        f"set-up: {people} people with tokens, a group of {chatters}, {len(content['articles'])} articles, "
        f"{len(content['facilities'])} facilities ({time.monotonic() - started:.0f} s)"
    )
    return World(topo, everyone, tokens, group_id, [], content["articles"], content["facilities"])


async def open_chatters(world: World, count: int) -> list[asyncio.Task[None]]:
    """One socket per group member, through nginx, following the group the way docs/realtime.md says."""
    target = Target(world.topo.ws_url, None)
    world.chatters = [
        GroupClient(f"chat{i}", person, target, world.group_id, heartbeat=5.0, gap_wait=1.0, backoff=(0.5, 4.0))
        for i, person in enumerate(world.people[:count])
    ]
    loop = asyncio.get_running_loop()
    tasks = [loop.create_task(client.run(world.topo)) for client in world.chatters]
    if not await wait_until(lambda: all(c.ready.is_set() for c in world.chatters), timeout=30):
        raise TopologyError("the chat sockets did not open within 30 s")
    return tasks


# --- The actions ---------------------------------------------------------------------------------


async def _timed(call: Awaitable[httpx.Response], expect: tuple[int, ...]) -> tuple[float, str | None]:
    started = time.perf_counter()
    try:
        response = await call
    except httpx.HTTPError as exc:
        return time.perf_counter() - started, type(exc).__name__
    seconds = time.perf_counter() - started
    return seconds, None if response.status_code in expect else f"HTTP {response.status_code}"


async def browse(world: World, client: httpx.AsyncClient, rng: random.Random) -> tuple[float, str | None]:
    choices = ["/en/", "/en/help/", "/en/guide/", "/en/meetings/", "/es/"]
    if world.articles:
        choices.append(f"/en/guide/{rng.choice(world.articles)}/")
    if world.facilities:
        choices.append(f"/en/treatment/{rng.choice(world.facilities)}/")
    return await _timed(client.get(rng.choice(choices)), (200,))


async def search(world: World, client: httpx.AsyncClient, rng: random.Random) -> tuple[float, str | None]:
    term = rng.choice(SEARCH_TERMS)
    kind = rng.randrange(3)
    if kind == 0:
        return await _timed(client.get(f"/api/v1/articles?q={term}&lang=en"), (200,))
    if kind == 1:
        return await _timed(client.get("/api/v1/facilities?near=22902&radius=100"), (200,))
    return await _timed(client.get(f"/en/guide/?q={term}"), (200, 302, 303))


async def checkin(world: World, client: httpx.AsyncClient, rng: random.Random) -> tuple[float, str | None]:
    person = rng.choice(world.people)
    body = {
        "client_id": str(uuid.uuid4()),
        "date": dt.datetime.now(tz=dt.UTC).date().isoformat(),
        "mood": rng.randint(1, 5),
        "craving": rng.randint(0, 10),
    }
    headers = {"Authorization": f"Bearer {world.tokens[person.user_id]}"}
    return await _timed(client.post("/api/v1/me/checkins", json=body, headers=headers), (200, 201))


async def chat(world: World, client: httpx.AsyncClient, rng: random.Random) -> tuple[float, str | None]:
    sender = rng.choice(world.chatters)
    ref = f"load-{uuid.uuid4().hex[:12]}"
    text = f"Load line {ref}: one day at a time."
    started = time.perf_counter()
    try:
        await sender.send_text(text, ref, timeout=30)
    except Exception as exc:  # no acknowledgement in time: an error of this kind
        return time.perf_counter() - started, type(exc).__name__
    world.sent_refs[ref] = text
    return time.perf_counter() - started, None


ACTIONS: dict[str, tuple[float, Callable[..., Awaitable[tuple[float, str | None]]]]] = {
    "browse": (0.45, browse),
    "search": (0.25, search),
    "checkin": (0.20, checkin),
    "chat": (0.10, chat),
}


async def visitor(world: World, tallies: dict[str, Tally], until: float, seed: int) -> None:
    rng = random.Random(seed)  # noqa: S311 - picks pages, not secrets
    names = list(ACTIONS)
    weights = [ACTIONS[n][0] for n in names]
    async with httpx.AsyncClient(
        base_url=world.topo.url,
        trust_env=False,
        timeout=30,
        follow_redirects=False,
        headers={"Accept-Encoding": "gzip"},
    ) as client:
        while time.monotonic() < until:
            name = rng.choices(names, weights)[0]
            seconds, problem = await ACTIONS[name][1](world, client, rng)
            tallies[name].add(seconds, problem)


async def warm_up(world: World, *, seconds: float, seed: int) -> None:
    """Each worker loads what it loads once (the ZIP index, search indexes, templates)
    before anything is measured."""
    await asyncio.gather(
        *(visitor(world, {n: Tally() for n in ACTIONS}, time.monotonic() + seconds, seed + i) for i in range(4))
    )


async def run_load(world: World, *, seconds: float, concurrency: int, seed: int) -> dict[str, Any]:
    tallies = {name: Tally() for name in ACTIONS}
    started = time.monotonic()
    until = started + seconds
    await asyncio.gather(*(visitor(world, tallies, until, seed + i) for i in range(concurrency)))
    elapsed = time.monotonic() - started
    overall = Tally()
    for tally in tallies.values():
        overall.latencies += tally.latencies
        overall.errors += tally.errors
        for kind, count in tally.error_kinds.items():
            overall.error_kinds[kind] += count
    return {
        "seconds": round(elapsed, 1),
        "concurrency": concurrency,
        "overall": overall.figures(elapsed),
        "by_kind": {name: tally.figures(elapsed) for name, tally in tallies.items()},
    }


async def chat_delivery(world: World, *, timeout: float = 30) -> dict[str, Any]:
    """Every acknowledged message is in the database once, and on every socket."""
    truth = await asyncio.to_thread(group_truth, world.topo, world.group_id)
    stored = defaultdict(int)
    for row in truth:
        if row["ref"]:
            stored[row["ref"]] += 1
    missing_in_db = sorted(ref for ref in world.sent_refs if stored.get(ref, 0) == 0)
    doubled = sorted(ref for ref, n in stored.items() if n > 1)
    numbers = {row["seq"] for row in truth if row["seq"] is not None}
    for client in world.chatters:
        with contextlib.suppress(Exception):
            await client.sync()
    await wait_until(lambda: all(set(c.messages) >= numbers for c in world.chatters), timeout=timeout)
    short = {c.name: len(numbers - set(c.messages)) for c in world.chatters if numbers - set(c.messages)}
    return {
        "sent_and_acknowledged": len(world.sent_refs),
        "in_database": sum(1 for ref in world.sent_refs if stored.get(ref)),
        "missing_in_database": missing_in_db[:20],
        "saved_twice": doubled[:20],
        "sockets": len(world.chatters),
        "deliveries_expected": len(numbers) * len(world.chatters),
        "deliveries_made": sum(len(numbers & set(c.messages)) for c in world.chatters),
        "sockets_missing_messages": short,
    }


def print_figures(report: dict[str, Any]) -> None:
    load = report["load"]
    print(f"\n=== mixed load: {load['concurrency']} visitors for {load['seconds']} s ===")
    print(f"{'kind':10} {'requests':>9} {'req/s':>7} {'p50 ms':>8} {'p90 ms':>8} {'p99 ms':>8} {'errors':>7}")
    for name, row in [*load["by_kind"].items(), ("overall", load["overall"])]:
        print(
            f"{name:10} {row['requests']:>9} {row['rps']:>7} {row['p50_ms']:>8} {row['p90_ms']:>8} "
            f"{row['p99_ms']:>8} {row['errors']:>7}"
        )
    chat_report = report["chat"]
    print(
        f"chat: {chat_report['sent_and_acknowledged']} sent and acknowledged, {chat_report['in_database']} in the "
        f"database, {chat_report['deliveries_made']}/{chat_report['deliveries_expected']} deliveries to "
        f"{chat_report['sockets']} sockets"
    )


def failures(report: dict[str, Any], *, max_error_rate: float) -> list[str]:
    problems = []
    overall = report["load"]["overall"]
    if overall["requests"] == 0:
        problems.append("no request was made")
    elif overall["errors"] / overall["requests"] > max_error_rate:
        problems.append(f"{overall['errors']} errors in {overall['requests']} requests: {overall['error_kinds']}")
    chat_report = report["chat"]
    if chat_report["missing_in_database"] or chat_report["saved_twice"]:
        problems.append(f"chat: missing {chat_report['missing_in_database']}, twice {chat_report['saved_twice']}")
    if chat_report["deliveries_made"] != chat_report["deliveries_expected"]:
        problems.append(f"chat: sockets missing messages {chat_report['sockets_missing_messages']}")
    return problems


async def scenario(topo: Topology, args: argparse.Namespace) -> dict[str, Any]:
    world = await asyncio.to_thread(setup, topo, people=args.people, chatters=args.chatters, log=topo.log)
    tasks = await open_chatters(world, args.chatters)
    try:
        await warm_up(world, seconds=args.warm_up, seed=args.seed + 1000)
        load = await run_load(world, seconds=args.seconds, concurrency=args.concurrency, seed=args.seed)
        chat_report = await chat_delivery(world)
    finally:
        for client in world.chatters:
            await client.stop()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    return {"load": load, "chat": chat_report, "dead_services": topo.dead_services()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=30.0, help="seconds of load (after set-up)")
    parser.add_argument("--concurrency", type=int, default=16, help="visitors at once")
    parser.add_argument("--warm-up", type=float, default=8.0, help="seconds of unmeasured load first")
    parser.add_argument("--people", type=int, default=40, help="signed-in people (check-ins)")
    parser.add_argument("--chatters", type=int, default=6, help="members of the group, one socket each")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--max-error-rate", type=float, default=0.0, help="fail above this share of errors")
    parser.add_argument("--budget", type=float, default=420.0, help="the whole run stops after this many seconds")
    parser.add_argument("--report", type=Path, help="also write the JSON report here")
    parser.add_argument("--keep", action="store_true", help="keep the topology's work dir (logs)")
    args = parser.parse_args(argv)
    sigterm_as_exit()
    report: dict[str, Any] = {}
    problems: list[str] = []
    with Topology(workers=args.workers, keep=args.keep, extra_env=LOAD_ENV) as topo:
        try:
            report = asyncio.run(asyncio.wait_for(scenario(topo, args), timeout=args.budget))
        except TimeoutError:
            problems.append(f"the run did not finish within its budget of {args.budget:.0f} s")
        if report:
            print_figures(report)
            problems += failures(report, max_error_rate=args.max_error_rate)
            if report["dead_services"]:
                problems.append(f"services died: {report['dead_services']}")
        if problems:
            print("\n=== service logs (tails) ===\n" + topo.log_tails(30), flush=True)
    if args.report and report:
        args.report.parent.mkdir(parents=True, exist_ok=True)
        args.report.write_text(json.dumps({**report, "problems": problems}, indent=2), encoding="utf-8")
    for problem in problems:
        print(f"FAIL {problem}")
    print(f"load-test: {'failed' if problems else 'passed'}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
