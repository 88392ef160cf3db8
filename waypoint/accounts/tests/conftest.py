from __future__ import annotations

import pytest
from django.test import Client

from waypoint.core.tests.personas import client_for


@pytest.fixture
def owner(alice):
    """The accounts tests call the person whose account it is "owner"."""
    return alice


@pytest.fixture
def other_user(bob):
    return bob


@pytest.fixture
def owner_client(owner) -> Client:
    return client_for(owner)
