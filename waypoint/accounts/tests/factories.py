from __future__ import annotations

import factory
import pyotp
from django.utils import timezone

from waypoint.accounts.models import TotpDevice, User

PASSWORD = "quiet-river-lantern-42"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"walker{n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def totp_on(user: User) -> pyotp.TOTP:
    """Turns two-step sign-in on for `user` and returns a TOTP to make codes with."""
    secret = pyotp.random_base32()
    TotpDevice.objects.create(user=user, secret=secret, confirmed=True)
    return pyotp.TOTP(secret)


def totp_code(totp: pyotp.TOTP, *, offset_steps: int = 0) -> str:
    return totp.at(int(timezone.now().timestamp()) + offset_steps * totp.interval)
