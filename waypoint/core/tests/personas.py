"""The people every test suite uses, in the spirit of healthchecks' alice/bob/charlie.

- **alice** owns the thing under test (her plan, her check-ins, her group);
- **bob** is another signed-in person, with things of his own, in no group with alice;
- **charlie** is a member of a *different* group (apps with groups put him there);
- **staff** is an operator account (``is_staff``, two-step sign-in on);
- anonymous is a plain ``Client()``.

Tests import the factory and helpers from here; the root ``conftest.py`` turns them into
fixtures (``alice``, ``bob``, ``charlie``, ``staff``, ``alice_client``, ...), so every app
tests access with the same cast.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import factory
import pyotp
from django.test import Client
from django.utils import timezone

from waypoint.accounts.models import User

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
    from waypoint.accounts.services import totp_device_create_confirmed

    secret = pyotp.random_base32()
    totp_device_create_confirmed(user=user, secret=secret)
    return pyotp.TOTP(secret)


def totp_code(totp: pyotp.TOTP, *, offset_steps: int = 0) -> str:
    return totp.at(int(timezone.now().timestamp()) + offset_steps * totp.interval)


def make_staff(**kwargs: object) -> User:
    """An operator: staff (with every admin permission), two-step sign-in on (staff must have it)."""
    user = UserFactory(is_staff=True, is_superuser=True, **kwargs)
    totp_on(user)
    return user


def client_for(user: User | None) -> Client:
    """A test client signed in as `user` (anonymous for None). A staff user's session has
    passed two-step sign-in, as staff pages require; so has the session of anyone with
    two-step sign-in on (signing in asks them for the code: facility staff pages need it)."""
    from waypoint.accounts.selectors import totp_enabled
    from waypoint.core.access import TWO_STEP_SESSION_KEY

    client = Client()
    if user is not None:
        client.force_login(user)
        if user.is_staff or totp_enabled(user=user):
            session = client.session
            session[TWO_STEP_SESSION_KEY] = True
            session.save()
    return client


def two_step_passed(client: Client) -> Client:
    """Marks a signed-in test client's session as having passed two-step sign-in, as the
    second step of signing in does (for a client signed in with ``force_login``)."""
    from waypoint.core.access import TWO_STEP_SESSION_KEY

    session = client.session
    session[TWO_STEP_SESSION_KEY] = True
    session.save()
    return client


@dataclass
class Cast:
    """The five personas of the access-policy walk, and what alice owns.

    Each app's ``tests/access_samples.py`` has ``samples(cast) -> {view name: URL kwargs}``:
    it makes alice's things (her plan, her group — with charlie in another group) and says
    which values fill the URL parameters. Text that only alice may ever see goes into
    ``cast.markers``: the walk fails if any other persona's response contains it.
    """

    alice: User
    bob: User
    charlie: User
    staff: User
    markers: list[str] = field(default_factory=list)
