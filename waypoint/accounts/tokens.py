"""Personal access tokens: for the installable app and for people who want their data.

A token is shown once, when it is made, and stored only as a SHA-256 digest (tokens are
256-bit random strings, so a fast hash is enough — as GitHub does; Argon2 on every API
call would cost more than the request). Its first characters are kept in clear as a
lookup prefix and to let the person tell their tokens apart. Each token is "read" or
"read-write", can be revoked, and says when it was last used.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
import threading
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from waypoint.core.access import NotAllowed
from waypoint.core.rows import Rows

TOKEN_PREFIX = "wpt_"  # noqa: S105 - a marker that says what the string is, not a secret
_PREFIX_CHARS = 8
# A token's last_used_at is updated only when it is older than this.
_USED_RESOLUTION = timedelta(minutes=5)
# ...and written at most this long after the call, with every other token used meanwhile.
USED_WRITE_DELAY = 60.0  # seconds

logger = logging.getLogger(__name__)


class PersonalAccessToken(models.Model):
    class Scope(models.TextChoices):
        READ = "read", _("Read only")
        READ_WRITE = "read-write", _("Read and write")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="access_tokens")
    name = models.CharField(_("name"), max_length=60)
    prefix = models.CharField(max_length=_PREFIX_CHARS, unique=True)
    digest = models.CharField(max_length=64)
    scope = models.CharField(max_length=12, choices=Scope.choices, default=Scope.READ)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        app_label = "accounts"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"token {self.prefix}…"

    @property
    def can_write(self) -> bool:
        return self.scope == self.Scope.READ_WRITE


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


# --- Services ---------------------------------------------------------------------------


def token_create(*, user: Any, name: str, scope: str) -> tuple[PersonalAccessToken, str]:
    """Makes a token; returns it with its clear text, which exists only now."""
    for _attempt in range(5):
        prefix = secrets.token_hex(_PREFIX_CHARS // 2)
        raw = f"{TOKEN_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
        token = PersonalAccessToken(user=user, name=name.strip(), prefix=prefix, digest=_digest(raw), scope=scope)
        token.full_clean()
        if not PersonalAccessToken.objects.filter(prefix=prefix).exists():
            with transaction.atomic():
                token.save()
            return token, raw
    raise RuntimeError("Could not find a free token prefix.")


def token_revoke(*, user: Any, token_id: int) -> None:
    token = token_for_owner(user=user, token_id=token_id)
    PersonalAccessToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())


def tokens_export(*, user: Any) -> list[dict[str, Any]]:
    """What "My data" shows of a person's tokens (never the digest)."""
    return [
        {
            "name": t.name,
            "scope": t.scope,
            "created": t.created_at.isoformat(),
            "last_used": t.last_used_at.isoformat() if t.last_used_at else None,
            "revoked": t.revoked_at.isoformat() if t.revoked_at else None,
        }
        for t in PersonalAccessToken.objects.filter(user=user)
    ]


def tokens_delete(*, user: Any) -> int:
    return int(PersonalAccessToken.objects.filter(user=user).delete()[0])


# --- Selectors --------------------------------------------------------------------------


def tokens_for_user(*, user: Any) -> list[PersonalAccessToken]:
    return list(PersonalAccessToken.objects.filter(user=user, revoked_at__isnull=True))


def token_for_owner(*, user: Any, token_id: int) -> PersonalAccessToken:
    token = PersonalAccessToken.objects.filter(pk=token_id).first()
    if token is None:
        raise NotAllowed()
    if token.user_id != user.pk:
        raise NotAllowed()
    return token


# Every API call with a token makes this look-up: written once (waypoint/core/rows.py).
_LIVE_WITH_ACTIVE_USER = Rows(
    "accounts.PersonalAccessToken",
    '{model}."prefix" = %s AND {model}."revoked_at" IS NULL AND {related}."is_active" = %s',
    params=["prefix", "user__is_active"],
    related="user",
    limit=1,
)


def token_authenticate(raw: str) -> PersonalAccessToken | None:
    """The live token `raw` is, with its (active) user, or None. Constant-time comparison of
    the digest."""
    if not raw.startswith(TOKEN_PREFIX):
        return None
    prefix = raw[len(TOKEN_PREFIX) : len(TOKEN_PREFIX) + _PREFIX_CHARS]
    token: PersonalAccessToken | None = _LIVE_WITH_ACTIVE_USER.first(prefix, True)
    if token is None or not hmac.compare_digest(token.digest, _digest(raw)):
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > _USED_RESOLUTION:
        used_stamps.note(token.pk, now)
    return token


class _UsedStamps:
    """When tokens were last used, kept in this process and written together, one UPDATE
    per token batch at most ``USED_WRITE_DELAY`` seconds after the first call of the batch.

    Why not on the call: a person's first call of the day (their daily check-in, for most)
    would also be a write of its own, on SQLite a turn at the one writer's place that every
    other writer waits for (bench/bench_checkins.py; docs/operations.md, "Performance").
    What it costs: "last used" may be up to a minute behind, and a server process that is
    killed (not stopped: it writes what it holds when the server shuts down, waypoint/asgi.py)
    loses that minute of times. It is a hint for the person looking at their tokens, not
    something they wrote.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pending: dict[int, datetime] = {}
        self._timer: threading.Timer | None = None

    def note(self, token_id: int, at: datetime) -> None:
        with self._lock:
            self._pending[token_id] = at
            if self._timer is None:
                self._timer = threading.Timer(USED_WRITE_DELAY, write_used_stamps)
                self._timer.daemon = True
                self._timer.start()

    def pending(self) -> dict[int, datetime]:
        with self._lock:
            return dict(self._pending)

    def write(self) -> int:
        """Writes what is held now (and stops the timer); returns how many tokens."""
        with self._lock:
            pending, self._pending = self._pending, {}
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None
        # Kept to the minute (the account page shows the day): one statement per minute of
        # calls, so one or two for a batch.
        by_time: dict[datetime, list[int]] = {}
        for token_id, at in pending.items():
            by_time.setdefault(at.replace(second=0, microsecond=0), []).append(token_id)
        for at, ids in by_time.items():
            for start in range(0, len(ids), 500):
                PersonalAccessToken.objects.filter(pk__in=ids[start : start + 500]).update(last_used_at=at)
        return len(pending)


used_stamps = _UsedStamps()


def write_used_stamps() -> None:
    """Writes the held last-use times now, from a thread of its own (the timer's, or the
    server's shutdown), and gives back that thread's database connection."""
    from django.db import connections

    try:
        used_stamps.write()
    except Exception:  # a database that is down must not end the process: log, drop the times
        logger.exception("could not write tokens' last-used times")
    finally:
        connections.close_all()
