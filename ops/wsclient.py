"""WebSocket and HTTP clients for the topology: sign people in, open sockets pinned to a
worker or through nginx, and follow a sequenced stream the way docs/realtime.md tells a
client to (reconnect with backoff, say the last sequence number, de-duplicate, catch up).

Loopback only: every connection goes to the topology's own ports, with proxies off.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import httpx
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidStatus
from websockets.typing import Origin

from ops.fixtures import CSRF_COOKIE, PASSWORD, SESSION_COOKIE, Person, make_people

if TYPE_CHECKING:
    from ops.topology import Topology

LOGIN_PATH = "/en/account/login/"
NGINX = "nginx"


def _form_token(html: str) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    if not match:
        raise RuntimeError("no CSRF token in the page")
    return match.group(1)


def http_client(base_url: str, **kwargs: Any) -> httpx.Client:
    """An HTTP client for the topology: loopback, no proxies from the environment."""
    return httpx.Client(base_url=base_url, trust_env=False, timeout=10, follow_redirects=False, **kwargs)


def sign_in(base_url: str, person: Person, *, password: str = PASSWORD) -> Person:
    """Signs `person` in through the real sign-in form at `base_url` (nginx or a worker):
    the session and CSRF cookies end up on Person."""
    with http_client(base_url, headers={"Origin": base_url}) as client:
        page = client.get(LOGIN_PATH)
        page.raise_for_status()
        answer = client.post(
            LOGIN_PATH,
            data={"username": person.username, "password": password, "csrfmiddlewaretoken": _form_token(page.text)},
        )
        if answer.status_code != 302 or SESSION_COOKIE not in client.cookies:
            raise RuntimeError(f"sign-in of {person.username} failed: {answer.status_code}")
        person.sessionid = client.cookies[SESSION_COOKIE]
        person.csrftoken = client.cookies.get(CSRF_COOKIE)
    return person


def post_form(
    base_url: str, person: Person, page_path: str, *, post_path: str | None = None, data: dict[str, str] | None = None
) -> httpx.Response:
    """GETs `page_path` as `person` (for its CSRF token), then POSTs the form to
    `post_path` (default: the same page) with `data`. Returns the POST's answer."""
    cookies = {SESSION_COOKIE: person.sessionid or ""}
    with http_client(base_url, headers={"Origin": base_url}, cookies=cookies) as client:
        page = client.get(page_path)
        page.raise_for_status()
        return client.post(post_path or page_path, data={**(data or {}), "csrfmiddlewaretoken": _form_token(page.text)})


@dataclass
class Target:
    """Where a socket connects: through nginx, or straight to one worker (pinned)."""

    base: str  # ws://127.0.0.1:port
    worker: int | None  # the pinned worker, None through nginx

    @property
    def label(self) -> str:
        return NGINX if self.worker is None else f"worker{self.worker}"


def targets(topo: Topology) -> list[Target]:
    return [Target(topo.ws_url, None), *(Target(topo.worker_ws_url(i), i) for i in range(len(topo.workers)))]


async def open_socket(
    topo: Topology, target: Target, path: str, person: Person, *, open_timeout: float = 5.0
) -> tuple[ClientConnection, int | None]:
    """Opens a socket at `path` as `person`; returns it and the worker it landed on (read
    from nginx's X-Waypoint-Upstream header when going through nginx)."""
    from ops.topology import UPSTREAM_HEADER

    origin = Origin(topo.url)
    socket = await connect(
        target.base + path,
        origin=origin,
        additional_headers={"Cookie": person.cookie},
        open_timeout=open_timeout,
        proxy=None,
        compression=None,
        ping_interval=None,  # a dead server is noticed by the closed TCP connection on loopback
        close_timeout=2,
        max_queue=None,
    )
    worker = target.worker
    if worker is None:
        headers = socket.response.headers if socket.response is not None else {}
        worker = topo.worker_index_for(headers.get(UPSTREAM_HEADER, ""))
    return socket, worker


async def handshake_probe(topo: Topology) -> dict[str, Any]:
    """Opens ``/ws/me/`` as a fresh person through nginx and to each worker: each must be
    accepted (a 101 through nginx, with the upstream named)."""
    person = (await asyncio.to_thread(make_people, topo, 1, prefix="probe"))[0]
    seen: dict[str, Any] = {}
    for target in targets(topo):
        socket, worker = await open_socket(topo, target, "/ws/me/", person)
        seen[target.label] = worker
        await socket.close()
    return seen


# --- a group chat client ----------------------------------------------------------------

# Close codes after which a client stops (docs/realtime.md): signed out, not a member, session ended.
FINAL_CLOSE_CODES = {4401, 4404, 4001}
CLOSE_TOO_MANY = 4429


@dataclass
class Arrival:
    """When and how a message first reached one client."""

    at: float  # time.monotonic()
    worker: int | None  # the worker of the socket it came on
    live: bool  # announced live (False: sent by a catch-up from the database)


