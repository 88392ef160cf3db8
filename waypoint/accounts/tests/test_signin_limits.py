"""The per-account delay, the per-address limits and sign-up's limit (waypoint/accounts/limits.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from waypoint.accounts.limits import DEVICE_COOKIE, account_delay
from waypoint.accounts.models import AttemptCounter
from waypoint.core.tests.personas import PASSWORD, totp_code, totp_on

pytestmark = pytest.mark.django_db

LOGIN = "/en/account/login/"
SECOND = "/en/account/login/code/"
RESET = "/en/account/password/reset/"
START = "2026-12-01 09:00:00"


@pytest.fixture(autouse=True)
def behind_a_proxy(settings):
    """127.0.0.1 (the test client) is the operator's proxy, so each X-Forwarded-For below
    is a different real client, as when an attacker uses many machines."""
    settings.TRUSTED_PROXIES = ["127.0.0.1"]


def _post_from(client: Client, n: int, url: str, data: dict[str, str]):
    return client.post(url, data, HTTP_X_FORWARDED_FOR=f"203.0.113.{n % 250 + 1}")


def _guess_from_many(username: str, count: int, *, start: int = 0) -> list[int]:
    attacker = Client()
    return [
        _post_from(attacker, start + n, LOGIN, {"username": username, "password": "wrong-wrong"}).status_code
        for n in range(count)
    ]


def test_twenty_guesses_from_rotating_addresses_then_the_right_password_must_wait(owner):
    with time_machine.travel(START, tick=False):
        statuses = _guess_from_many(owner.username, 20)
        assert statuses == [200] * 10 + [429] * 10
        right = _post_from(Client(), 99, LOGIN, {"username": owner.username.upper(), "password": PASSWORD})
        assert right.status_code == 429
        assert "Please wait before trying again" in right.content.decode()
        assert int(right["Retry-After"]) == 30


def test_the_wait_doubles_with_each_wrong_try_and_is_never_long(owner, settings):
    with time_machine.travel(START, tick=False) as clock:
        _guess_from_many(owner.username, 10)
        waits = []
        for step in range(8):
            refused = _post_from(Client(), 100 + step, LOGIN, {"username": owner.username, "password": "x-wrong-x"})
            waits.append(int(refused["Retry-After"]))
            clock.shift(waits[-1])
            assert (
                _post_from(Client(), 120 + step, LOGIN, {"username": owner.username, "password": "wrong"}).status_code
                == 200
            )
        assert waits == [30, 60, 120, 240, 480, 900, 900, 900]
        assert max(waits) == settings.SIGNIN_MAX_DELAY_MINUTES * 60
        # After the wait, the person signs in from anywhere.
        clock.shift(900)
        assert _post_from(Client(), 200, LOGIN, {"username": owner.username, "password": PASSWORD}).status_code == 302
        # ...and the account's count starts again.
        assert not AttemptCounter.objects.filter(key__startswith="account:").exists()


def test_a_browser_that_signed_in_before_skips_the_delay(owner):
    with time_machine.travel(START, tick=False):
        phone = Client()
        assert phone.post(LOGIN, {"username": owner.username, "password": PASSWORD}).status_code == 302
        assert DEVICE_COOKIE in phone.cookies
        phone.post(reverse("accounts:logout"))
        _guess_from_many(owner.username, 30)
        # Strangers are held back; the person's own browser is not.
        assert _post_from(Client(), 99, LOGIN, {"username": owner.username, "password": PASSWORD}).status_code == 429
        assert phone.post(LOGIN, {"username": owner.username, "password": PASSWORD}).status_code == 302


def test_a_known_browser_has_its_own_free_tries_then_counts_like_any_other(owner):
    with time_machine.travel(START, tick=False):
        laptop = Client()
        laptop.post(LOGIN, {"username": owner.username, "password": PASSWORD})
        laptop.post(reverse("accounts:logout"))
        statuses = [
            _post_from(laptop, n, LOGIN, {"username": owner.username, "password": "wrong-wrong"}).status_code
            for n in range(21)
        ]
        # Ten on the browser's own count, then ten on the account's, then the wait.
        assert statuses == [200] * 20 + [429]


def test_codes_count_towards_the_account_limit_too(owner):
    totp = totp_on(owner)
    with time_machine.travel(START, tick=False):
        # A thief who has the password still cannot guess codes from many addresses.
        thief = Client()
        thief.post(LOGIN, {"username": owner.username, "password": PASSWORD})
        statuses = [_post_from(thief, n, SECOND, {"code": "000000"}).status_code for n in range(12)]
        assert statuses[:10] == [200] * 10
        assert statuses[10:] == [429, 429]
        assert _post_from(thief, 50, SECOND, {"code": totp_code(totp)}).status_code == 429


def test_recovery_codes_on_the_reset_page_count_too(owner):
    with time_machine.travel(START, tick=False):
        attacker = Client()
        data = {
            "username": owner.username,
            "code": "AAAA-BBBB-CCCC",
            "new_password1": "n3w-pass-phrase-9",
            "new_password2": "n3w-pass-phrase-9",
        }
        statuses = [_post_from(attacker, n, RESET, data).status_code for n in range(12)]
        assert statuses[:10] == [200] * 10
        assert statuses[10:] == [429, 429]


def test_one_address_guessing_many_accounts_is_stopped(settings):
    settings.TRUSTED_PROXIES = []
    settings.SIGNIN_FAILURES_PER_ADDRESS = 6
    with time_machine.travel(START, tick=False) as clock:
        library = Client()
        statuses = [
            library.post(LOGIN, {"username": f"someone{n}", "password": "wrong-wrong"}).status_code for n in range(7)
        ]
        assert statuses == [200] * 6 + [429]
        # An hour on, the address starts again.
        clock.shift(3601)
        assert library.post(LOGIN, {"username": "someone9", "password": "wrong-wrong"}).status_code == 200


def test_sign_up_is_limited_per_address(settings):
    settings.SIGNUPS_PER_ADDRESS = 2
    with time_machine.travel(START, tick=False) as clock:
        statuses = []
        for n in range(3):
            visitor = Client()
            password = "a-long-pass-phrase-7"
            data = {"username": f"newcomer{n}", "new_password1": password, "new_password2": password}
            statuses.append(_post_from(visitor, 1, reverse("accounts:signup"), data).status_code)
        assert statuses == [302, 302, 429]
        # Another address is not affected; the first one waits out its hour.
        data = {
            "username": "newcomer9",
            "new_password1": "a-long-pass-phrase-7",
            "new_password2": "a-long-pass-phrase-7",
        }
        assert _post_from(Client(), 2, reverse("accounts:signup"), data).status_code == 302
        clock.shift(3601)
        data["username"] = "newcomer10"
        assert _post_from(Client(), 1, reverse("accounts:signup"), data).status_code == 302


def test_the_counters_hold_no_name_or_address_in_clear(owner):
    _guess_from_many(owner.username, 3)
    for key in AttemptCounter.objects.values_list("key", flat=True):
        assert owner.username not in key
        assert "203.0.113" not in key


def test_the_delay_table_matches_the_documented_numbers(settings):
    assert account_delay(settings.SIGNIN_FAILURES_PER_ACCOUNT - 1) == timedelta(0)
    assert account_delay(settings.SIGNIN_FAILURES_PER_ACCOUNT) == timedelta(seconds=30)
    assert account_delay(10_000) == timedelta(minutes=15)


def test_an_unknown_name_is_slowed_down_exactly_like_a_real_one(owner):
    with time_machine.travel(START, tick=False):
        real = _guess_from_many(owner.username, 12)
        unknown = _guess_from_many("nobody-here", 12, start=50)
    assert real == unknown


def test_counters_expire(owner):
    _guess_from_many(owner.username, 2)
    assert AttemptCounter.objects.filter(expires_at__gt=timezone.now()).exists()
    assert AttemptCounter.objects.filter(expires_at__lte=timezone.now() + timedelta(days=1, minutes=1)).count() == (
        AttemptCounter.objects.count()
    )
