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