class GroupClient:
    """One person's socket on one group, following docs/realtime.md#groups: connect with
    ``?after=<last>``; keep ``seq -> message`` (a newer ``rev`` replaces, anything else is a
    duplicate); on a lost connection reconnect with backoff and jitter; on a gap in the
    numbers wait `gap_wait`, then ``sync``; ``sync`` every `heartbeat` seconds (backoff,
    heartbeat and gap wait default to what the page suggests: 1 s doubling to 30 s, 25 s,
    1 s); send with a
    ``ref`` and send again with the same ``ref`` until acknowledged (never a second message).

    `last` only moves through numbers the client has without a hole (and to
    ``group.ready.last`` after a catch-up), so a ``sync after=<last>`` brings back whatever
    was lost in flight. Everything is counted for reports."""

    def __init__(
        self,
        name: str,
        person: Person,
        target: Target,
        group_id: int,
        *,
        heartbeat: float = 25.0,
        gap_wait: float = 1.0,
        backoff: tuple[float, float] = (1.0, 30.0),
        open_timeout: float = 10.0,
        on_message: Callable[[GroupClient, dict[str, Any], float], None] | None = None,
    ) -> None:
        self.name = name
        self.person = person
        self.target = target
        self.group_id = group_id
        self.heartbeat = heartbeat
        self.heartbeat_paused = False  # e.g. while a test tells live announcements from catch-ups
        self.gap_wait = gap_wait
        self.backoff = backoff
        self.open_timeout = open_timeout
        self.on_message = on_message
        self.messages: dict[int, dict[str, Any]] = {}
        self.first_arrival: dict[int, Arrival] = {}
        self.last = 0
        self._revs_ahead: set[int] = set()
        self.frames = 0
        self.ignored = 0
        self.gaps = 0
        self.syncs = 0
        self.connects = 0
        self.failed_connects = 0
        self.resends = 0
        self.workers: list[int | None] = []
        self.close_codes: list[int | None] = []
        self.reconnect_times: list[float] = []  # connection lost -> caught up again, seconds
        self.errors: list[dict[str, Any]] = []
        self.other_events: list[dict[str, Any]] = []
        self.member_id: int | None = None
        self.ready_times: list[float] = []  # time.monotonic() of every group.ready
        self.close_times: list[float] = []  # ... and of every socket found closed
        self.fatal: str | None = None
        self.socket: ClientConnection | None = None
        self.ready = asyncio.Event()
        self._catching_up = False
        self._disconnected_at: float | None = None
        self._gap_task: asyncio.Task[None] | None = None
        self._waiters: dict[str, asyncio.Future[dict[str, Any]]] = {}
        self._stopping = False

    @property
    def worker(self) -> int | None:
        return self.workers[-1] if self.workers and self.socket is not None else None

    def path(self) -> str:
        return f"/ws/groups/{self.group_id}/?after={self.last}"

    def shown(self) -> list[dict[str, Any]]:
        """The conversation as the person sees it: messages in `seq` order."""
        return [self.messages[seq] for seq in sorted(self.messages)]

    # --- connection ------------------------------------------------------------------
    async def run(self, topo: Topology) -> None:
        low, high = self.backoff
        delay = low
        while not self._stopping:
            try:
                socket, worker = await open_socket(
                    topo, self.target, self.path(), self.person, open_timeout=self.open_timeout
                )
            except (OSError, InvalidHandshake, TimeoutError) as exc:
                self.failed_connects += 1
                if isinstance(exc, InvalidStatus) and exc.response.status_code in (403, 404):
                    # Refused before accept (not signed in, not a member): final.
                    self.fatal = f"handshake refused: HTTP {exc.response.status_code}"
                    self._fail_waiters()
                    return
                await asyncio.sleep(delay * (0.5 + random.random()))  # noqa: S311 - jitter
                delay = min(delay * 2, high)
                continue
            delay = low
            self.socket = socket
            self.connects += 1
            self.workers.append(worker)
            self._catching_up = True
            beat = asyncio.get_running_loop().create_task(self._beat(socket))
            code = await self._read(socket)
            self.close_times.append(time.monotonic())
            beat.cancel()
            self.socket = None
            self.ready.clear()
            self.close_codes.append(code)
            self._fail_waiters()
            if self._stopping:
                break
            self._disconnected_at = time.monotonic()
            if code in FINAL_CLOSE_CODES:
                self.fatal = f"closed with {code}"
                return
            if code == CLOSE_TOO_MANY:
                await asyncio.sleep(5)
            else:
                await asyncio.sleep(low * random.random())  # noqa: S311 - jitter

    async def _beat(self, socket: ClientConnection) -> None:
        with contextlib.suppress(ConnectionClosed, asyncio.CancelledError):
            while True:
                await asyncio.sleep(self.heartbeat)
                if not self.heartbeat_paused:
                    await self.sync(socket)

    async def sync(self, socket: ClientConnection | None = None) -> None:
        """Asks for everything after `last` (then a group.ready)."""
        socket = socket or self.socket
        if socket is None:
            return
        self.syncs += 1
        self._catching_up = True
        await socket.send(json.dumps({"type": "sync", "after": self.last}))

    async def _read(self, socket: ClientConnection) -> int | None:
        worker = self.workers[-1]
        with contextlib.suppress(ConnectionClosed):
            async for raw in socket:
                event = json.loads(raw)
                kind = event.get("type")
                if kind == "group.message":
                    self._on_message(event, worker)
                elif kind == "group.ready":
                    self._on_ready(event)
                elif kind in ("group.ack", "group.error"):
                    if kind == "group.error":
                        self.errors.append(event)
                    waiter = self._waiters.pop(str(event.get("ref")), None)
                    if waiter is not None and not waiter.done():
                        waiter.set_result(event)
                else:
                    self.other_events.append(event)
        with contextlib.suppress(Exception):
            await socket.close()
        return socket.close_code

    def _on_message(self, event: dict[str, Any], worker: int | None) -> None:
        now = time.monotonic()
        self.frames += 1
        seq, rev = int(event["seq"]), int(event["rev"])
        known = self.messages.get(seq)
        if known is None or rev > int(known["rev"]):
            self.messages[seq] = event
            if known is None:
                self.first_arrival[seq] = Arrival(now, worker, live=not self._catching_up)
            if self.on_message is not None:
                self.on_message(self, event, now)
        else:
            self.ignored += 1
        if rev <= self.last:
            return
        self._revs_ahead.add(rev)
        while self.last + 1 in self._revs_ahead:
            self.last += 1
            self._revs_ahead.discard(self.last)
        if self._revs_ahead and not self._catching_up and (self._gap_task is None or self._gap_task.done()):
            # A number is missing (lost in flight, or still on its way): wait, then sync.
            self.gaps += 1
            self._gap_task = asyncio.get_running_loop().create_task(self._sync_after_gap())

    async def _sync_after_gap(self) -> None:
        await asyncio.sleep(self.gap_wait)
        if self._revs_ahead and min(self._revs_ahead) > self.last + 1:
            with contextlib.suppress(ConnectionClosed):
                await self.sync()

    def _on_ready(self, event: dict[str, Any]) -> None:
        self.member_id = int(event["member"])
        self.last = max(self.last, int(event["last"]))
        self._revs_ahead = {rev for rev in self._revs_ahead if rev > self.last}
        while self.last + 1 in self._revs_ahead:
            self.last += 1
            self._revs_ahead.discard(self.last)
        self._catching_up = False
        self.ready_times.append(time.monotonic())
        if self._disconnected_at is not None:
            self.reconnect_times.append(time.monotonic() - self._disconnected_at)
            self._disconnected_at = None
        self.ready.set()

    def _fail_waiters(self) -> None:
        for waiter in self._waiters.values():
            if not waiter.done():
                waiter.set_exception(ConnectionError("socket closed"))
        self._waiters.clear()

    # --- sending ---------------------------------------------------------------------
    async def send_text(self, text: str, ref: str, *, timeout: float = 60.0, ack_wait: float = 5.0) -> dict[str, Any]:
        """Sends a message and returns its group.ack, sending again with the same `ref`
        after a lost connection or a slow answer (the server never makes a second one)."""
        deadline = time.monotonic() + timeout
        attempt = 0
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or self.fatal:
                raise TimeoutError(f"{self.name}: {ref} not acknowledged ({self.fatal or 'timeout'})")
            try:
                await asyncio.wait_for(self.ready.wait(), remaining)
            except TimeoutError:
                continue
            socket = self.socket
            if socket is None:
                continue
            waiter: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
            self._waiters[ref] = waiter
            if attempt:
                self.resends += 1
            attempt += 1
            try:
                await socket.send(json.dumps({"type": "send", "text": text, "ref": ref}))
                answer = await asyncio.wait_for(waiter, min(ack_wait, max(0.1, deadline - time.monotonic())))
            except (TimeoutError, ConnectionClosed, ConnectionError):
                self._waiters.pop(ref, None)
                await asyncio.sleep(0.05)
                continue
            if answer["type"] == "group.ack":
                return answer
            if answer.get("code") == "rate_limited":
                await asyncio.sleep(float(answer.get("retry_after") or 1))
                continue
            raise RuntimeError(f"{self.name}: {ref} refused: {answer.get('code')} {answer.get('detail')}")

    async def stop(self) -> None:
        self._stopping = True
        if self._gap_task is not None:
            self._gap_task.cancel()
        socket = self.socket
        if socket is not None:
            with contextlib.suppress(Exception):
                await socket.close()

    def report(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "target": self.target.label,
            "last": self.last,
            "messages": len(self.messages),
            "frames": self.frames,
            "duplicates_ignored": self.ignored,
            "gaps": self.gaps,
            "syncs": self.syncs,
            "connects": self.connects,
            "failed_connects": self.failed_connects,
            "resends": self.resends,
            "workers": self.workers,
            "close_codes": self.close_codes,
            "fatal": self.fatal,
        }


async def wait_until(predicate: Callable[[], bool], *, timeout: float, step: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        await asyncio.sleep(step)
    return predicate()


async def gather_bounded(coros: list[Awaitable[Any]], *, limit: int) -> list[Any]:
    semaphore = asyncio.Semaphore(limit)

    async def one(coro: Awaitable[Any]) -> Any:
        async with semaphore:
            return await coro

    return await asyncio.gather(*(one(c) for c in coros))
