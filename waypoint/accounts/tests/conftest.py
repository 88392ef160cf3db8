from __future__ import annotations

import pytest
from django.test import Client

from waypoint.accounts.tests.factories import UserFactory


@pytest.fixture
def owner(db):
    return UserFactory()


@pytest.fixture
def other_user(db):
    return UserFactory()


@pytest.fixture
def owner_client(owner) -> Client:
    client = Client()
    client.force_login(owner)
    return client


@pytest.fixture(autouse=True)
def fast_password_hashing(request, settings):
    """Argon2 is slow by design; tests use a fast hasher unless they ask for
    `real_hashers` (the test proving that Argon2 is what production uses)."""
    if "real_hashers" not in request.fixturenames:
        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def real_hashers():
    """Marker fixture: keep the hashers from settings.py."""


@pytest.fixture(autouse=True)
def english_by_default():
    """reverse() follows the active language, which a request to /es/ leaves active in
    this thread; each test starts in English so URLs do not depend on test order."""
    from django.utils import translation

    with translation.override("en"):
        yield
