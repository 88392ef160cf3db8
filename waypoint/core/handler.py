"""Django's ASGI handler, made cheaper for an application whose views are all synchronous.

Django 5.2's ``ASGIHandler`` runs each request in a new ``ThreadSensitiveContext``: a new
thread is started for the request's synchronous code and joined (from yet another new
thread) when it ends, so every request opens its own database connection too. It also
loads the middleware in async mode, where every ``MiddlewareMixin`` method and every
sync-only middleware is a hop between the event loop and that thread — about fifteen
hops for our stack. Every Waypoint view is synchronous, so none of that buys anything
(profile and figures: docs/operations.md, "Performance").

``LanedASGIHandler`` keeps Django's ASGI request cycle as it is — reading the body,
``request_started``/``request_finished``, streaming the response, noticing a client that
went away — and changes two things:

- the middleware chain and the view are loaded in **sync mode**, as under WSGI: the same
  middleware in the same order (so the same headers, CSRF checks, sessions and lockouts),
  entered through one ``sync_to_async`` call per request;
- each request's synchronous code runs on one of a fixed set of long-lived threads
  ("lanes", ``WEB_THREADS`` per process), through asgiref's documented
  ``ThreadSensitiveContext(executor=...)`` ("you may use it again for a later block, for
  example in a pool"). All of a request's thread-sensitive work stays on its lane, as it
  stayed on its own thread before; a lane serves one request at a time, and a request
  waits for a free lane when all are busy.

A lane is held from the start of the request to its end (sending the response
included): a slow client holds one, which is why a proxy that buffers (nginx does by
default) belongs in front of a deployment (docs/operations.md).
"""

from __future__ import annotations

import asyncio
import gc
import sys
import weakref
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from asgiref.sync import ThreadSensitiveContext, sync_to_async
from django.conf import settings
from django.core.handlers import base
from django.core.handlers.asgi import ASGIHandler
from django.http import HttpRequest
from django.http.response import HttpResponseBase

LANE_THREAD_PREFIX = "waypoint-lane"


class _Lanes:
    """One event loop's lanes: up to `size` single-thread executors, made when first needed
    and reused most-recent-first (its thread and database connection are warm)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.free: list[ThreadPoolExecutor] = []
        self.made = 0
        self.slots = asyncio.Semaphore(size)

    async def acquire(self) -> ThreadPoolExecutor:
        await self.slots.acquire()
        if self.free:
            return self.free.pop()
        self.made += 1
        return ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"{LANE_THREAD_PREFIX}-{self.made}")

    def release(self, lane: ThreadPoolExecutor) -> None:
        self.free.append(lane)
        self.slots.release()


class LanedASGIHandler(ASGIHandler):
    """See the module's docstring."""

    def __init__(self, lanes: int | None = None) -> None:
        base.BaseHandler.__init__(self)
        # Sync mode: sync middleware are called directly; an async-only one (ServeStatic)
        # is adapted by Django, as under WSGI.
        self.load_middleware(is_async=False)
        self.lane_count = lanes or int(getattr(settings, "WEB_THREADS", 4))
        # Per event loop (uvicorn runs one per process; tests may run several, one at a time).
        self._lanes: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Lanes] = weakref.WeakKeyDictionary()

    def _lanes_of_this_loop(self) -> _Lanes:
        loop = asyncio.get_running_loop()
        lanes = self._lanes.get(loop)
        if lanes is None:
            lanes = self._lanes[loop] = _Lanes(self.lane_count)
        return lanes

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            raise ValueError(f"Django can only handle ASGI/HTTP connections, not {scope['type']}.")
        lanes = self._lanes_of_this_loop()
        lane = await lanes.acquire()
        try:
            async with ThreadSensitiveContext(executor=lane):
                await self.handle(scope, receive, send)
        finally:
            lanes.release(lane)

    async def get_response_async(self, request: HttpRequest) -> HttpResponseBase:
        # The whole chain and the view in one call on this request's lane.
        response: HttpResponseBase = await sync_to_async(self.get_response, thread_sensitive=True)(request)
        return response


def get_asgi_application() -> LanedASGIHandler:
    """Like ``django.core.asgi.get_asgi_application``, with the laned handler."""
    import django

    django.setup(set_prefix=False)
    # The event loop and the lanes take turns holding the GIL. A thread that wants it back
    # (a lane whose database call has returned, the loop with a response to send) waits for
    # the holder's switch interval, 5 ms by default: on SQLite a lane waits like that while
    # it holds the one writer's place, and every writer in every process waits behind it.
    # 0.5 ms, on SQLite: /healthz about 720 → 960 requests/s, check-ins about 140 → 210/s
    # (bench/bench_checkins.py; docs/operations.md, "Performance").
    sys.setswitchinterval(0.0005)
    handler = LanedASGIHandler()
    # What is loaded by now (Django, the apps, the URL patterns) lives as long as the
    # process: kept out of the garbage collector's full passes, which otherwise walk it all
    # again and again (about 7 % of a check-in's CPU).
    gc.freeze()
    return handler
