"""Every URL declares who may use it, and keeps to it.

The walk visits every page pattern, API operation and WebSocket route with five personas
(anonymous, alice who owns the thing, bob — another signed-in person, charlie — a member of
a different group, and verified staff), and fails on any leak or on any pattern without
a declared policy. The full table is written to var/test-reports/url-policies.txt.

Expectations by policy (GET and POST, fresh sign-in each request):

- public: nobody gets a server error;
- signed-in: anonymous is sent to sign in (API: 401; socket: 4401); a signed-in person
  gets their own page;
- owner / group member / facilitator / facility staff: anonymous is sent to sign in; alice
  gets it; bob, charlie and staff get 404 (405 where the method is wrong, never both);
- staff: anonymous is sent to sign in; alice, bob and charlie get 404 or the sign-in page;
  verified staff get it.

Nobody but alice ever sees a marker string from alice's things.
"""

from __future__ import annotations

import importlib
import re
import sys
import types
from pathlib import Path
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from django.http import HttpResponse
from django.urls import path

from waypoint.core.access import Policy, page_access
from waypoint.core.testing import ws_communicator
from waypoint.core.tests.personas import Cast, UserFactory, client_for, make_staff
from waypoint.core.urlwalk import Route, all_routes, api_routes, page_routes, undeclared, ws_routes

ROOT = Path(__file__).resolve().parents[3]
PERSONAS = ["anonymous", "alice", "bob", "charlie", "staff"]
PERSONAL = {Policy.OWNER, Policy.GROUP_MEMBER, Policy.FACILITATOR, Policy.FACILITY_STAFF}
LOGIN_PATHS = ("/en/account/login/", "/admin/login/")
# Parameters of patterns under a declared include (the admin) get a value that names nothing.
PLACEHOLDER = "999999"


def _route_id(route: Route) -> str:
    return f"{route.kind}:{','.join(route.methods) or 'any'}:{route.route}"


ROUTES = all_routes()


