"""Every URL the app answers — pages, API operations, WebSocket routes — with its declared
access policy. Used by ``manage.py url_policies`` and by the test that walks every URL with
every persona (waypoint/core/tests/test_access_policies.py)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver

from waypoint.core.access import Policy, policy_of

_API_NAMESPACE = "api"


@dataclass(frozen=True)
class Route:
    kind: str  # "page", "include" (a declared include such as the admin), "api" or "ws"
    route: str  # the pattern as written, e.g. "en/account/", "api/v1/me/checkins"
    view_name: str  # namespaced name for reverse(), or the API operation id
    policy: Policy | None
    params: tuple[str, ...] = ()
    methods: tuple[str, ...] = ()
    declared_by: str = ""  # the include that declared it, for patterns under a declared include
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def label(self) -> str:
        methods = ",".join(self.methods)
        return f"{self.kind:7} {methods:14} {self.route}"


def _params(pattern: Any) -> tuple[str, ...]:
    regex = getattr(pattern, "regex", None)
    return tuple(regex.groupindex) if regex is not None else ()


def page_routes(urlconf: Any = None) -> list[Route]:
    """Every page pattern (and every pattern under a declared include), with its policy."""
    return list(_walk(get_resolver(urlconf), prefix="", namespace="", declared=None, declared_by=""))


def _walk(
    resolver: URLResolver, *, prefix: str, namespace: str, declared: Policy | None, declared_by: str
) -> Iterator[Route]:
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            if entry.namespace == _API_NAMESPACE:
                continue  # API operations declare their own policies: see api_routes()
            ns = f"{namespace}:{entry.namespace}" if namespace and entry.namespace else (entry.namespace or namespace)
            own = policy_of(entry)
            yield from _walk(
                entry,
                prefix=route,
                namespace=ns,
                declared=own or declared,
                declared_by=route if own else declared_by,
            )
            continue
        if not isinstance(entry, URLPattern):
            continue
        name = f"{namespace}:{entry.name}" if namespace and entry.name else (entry.name or "")
        policy = policy_of(entry.callback) or policy_of(entry) or declared
        yield Route(
            kind="include" if declared and not policy_of(entry.callback) else "page",
            route=route,
            view_name=name,
            policy=policy,
            params=_params(entry.pattern),
            declared_by=declared_by if declared and not policy_of(entry.callback) else "",
        )


def api_routes(api: Any = None, *, prefix: str = "api/v1/") -> list[Route]:
    """Every API operation, with its policy (and ninja's own documentation views)."""
    if api is None:
        from waypoint.api import api as default_api

        api = default_api
    routes: list[Route] = []
    for bound in api._get_bound_routers():
        for path, path_view in bound.path_operations.items():
            full = re.sub(r"/+", "/", f"{prefix}{bound.prefix}/{path}".rstrip("/")).lstrip("/")
            for operation in path_view.operations:
                routes.append(
                    Route(
                        kind="api",
                        route=full,
                        view_name=api.get_openapi_operation_id(operation),
                        policy=policy_of(operation.view_func),
                        params=tuple(re.findall(r"{(?:\w+:)?(\w+)}", full)),
                        methods=tuple(sorted(operation.methods)),
                    )
                )
    return routes


def ws_routes(patterns: list[Any] | None = None) -> list[Route]:
    if patterns is None:
        from waypoint.routing import websocket_urlpatterns

        patterns = websocket_urlpatterns
    routes = []
    for entry in patterns:
        consumer = getattr(entry.callback, "consumer_class", entry.callback)
        routes.append(
            Route(
                kind="ws",
                route=str(entry.pattern),
                view_name=entry.name or consumer.__name__,
                policy=policy_of(consumer),
                params=_params(entry.pattern),
            )
        )
    return routes


def all_routes() -> list[Route]:
    return [*page_routes(), *api_routes(), *ws_routes()]


def undeclared(routes: list[Route]) -> list[Route]:
    return [route for route in routes if route.policy is None]
