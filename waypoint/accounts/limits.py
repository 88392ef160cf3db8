"""Sign-in and sign-up limits beside django-axes' lockout of one (account, address) pair.

axes stops one address guessing one account's password. Two more limits close the gaps:

- **per account, from any address**: after ``SIGNIN_FAILURES_PER_ACCOUNT`` wrong secrets
  (password, authenticator code or recovery code), each next try must wait — 30 s, then
  60 s, 2 min, ... doubling up to ``SIGNIN_MAX_DELAY_MINUTES`` — so rotating addresses
  buys an attacker at most about one guess per quarter hour. It is a delay, never a
  lock: a person waits at most that long, and a browser that already signed in to the
  account (it holds a signed "known device" cookie) skips the delay, counting its own
  failures instead (OWASP's "device cookies"). The count is forgotten a day after the
  last failure, and at once when the right person signs in.
- **per address, any account**: ``SIGNIN_FAILURES_PER_ADDRESS`` wrong secrets an hour
  (set high, because a library or shelter shares one address), and
  ``SIGNUPS_PER_ADDRESS`` sign-up forms an hour.

Counters live in the database (``AttemptCounter``) rather than the cache: a cache may
evict them under load, which would lift the limits exactly when they matter. The delay
is taken with a conditional UPDATE, so a burst of parallel guesses gets one through.
Every key is a keyed hash, so the table holds no name or address in clear.
"""

from __future__ import annotations

import math
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest, HttpResponseBase
from django.utils import timezone
from django.utils.crypto import salted_hmac

from waypoint.accounts.clientaddr import client_ip
from waypoint.accounts.models import AttemptCounter, username_fold

DEVICE_COOKIE = "wp_device"
DEVICE_COOKIE_DAYS = 180
_DEVICE_SALT = "waypoint.accounts.known-device"
HOUR = timedelta(hours=1)
# An account's failures are forgotten a day after the last one.
ACCOUNT_MEMORY = timedelta(days=1)


def _key(kind: str, value: str) -> str:
    digest = salted_hmac("waypoint.accounts.limits", f"{kind}:{value}", algorithm="sha256").hexdigest()
    return f"{kind}:{digest[:64]}"


def _account_key(username: str) -> str:
    return _key("account", username_fold(username))


def _address_key(kind: str, request: HttpRequest) -> str:
    return _key(kind, client_ip(request))


def _count(key: str, *, window: timedelta, sliding: bool) -> AttemptCounter:
    """Adds one to a counter; a counter past its expiry starts again from one."""
    now = timezone.now()
    with transaction.atomic():
        row, created = AttemptCounter.objects.select_for_update().get_or_create(
            key=key, defaults={"count": 1, "expires_at": now + window}
        )
        if created:
            return row
        if row.expires_at <= now:
            row.count, row.next_allowed, row.expires_at = 1, None, now + window
        else:
            row.count += 1
            if sliding:
                row.expires_at = now + window
        row.save(update_fields=["count", "next_allowed", "expires_at"])
    return row


def _live(key: str) -> AttemptCounter | None:
    return AttemptCounter.objects.filter(key=key, expires_at__gt=timezone.now()).first()


def _seconds_until(moment: datetime) -> int:
    return max(1, math.ceil((moment - timezone.now()).total_seconds()))


# --- Known devices -------------------------------------------------------------------


def _account_tag(username: str) -> str:
    return salted_hmac(_DEVICE_SALT, username_fold(username), algorithm="sha256").hexdigest()[:32]


def _device_nonce(request: HttpRequest, username: str) -> str | None:
    """The nonce of this browser's known-device cookie, if it is for this account."""
    raw = request.COOKIES.get(DEVICE_COOKIE)
    if not raw:
        return None
    try:
        value = signing.loads(raw, salt=_DEVICE_SALT, max_age=timedelta(days=DEVICE_COOKIE_DAYS))
    except signing.BadSignature:
        return None
    if not isinstance(value, dict) or value.get("a") != _account_tag(username):
        return None
    return str(value.get("n", "")) or None


def _trusted_device(request: HttpRequest, username: str) -> str | None:
    """A known device's nonce while it has not used up its own failures."""
    nonce = _device_nonce(request, username)
    if nonce is None:
        return None
    row = _live(_key("device", nonce))
    if row is not None and row.count >= settings.SIGNIN_FAILURES_PER_ACCOUNT:
        return None
    return nonce


