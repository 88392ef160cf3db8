"""The account: pseudonymous (a username), e-mail optional."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    # AbstractUser's first/last name stay empty: Waypoint never asks for a real name.
    email = models.EmailField(_("e-mail (optional)"), blank=True)
    # Part of the session hash: raising it signs this account out on every device.
    session_generation = models.PositiveIntegerField(default=0)

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

    The secret is never exported, shown again after set-up, or written to a log. It is
    not encrypted at rest yet: see docs/accounts.md.
    """

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="totp_device")
    secret = models.CharField(max_length=64)
    confirmed = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    # The 30-second time step of the last code accepted: a code is refused if its step is
    # not newer, so the same code cannot be replayed within its window.
    last_used_step = models.BigIntegerField(null=True, blank=True)

    def __str__(self) -> str:
        return f"authenticator for user {self.user_id}"
