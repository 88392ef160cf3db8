"""Every recovery page answers its owner (a broad first check; details in the other files)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from waypoint.recovery.tests.conftest import checkin

pytestmark = pytest.mark.django_db


PAGES = [
    "recovery:today",
    "recovery:progress",
    "recovery:checkin",
    "recovery:checkin_yesterday",
    "recovery:checkins",
    "recovery:lapses",
    "recovery:lapse_new",
    "recovery:plan",
    "recovery:plan_versions",
    "recovery:profile",
    "recovery:people",
    "recovery:appointments",
    "recovery:goals",
    "recovery:goal_new",
    "recovery:barc",
    "recovery:struggling",
    "recovery:breathe",
]


@pytest.mark.parametrize("name", PAGES)
def test_it_shows_every_page_to_its_owner(name, profile, alice, alice_client):
    checkin(alice, mood=4)
    response = alice_client.get(reverse(name))
    assert response.status_code == 200, response.content[:2000]
    if name != "recovery:breathe":
        assert "no-store" in response["Cache-Control"]
