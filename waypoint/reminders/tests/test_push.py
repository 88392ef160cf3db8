"""The real Web Push sender, with the push service mocked at the httpx boundary (respx):
the message is encrypted for that browser only, signed with our VAPID key, and the
service's answers are read right. No network."""

from __future__ import annotations

import json

import http_ece
import httpx
import pytest
import respx
from py_vapid import Vapid02

from waypoint.reminders import push, vapid
from waypoint.reminders.tests.conftest import browser_keys

ENDPOINT = "https://fcm.googleapis.com/fcm/send/abc123"


def target_and_private():
    private, p256dh, secret, auth = browser_keys()
    return push.Target(endpoint=ENDPOINT, p256dh=p256dh, auth=auth), private, secret


@respx.mock
def test_it_sends_a_message_only_the_browser_can_read_signed_with_our_key(settings):
    settings.VAPID_SUBJECT = "mailto:ops@example.org"
    route = respx.post(ENDPOINT).mock(return_value=httpx.Response(201))
    target, private, secret = target_and_private()
    payload = json.dumps({"title": "Notes", "body": "Time for your daily note."}).encode()
    result = push.WebPushSender().send(target, payload, ttl=600, urgency="normal", topic="wp-r7")
    assert result.ok
    request = route.calls.last.request
    assert request.headers["Content-Encoding"] == "aes128gcm"
    assert request.headers["TTL"] == "600"
    assert request.headers["Topic"] == "wp-r7"
    assert b"daily note" not in request.content  # encrypted on the way
    opened = http_ece.decrypt(request.content, private_key=private, auth_secret=secret, version="aes128gcm")
    assert json.loads(opened)["body"] == "Time for your daily note."
    # The VAPID signature verifies with our public key, for this push service.
    authorization = request.headers["Authorization"]
    assert authorization.startswith("vapid t=")
    assert Vapid02.verify(authorization)
    assert authorization.endswith("k=" + vapid.vapid_keys().public_key)


@pytest.mark.parametrize(
    ("status", "ok", "gone", "retry"),
    [(201, True, False, False), (410, False, True, False), (404, False, True, False), (429, False, False, True),
     (503, False, False, True), (400, False, False, False)],
)  # fmt: skip
@respx.mock
def test_it_reads_the_push_services_answer(status, ok, gone, retry):
    respx.post(ENDPOINT).mock(return_value=httpx.Response(status))
    target, _private, _secret = target_and_private()
    result = push.WebPushSender().send(target, b"{}", ttl=60, urgency="normal", topic="t")
    assert (result.ok, result.gone, result.retry) == (ok, gone, retry)


@respx.mock
def test_an_unreachable_push_service_is_retried_later():
    respx.post(ENDPOINT).mock(side_effect=httpx.ConnectTimeout("no network"))
    target, _private, _secret = target_and_private()
    assert push.WebPushSender().send(target, b"{}", ttl=60, urgency="normal", topic="t").retry


@respx.mock
def test_it_never_posts_to_a_host_outside_the_push_services():
    route = respx.post(url__regex=r".*").mock(return_value=httpx.Response(201))
    target, _private, _secret = target_and_private()
    for endpoint in ("https://127.0.0.1/x", "http://fcm.googleapis.com/x", "https://evil.example/fcm.googleapis.com",
                     "https://fcm.googleapis.com.evil.example/x", "https://fcm.googleapis.com:8443/x"):  # fmt: skip
        bad = push.Target(endpoint=endpoint, p256dh=target.p256dh, auth=target.auth)
        assert push.WebPushSender().send(bad, b"{}", ttl=60, urgency="normal", topic="t").gone
    assert route.calls.call_count == 0
    assert push.allowed_endpoint("https://web.push.apple.com/QGx")
    assert push.allowed_endpoint("https://updates.push.services.mozilla.com/wpush/v2/x")