def test_it_lists_every_url_with_a_declared_policy():
    lines = [f"{(r.policy.value if r.policy else 'UNDECLARED'):15} {r.label}  {r.view_name}" for r in ROUTES]
    out = ROOT / "var" / "test-reports"
    out.mkdir(parents=True, exist_ok=True)
    (out / "url-policies.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert {r.kind for r in ROUTES} >= {"page", "include", "api", "ws"}
    assert undeclared(ROUTES) == [], "\n".join(r.label for r in undeclared(ROUTES))


def test_a_url_without_a_policy_makes_the_walk_fail():
    """A new page, API operation or socket that forgets to declare its policy is caught."""
    from channels.generic.websocket import AsyncJsonWebsocketConsumer
    from ninja import NinjaAPI, Router

    def forgotten(request: Any) -> HttpResponse:
        return HttpResponse("hello")

    module = types.ModuleType("waypoint_test_undeclared_urls")
    module.urlpatterns = [  # type: ignore[attr-defined]
        path("declared/", page_access(Policy.PUBLIC)(forgotten), name="declared"),
        path("forgotten/", forgotten, name="forgotten"),
    ]
    sys.modules[module.__name__] = module
    try:
        missing = undeclared(page_routes(module.__name__))
    finally:
        del sys.modules[module.__name__]
    assert [r.route for r in missing] == ["forgotten/"]

    router = Router()

    @router.get("/thing")
    def thing(request: Any) -> dict[str, str]:
        return {}

    api = NinjaAPI(urls_namespace="undeclared-test")
    api.add_router("/x", router)
    assert [r.route for r in undeclared(api_routes(api))] == ["api/v1/x/thing"]

    class Quiet(AsyncJsonWebsocketConsumer):
        pass

    assert [r.route for r in undeclared(ws_routes([path("ws/quiet/", Quiet.as_asgi())]))] == ["ws/quiet/"]


# --- The walk ---------------------------------------------------------------------------


def _sample_modules() -> list[Any]:
    modules = []
    for app in sorted((ROOT / "waypoint").glob("*/tests/access_samples.py")):
        modules.append(importlib.import_module(f"waypoint.{app.parent.parent.name}.tests.access_samples"))
    return modules


@pytest.fixture
def cast(db: Any) -> tuple[Cast, dict[str, dict[str, Any]]]:
    people = Cast(
        alice=UserFactory(username="alice"),
        bob=UserFactory(username="bob"),
        charlie=UserFactory(username="charlie"),
        staff=make_staff(username="operator"),
    )
    samples: dict[str, dict[str, Any]] = {}
    for module in _sample_modules():
        samples.update(module.samples(people))
    return people, samples


def _url(route: Route, samples: dict[str, dict[str, Any]]) -> str:
    kwargs = samples.get(route.view_name)
    if callable(kwargs):
        kwargs = kwargs()
    if route.params and kwargs is None:
        if route.kind == "include":
            kwargs = dict.fromkeys(route.params, PLACEHOLDER)
        else:
            pytest.fail(
                f"{route.label} ({route.view_name}) takes {route.params}: give values for it in "
                "its app's tests/access_samples.py"
            )
    url = route.route
    for name, value in (kwargs or {}).items():
        url = re.sub(rf"<(?:\w+:)?{name}>|{{{name}}}", str(value), url)
    # A regex pattern of a declared include (the admin's app index, its catch-all): the
    # group's first literal alternative, or the placeholder.
    url = re.sub(r"\(\?P<\w+>([^)]*)\)", lambda m: _example(m.group(1)), url).replace("^", "").replace("$", "")
    return "/" + url if not url.startswith("/") else url


def _example(group: str) -> str:
    first = group.split("|")[0]
    return first if re.fullmatch(r"\w+", first) else PLACEHOLDER


def _user(cast: Cast, persona: str) -> Any:
    return None if persona == "anonymous" else getattr(cast, persona)


def _request(client: Any, route: Route, url: str, method: str) -> Any:
    if route.kind == "api":
        return getattr(client, method.lower())(
            url, content_type="application/json", data={} if method != "GET" else None
        )
    return getattr(client, method.lower())(url)


def _goes_to_sign_in(response: Any) -> bool:
    return response.status_code == 302 and response["Location"].split("?")[0].endswith(LOGIN_PATHS)


def _check_http(route: Route, cast: Cast, samples: dict[str, dict[str, Any]]) -> list[str]:
    problems: list[str] = []
    url = _url(route, samples)
    for persona in PERSONAS:
        user = _user(cast, persona)
        methods = list(route.methods) if route.kind == "api" else ["GET", "POST"]
        own = persona == "alice" or (persona == "staff" and route.policy is Policy.STAFF)
        if own and route.kind != "api":
            methods = ["GET"]  # the owner's (or operator's) own requests must not change their things
        statuses = {}
        for method in methods:
            response = _request(client_for(user), route, url, method)
            statuses[method] = response.status_code
            body = response.content.decode("utf-8", "replace") if not response.streaming else ""
            where = f"{persona} {method} {url} → {response.status_code}"
            if response.status_code >= 500:
                problems.append(f"{where}: server error")
            if persona != "alice":
                problems += [f"{where}: shows alice's {m!r}" for m in cast.markers if m in body]
            problems += _expectation(route, persona, method, response, where)
        if route.policy in PERSONAL and persona in {"bob", "charlie", "staff"} and set(statuses.values()) == {405}:
            problems.append(f"{persona} {url}: 405 for every method — the chokepoint never ran")
    return problems


def _expectation(route: Route, persona: str, method: str, response: Any, where: str) -> list[str]:
    status = response.status_code
    policy = route.policy
    api = route.kind == "api"
    if policy is Policy.PUBLIC:
        return []
    if persona == "anonymous":
        if route.kind == "include":
            return [] if status in {302, 404, 405} else [f"{where}: anonymous not refused"]
        ok = status == 401 if api else (_goes_to_sign_in(response) or status in {404, 405})
        return [] if ok else [f"{where}: anonymous not sent to sign in"]
    if policy is Policy.SIGNED_IN:
        # (A POST may well end at the sign-in page: "sign out everywhere" does.)
        refused = status in {401, 403} or (method == "GET" and _goes_to_sign_in(response))
        return [f"{where}: refused"] if refused else []
    if policy is Policy.STAFF:
        if route.kind == "include":
            # The admin's own views: non-staff are sent away (to sign in, or to its index)
            # without content; staff may meet its own 403/404 for placeholder objects.
            if persona == "staff":
                return [] if not _goes_to_sign_in(response) else [f"{where}: refused"]
            return [] if status in {302, 404, 405} else [f"{where}: not refused"]
        if persona == "staff":
            return [] if status not in {401, 403, 404} and not _goes_to_sign_in(response) else [f"{where}: refused"]
        return [] if status in {404, 405} or _goes_to_sign_in(response) else [f"{where}: not refused"]
    # Personal things: only alice.
    if persona == "alice":
        return [] if status not in {401, 403, 404} else [f"{where}: the owner is refused"]
    return [] if status in {404, 405} else [f"{where}: someone else's thing is not a 404"]


def _check_ws(route: Route, cast: Cast, samples: dict[str, dict[str, Any]]) -> list[str]:
    from waypoint.core.realtime import CLOSE_NOT_FOUND, CLOSE_NOT_SIGNED_IN

    problems = []
    url = _url(route, samples)
    communicators = {persona: ws_communicator(url, _user(cast, persona)) for persona in PERSONAS}

    async def connect_all() -> dict[str, tuple[bool, Any]]:
        results = {}
        for persona, communicator in communicators.items():
            results[persona] = await communicator.connect()
            await communicator.disconnect()
        return results

    results = async_to_sync(connect_all)()
    for persona, (connected, code) in results.items():
        where = f"{persona} {url} → {'open' if connected else code}"
        if persona == "anonymous":
            allowed = route.policy is Policy.PUBLIC
        elif route.policy in PERSONAL:
            allowed = persona == "alice"
        elif route.policy is Policy.STAFF:
            allowed = persona == "staff"
        else:
            allowed = True
        if allowed and not connected:
            problems.append(f"{where}: refused")
        if not allowed and connected:
            problems.append(f"{where}: let in")
        if not allowed and not connected:
            expected = CLOSE_NOT_SIGNED_IN if persona == "anonymous" else CLOSE_NOT_FOUND
            if code != expected:
                problems.append(f"{where}: closed with {code}, not {expected}")
    return problems


HTTP_ROUTES = [r for r in ROUTES if r.kind != "ws"]
WS_ROUTES = [r for r in ROUTES if r.kind == "ws"]


@pytest.mark.parametrize("route", HTTP_ROUTES, ids=_route_id)
def test_every_url_keeps_to_its_policy_for_every_persona(route: Route, cast: tuple[Cast, Any]) -> None:
    people, samples = cast
    if route.policy is None:
        pytest.fail(f"{route.label} declares no access policy")
    problems = _check_http(route, people, samples)
    assert problems == [], "\n".join(problems)


# Consumers read the database from another thread: these need committed rows.
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("route", WS_ROUTES, ids=_route_id)
def test_every_socket_keeps_to_its_policy_for_every_persona(route: Route, cast: tuple[Cast, Any]) -> None:
    people, samples = cast
    if route.policy is None:
        pytest.fail(f"{route.label} declares no access policy")
    problems = _check_ws(route, people, samples)
    assert problems == [], "\n".join(problems)