def device_remember(response: HttpResponseBase, *, username: str) -> None:
    """Marks this browser as one that signed in to the account (an opaque signed value:
    neither the name nor anything else readable)."""
    value = signing.dumps({"a": _account_tag(username), "n": secrets.token_urlsafe(12)}, salt=_DEVICE_SALT)
    response.set_cookie(
        DEVICE_COOKIE,
        value,
        max_age=DEVICE_COOKIE_DAYS * 24 * 3600,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )


# --- Sign-in -------------------------------------------------------------------------


def account_delay(failures: int) -> timedelta:
    """The wait before the next try once an account has `failures` wrong secrets."""
    over = failures - settings.SIGNIN_FAILURES_PER_ACCOUNT
    if over < 0:
        return timedelta(0)
    longest = settings.SIGNIN_MAX_DELAY_MINUTES * 60
    return timedelta(seconds=min(settings.SIGNIN_DELAY_SECONDS * 2 ** min(over, 32), longest))


def signin_wait(request: HttpRequest, *, username: str) -> int:
    """Seconds this try must wait (0: go ahead). Call it only just before a secret is
    checked: in an account's delay, going ahead takes the one try of the period."""
    address = _live(_address_key("address", request))
    if address is not None and address.count >= settings.SIGNIN_FAILURES_PER_ADDRESS:
        return _seconds_until(address.expires_at)
    if _trusted_device(request, username) is not None:
        return 0
    key = _account_key(username)
    account = _live(key)
    if account is None or account.count < settings.SIGNIN_FAILURES_PER_ACCOUNT:
        return 0
    # Going ahead holds the next period for this try (signin_failed then counts the wait
    # from its failure): of a burst of parallel guesses, one UPDATE wins and the rest wait.
    now = timezone.now()
    open_now = Q(next_allowed__isnull=True) | Q(next_allowed__lte=now)
    taken = AttemptCounter.objects.filter(open_now, key=key, expires_at__gt=now).update(
        next_allowed=now + account_delay(account.count)
    )
    if taken:
        return 0
    account.refresh_from_db(fields=["next_allowed"])
    return _seconds_until(account.next_allowed or now)


def signin_failed(request: HttpRequest, *, username: str) -> None:
    """Counts one wrong secret for the address, and for the account (or, from a known
    device, for that device alone: strangers' guesses never slow the person's own browser)."""
    _count(_address_key("address", request), window=HOUR, sliding=False)
    nonce = _trusted_device(request, username)
    if nonce is not None:
        _count(_key("device", nonce), window=ACCOUNT_MEMORY, sliding=True)
        return
    account = _count(_account_key(username), window=ACCOUNT_MEMORY, sliding=True)
    if account.count >= settings.SIGNIN_FAILURES_PER_ACCOUNT:
        # The wait runs from this failure.
        AttemptCounter.objects.filter(pk=account.pk).update(next_allowed=timezone.now() + account_delay(account.count))


def signin_succeeded(request: HttpRequest, response: HttpResponseBase, *, username: str) -> None:
    """The right person is in: forget the account's failures and remember this browser."""
    keys = [_account_key(username)]
    nonce = _device_nonce(request, username)
    if nonce is not None:
        keys.append(_key("device", nonce))
    AttemptCounter.objects.filter(key__in=keys).delete()
    device_remember(response, username=username)


# --- Sign-up -------------------------------------------------------------------------


def signup_wait(request: HttpRequest) -> int:
    """Counts one sign-up form from this address; seconds to wait when over the limit."""
    row = _count(_address_key("signup", request), window=HOUR, sliding=False)
    if row.count > settings.SIGNUPS_PER_ADDRESS:
        return _seconds_until(row.expires_at)
    return 0


def counters_purge() -> int:
    """Deletes expired counters; returns how many."""
    return AttemptCounter.objects.filter(expires_at__lte=timezone.now()).delete()[0]


def account_counters_forget(*, username: str) -> int:
    """Deletes an account's failure counter (when the account is deleted)."""
    return AttemptCounter.objects.filter(key=_account_key(username)).delete()[0]
