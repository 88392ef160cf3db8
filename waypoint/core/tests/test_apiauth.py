"""How API clients prove who they are: personal access tokens (hashed, scoped, revocable)
and the browser's session (with CSRF on unsafe methods)."""

from __future__ import annotations

import asyncio
import sys
import time
import types
from typing import Any

import pytest
from django.test import Client
from django.urls import path
from django.utils import timezone
from ninja import NinjaAPI, Router

from waypoint.accounts import tokens
from waypoint.accounts.tokens import PersonalAccessToken, token_create, token_revoke
from waypoint.core import apierrors
from waypoint.core.access import Policy, api_access
from waypoint.core.apiauth import PERSONAL_AUTH

pytestmark = pytest.mark.django_db

router = Router(auth=PERSONAL_AUTH)


@router.get("/whoami", response={200: dict[str, Any], **apierrors.AUTH_ERROR_RESPONSES})
@api_access(Policy.SIGNED_IN)
def whoami(request: Any) -> dict[str, Any]:
    return {"username": request.user.username}


@router.post("/things", response={200: dict[str, Any], **apierrors.AUTH_ERROR_RESPONSES})
@api_access(Policy.SIGNED_IN)
def make_thing(request: Any) -> dict[str, Any]:
    return {"made_by": request.user.username}


api = NinjaAPI(urls_namespace="apiauth-test")
apierrors.install(api)
api.add_router("/t", router)
urlconf = types.ModuleType("waypoint_apiauth_test_urls")
urlconf.urlpatterns = [path("api/", api.urls)]  # type: ignore[attr-defined]
sys.modules[urlconf.__name__] = urlconf


@pytest.fixture(autouse=True)
def _urls(settings):
    settings.ROOT_URLCONF = urlconf.__name__


def bearer(raw: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_a_token_is_stored_only_as_a_digest(alice):
    token, raw = token_create(user=alice, name="phone", scope="read")
    stored = PersonalAccessToken.objects.filter(pk=token.pk).values_list("prefix", "digest").get()
    assert raw.startswith("wpt_" + stored[0])
    assert raw not in stored
    assert len(stored[1]) == 64


def test_a_read_token_reads_and_cannot_write(alice):
    _, raw = token_create(user=alice, name="phone", scope="read")
    client = Client()
    assert client.get("/api/t/whoami", **bearer(raw)).json() == {"username": "alice"}
    refused = client.post("/api/t/things", **bearer(raw))
    assert refused.status_code == 403
    assert refused.json()["detail"][0]["type"] == "read_only_token"


def test_a_read_write_token_writes_without_csrf(alice):
    _, raw = token_create(user=alice, name="app", scope="read-write")
    client = Client(enforce_csrf_checks=True)
    assert client.post("/api/t/things", **bearer(raw)).json() == {"made_by": "alice"}


def test_when_a_token_was_last_used_is_written_with_the_others_later(alice, bob):
    token, raw = token_create(user=alice, name="app", scope="read")
    other, other_raw = token_create(user=bob, name="app", scope="read")
    client = Client()
    before = timezone.now().replace(second=0, microsecond=0)
    for secret in (raw, other_raw, raw):
        assert client.get("/api/t/whoami", **bearer(secret)).status_code == 200
    # Held in this process, not yet written (no write on the call itself).
    assert set(tokens.used_stamps.pending()) == {token.pk, other.pk}
    assert PersonalAccessToken.objects.filter(last_used_at__isnull=False).count() == 0

    assert tokens.used_stamps.write() == 2
    assert tokens.used_stamps.pending() == {}
    for stamped in PersonalAccessToken.objects.filter(pk__in=[token.pk, other.pk]):
        assert stamped.last_used_at is not None
        assert before <= stamped.last_used_at <= timezone.now()
    # Used again within the resolution: nothing new to write.
    assert client.get("/api/t/whoami", **bearer(raw)).status_code == 200
    assert tokens.used_stamps.pending() == {}


@pytest.mark.django_db(transaction=True)
def test_the_last_used_times_are_written_by_themselves_after_the_delay(alice, monkeypatch):
    monkeypatch.setattr(tokens, "USED_WRITE_DELAY", 0.2)
    token, raw = token_create(user=alice, name="app", scope="read")
    assert Client().get("/api/t/whoami", **bearer(raw)).status_code == 200
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and PersonalAccessToken.objects.get(pk=token.pk).last_used_at is None:
        time.sleep(0.05)
    assert PersonalAccessToken.objects.get(pk=token.pk).last_used_at is not None
    assert tokens.used_stamps.pending() == {}


def test_a_revoked_wrong_or_missing_token_gets_401(alice):
    token, raw = token_create(user=alice, name="old", scope="read-write")
    token_revoke(user=alice, token_id=token.pk)
    client = Client()
    for headers in (bearer(raw), bearer(raw[:-2] + "xx"), bearer("wpt_nothing"), {}):
        response = client.get("/api/t/whoami", **headers)
        assert response.status_code == 401
        assert response.json()["detail"][0]["type"] == "not_authenticated"


def test_a_session_needs_the_csrf_token_to_write(alice):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    assert client.get("/api/t/whoami").json() == {"username": "alice"}
    refused = client.post("/api/t/things")
    assert refused.status_code == 403
    assert refused.json()["detail"][0]["type"] == "csrf_failed"
    client.get("/api/t/whoami")  # any page sets the cookie in a browser; here we make one
    from django.middleware.csrf import _get_new_csrf_string, _mask_cipher_secret

    secret = _get_new_csrf_string()
    client.cookies["csrftoken"] = secret
    ok = client.post("/api/t/things", HTTP_X_CSRFTOKEN=_mask_cipher_secret(secret))
    assert ok.json() == {"made_by": "alice"}


def test_someone_elses_token_cannot_be_revoked(alice, bob):
    from waypoint.core.access import NotAllowed

    token, _ = token_create(user=alice, name="phone", scope="read")
    with pytest.raises(NotAllowed):
        token_revoke(user=bob, token_id=token.pk)


def test_the_token_of_a_deactivated_account_gets_401(alice):
    _token, raw = token_create(user=alice, name="phone", scope="read-write")
    assert Client().get("/api/t/whoami", **bearer(raw)).status_code == 200
    alice.is_active = False
    alice.save(update_fields=["is_active"])
    response = Client().get("/api/t/whoami", **bearer(raw))
    assert response.status_code == 401


@pytest.mark.django_db(transaction=True)
def test_the_server_stopping_writes_the_last_used_times_it_holds(alice):
    """uvicorn stops a worker by re-raising the stop signal, so no exit hook runs: the ASGI
    lifespan's shutdown writes them (waypoint/asgi.py)."""
    from waypoint.asgi import application

    token, raw = token_create(user=alice, name="app", scope="read")
    assert Client().get("/api/t/whoami", **bearer(raw)).status_code == 200
    assert token.pk in tokens.used_stamps.pending()

    async def serve_and_stop() -> list[str]:
        messages: asyncio.Queue[dict[str, str]] = asyncio.Queue()
        for kind in ("lifespan.startup", "lifespan.shutdown"):
            messages.put_nowait({"type": kind})
        sent: list[str] = []

        async def send(message: dict[str, str]) -> None:
            sent.append(message["type"])

        await application({"type": "lifespan"}, messages.get, send)
        return sent

    assert asyncio.run(serve_and_stop()) == ["lifespan.startup.complete", "lifespan.shutdown.complete"]
    assert PersonalAccessToken.objects.get(pk=token.pk).last_used_at is not None
    assert tokens.used_stamps.pending() == {}
