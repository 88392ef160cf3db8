"""The account: pseudonymous (a username), e-mail optional."""

from __future__ import annotations

import uuid
from typing import ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from waypoint.core.encryption import EncryptedTextField


def username_fold(username: str) -> str:
    """The one spelling of a username that is stored and compared: trimmed, NFKC, lower case.
    "Alice" and "alice" are the same account everywhere (sign-up, sign-in, reset, admin)."""
    return AbstractUser.normalize_username(username.strip()).lower()


class FoldingUserManager(UserManager["User"]):
    def get_by_natural_key(self, username: str | None) -> User:
        # ModelBackend looks people up here: the name typed is folded like the stored one.
        return super().get_by_natural_key(username_fold(username or ""))


class User(AbstractUser):
    # AbstractUser's first/last name stay empty: Waypoint never asks for a real name.
    email = models.EmailField(_("e-mail (optional)"), blank=True)
    # Part of the session hash: raising it signs this account out on every device.
    session_generation = models.PositiveIntegerField(default=0)

    objects: ClassVar[FoldingUserManager] = FoldingUserManager()

    class Meta(AbstractUser.Meta):  # type: ignore[name-defined]  # django-stubs has no Meta
        constraints = [
            # Stored names are folded by normalize_username; the index also refuses a
            # second "Alice" written by any path that skips it (a raw save, a data load).
            models.UniqueConstraint(Lower("username"), name="accounts_user_username_folded_unique"),
        ]

    @classmethod
    def normalize_username(cls, username: str) -> str:
        # Used by create_user, createsuperuser and full_clean(): all of them fold.
        return username_fold(username) if isinstance(username, str) else username

    def get_session_auth_hash(self) -> str:
        from django.utils.crypto import salted_hmac

        return salted_hmac(
            "waypoint.accounts.session",
            f"{self.password}:{self.session_generation}",
            algorithm="sha256",
        ).hexdigest()


class RecoveryCode(models.Model):
    """One of a person's one-time recovery codes, kept only as a salted HMAC-SHA256.

    The codes are long random strings (60 bits), so a fast keyed hash with a salt per code
    is enough, and checking ten of them stays cheap (Argon2 ten times per attempt would not).
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="recovery_codes")
    salt = models.CharField(max_length=32)
    digest = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "used_at"])]

    def __str__(self) -> str:
        return f"recovery code {self.pk}"


class TotpDevice(models.Model):
    """A person's authenticator app (RFC 6238 TOTP).

    The secret is encrypted at rest with the person's data key (waypoint/core/crypto.py),
    bound to this row; it is never exported, shown again after set-up, or written to a log.
    """

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="totp_device")
    # The row's identity in the secret's ciphertext: a secret copied to another row does not open.
    row_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    secret = EncryptedTextField(key_owner="user")
    confirmed = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    # The 30-second time step of the last code accepted: a code is refused if its step is
    # not newer, so the same code cannot be replayed within its window.
    last_used_step = models.BigIntegerField(null=True, blank=True)

    def __str__(self) -> str:
        return f"authenticator for user {self.user_id}"


class AttemptCounter(models.Model):
    """One counter of the sign-in and sign-up limits (waypoint/accounts/limits.py).

    ``key`` is a keyed hash (HMAC with SECRET_KEY) of what is counted — an account name,
    a client address, a known device — so no name or address is stored in clear. Rows
    are deleted once ``expires_at`` passes (the purge task in accounts/tasks.py).
    """

    key = models.CharField(max_length=80, unique=True)
    count = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField(db_index=True)
    # An account past its free failures: the next try is let through no sooner than this.
    next_allowed = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"attempt counter {self.pk}"


from waypoint.accounts.tokens import PersonalAccessToken  # noqa: E402, F401  - a model of this app, in its own module
