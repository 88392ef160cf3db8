from __future__ import annotations

import re

import pyotp
import pytest
import time_machine
from django.urls import reverse

from waypoint.accounts import selectors, services
from waypoint.accounts.models import TotpDevice
from waypoint.core.tests.personas import PASSWORD, totp_code, totp_on

pytestmark = pytest.mark.django_db

LOGIN = "/en/account/login/"
SECOND = "/en/account/login/code/"


def test_it_sets_up_with_an_inline_svg_qr_code_without_style_attributes(owner_client, owner):
    page = owner_client.get(reverse("accounts:totp_setup")).content.decode()
    svg = re.search(r"<svg.*?</svg>", page, re.S)
    assert svg is not None
    assert "style=" not in svg.group(0)
    assert "<title>" in svg.group(0)
    device = TotpDevice.objects.get(user=owner)
    assert not device.confirmed
    # The same secret is shown on a reload until it is confirmed.
    assert owner_client.get(reverse("accounts:totp_setup")).context["secret"].replace(" ", "") == device.secret

    wrong = owner_client.post(reverse("accounts:totp_setup"), {"code": "000000"})
    assert "That code is not right" in wrong.content.decode()
    code = pyotp.TOTP(device.secret).now()
    response = owner_client.post(reverse("accounts:totp_setup"), {"code": code})
    assert response["Location"] == reverse("accounts:home")
    assert selectors.totp_enabled(user=owner)


def test_it_asks_for_a_code_before_the_session_is_signed_in(client, owner):
    totp = totp_on(owner)
    response = client.post(LOGIN, {"username": owner.username, "password": PASSWORD})
    assert response["Location"].startswith(SECOND)
    assert client.get(reverse("accounts:home")).status_code == 302  # not signed in yet
    wrong = client.post(SECOND, {"code": "123456"})
    assert "That code is not right" in wrong.content.decode()
    assert client.get(reverse("accounts:home")).status_code == 302
    right = client.post(SECOND, {"code": totp_code(totp)})
    assert right["Location"] == reverse("accounts:home")
    assert client.get(reverse("accounts:home")).status_code == 200


def test_it_refuses_the_same_code_twice(owner):
    totp = totp_on(owner)
    with time_machine.travel("2026-11-22 12:00:05", tick=False):
        code = totp_code(totp)
        assert services.totp_verify(user=owner, code=code)
        assert not services.totp_verify(user=owner, code=code)
    with time_machine.travel("2026-11-22 12:00:35", tick=False):
        # The previous step's code is still in the window, but it was used: refused.
        assert not services.totp_verify(user=owner, code=code)
        assert services.totp_verify(user=owner, code=totp_code(totp))


def test_it_accepts_a_recovery_code_instead(client, owner):
    totp_on(owner)
    codes = services.recovery_codes_generate(user=owner)
    client.post(LOGIN, {"username": owner.username, "password": PASSWORD})
    response = client.post(SECOND, {"code": codes[0]})
    assert response["Location"] == reverse("accounts:home")


def test_it_locks_out_code_guessing_at_the_second_step(client, owner):
    totp_on(owner)
    client.post(LOGIN, {"username": owner.username, "password": PASSWORD})
    statuses = [client.post(SECOND, {"code": "000000"}).status_code for _ in range(5)]
    assert statuses[:4] == [200] * 4
    assert statuses[4] == 429
    assert client.get(SECOND).status_code == 429


def test_it_sends_back_to_sign_in_without_a_pending_first_step(client):
    assert client.get(SECOND)["Location"] == reverse("accounts:login")


def test_it_turns_off_only_with_password_and_code(owner_client, owner):
    totp = totp_on(owner)
    refused = owner_client.post(reverse("accounts:totp_disable"), {"password": "wrong", "code": totp_code(totp)})
    assert refused.status_code == 200
    refused = owner_client.post(reverse("accounts:totp_disable"), {"password": PASSWORD, "code": "000000"})
    assert "That code is not right" in refused.content.decode()
    assert selectors.totp_enabled(user=owner)
    response = owner_client.post(reverse("accounts:totp_disable"), {"password": PASSWORD, "code": totp_code(totp)})
    assert response["Location"] == reverse("accounts:home")
    assert not selectors.totp_enabled(user=owner)
