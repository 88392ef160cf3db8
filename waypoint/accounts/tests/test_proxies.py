"""Forwarded headers are believed only from the proxies the operator lists (issue 15, item 2).

The first tests run the real uvicorn with the flags `make run` gives it
(scripts/serve.py), parsed by uvicorn's own command line, and guess a password from
"rotating" addresses written into X-Forwarded-For.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
import uvicorn
from axes.models import AccessAttempt
from django.test import RequestFactory

from scripts.serve import proxy_args
from waypoint.accounts.clientaddr import client_ip
from waypoint.core.tests.personas import PASSWORD, UserFactory

LOGIN = "/en/account/login/"


def _uvicorn_config(trusted: list[str], port: int) -> uvicorn.Config:
    """The config uvicorn builds from scripts/serve.py's flags, read by uvicorn's own CLI."""
    context = uvicorn.main.make_context("uvicorn", ["waypoint.asgi:application", *proxy_args(trusted)])
    return uvicorn.Config(
        "waypoint.asgi:application",
        host="127.0.0.1",
        port=port,
        proxy_headers=context.params["proxy_headers"],
        forwarded_allow_ips=context.params["forwarded_allow_ips"],
        log_level="warning",
        access_log=False,
        lifespan="off",
    )


@pytest.fixture
def serve(transactional_db: Any, settings: Any) -> Iterator[Callable[[list[str]], str]]:
    """Starts uvicorn as `make run` would, with TRUSTED_PROXIES = the list given."""
    import socket

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "127.0.0.1"]
    servers: list[tuple[uvicorn.Server, threading.Thread]] = []

    def start(trusted: list[str]) -> str:
        settings.TRUSTED_PROXIES = trusted
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = int(sock.getsockname()[1])
        server = uvicorn.Server(_uvicorn_config(trusted, port))
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        deadline = time.monotonic() + 20
        while not server.started:
            if time.monotonic() > deadline or not thread.is_alive():
                pytest.fail("uvicorn did not start")
            time.sleep(0.05)
        servers.append((server, thread))
        return f"http://127.0.0.1:{port}"

    yield start
    for server, thread in servers:
        server.should_exit = True
        thread.join(timeout=10)


def _guess(base_url: str, username: str, passwords: list[str]) -> list[int]:
    """Posts each password from a new forwarded-for address; returns the status codes."""
    statuses = []
    with httpx.Client(base_url=base_url, follow_redirects=False) as browser:
        page = browser.get(LOGIN).text
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert token is not None
        for n, password in enumerate(passwords):
            response = browser.post(
                LOGIN,
                data={"csrfmiddlewaretoken": token.group(1), "username": username, "password": password},
                headers={"X-Forwarded-For": f"203.0.113.{n + 1}"},
            )
            statuses.append(response.status_code)
    return statuses


def test_make_run_believes_no_forwarded_header_by_default(serve, settings):
    settings.SIGNIN_FAILURES_PER_ACCOUNT = 1000  # only the per-address lockout is at work here
    owner = UserFactory(username="owner")
    base_url = serve([])
    statuses = _guess(base_url, owner.username, ["wrong-wrong"] * 20 + [PASSWORD])
    # Every guess came from 127.0.0.1, whatever the header said: locked at the fifth.
    assert statuses[:4] == [200] * 4
    assert set(statuses[4:]) == {429}
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"127.0.0.1"}


def test_behind_a_listed_proxy_rotating_addresses_meet_the_account_limit(serve):
    owner = UserFactory(username="owner")
    # 127.0.0.1 plays the operator's proxy: each X-Forwarded-For is a real, different client.
    base_url = serve(["127.0.0.1"])
    statuses = _guess(base_url, owner.username, ["wrong-wrong"] * 20 + [PASSWORD])
    assert len(set(AccessAttempt.objects.values_list("ip_address", flat=True))) > 5
    # The per-account limit holds them back after its free tries: the right password, at
    # the end, must wait too.
    assert statuses == [200] * 10 + [429] * 11


def test_serve_passes_the_operators_proxies_to_uvicorn():
    assert proxy_args([]) == ["--no-proxy-headers"]
    assert proxy_args(["10.0.0.5", "192.168.0.0/16"]) == [
        "--proxy-headers",
        "--forwarded-allow-ips",
        "10.0.0.5,192.168.0.0/16",
    ]


# --- Django's own reading of the client address ----------------------------------------


def _request(remote: str, forwarded: str | None = None) -> Any:
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_without_trusted_proxies_the_header_is_ignored(settings):
    settings.TRUSTED_PROXIES = []
    assert client_ip(_request("198.51.100.7", "203.0.113.9")) == "198.51.100.7"


def test_from_a_listed_proxy_the_nearest_unlisted_address_is_the_client(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    # The client wrote "1.2.3.4" itself; the proxy appended the address it really saw.
    assert client_ip(_request("10.0.0.2", "1.2.3.4, 203.0.113.9")) == "203.0.113.9"
    assert client_ip(_request("10.0.0.2", "203.0.113.9, 10.0.0.3")) == "203.0.113.9"
    # A request from elsewhere has its header ignored, listed proxies or not.
    assert client_ip(_request("198.51.100.7", "203.0.113.9")) == "198.51.100.7"
    # Only proxies in the chain: the request came from the first of them.
    assert client_ip(_request("10.0.0.2", "10.0.0.9")) == "10.0.0.9"
    assert client_ip(_request("10.0.0.2")) == "10.0.0.2"


@pytest.mark.django_db
def test_the_api_rate_limit_counts_by_the_same_client_address(client, settings, monkeypatch):
    from waypoint.api import api

    throttle = api.throttle[0]  # type: ignore[index]
    monkeypatch.setattr(throttle, "num_requests", 2)
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    # Behind a listed proxy, two clients each have their own allowance...
    for address in ("203.0.113.1", "203.0.113.2"):
        for _ in range(2):
            assert client.get("/api/v1/articles", HTTP_X_FORWARDED_FOR=address).status_code == 200
    assert client.get("/api/v1/articles", HTTP_X_FORWARDED_FOR="203.0.113.1").status_code == 429
    # ...and without the setting, the header is nobody's: all share 127.0.0.1's.
    settings.TRUSTED_PROXIES = []
    from django.core.cache import cache

    cache.clear()
    statuses = [client.get("/api/v1/articles", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code for n in range(3)]
    assert statuses == [200, 200, 429]
