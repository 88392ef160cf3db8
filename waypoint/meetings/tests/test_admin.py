"""Operators register feeds in the admin and refresh them from there."""

from __future__ import annotations

import json

import pytest

from waypoint.meetings.models import Feed, Meeting

pytestmark = pytest.mark.django_db

# `staff_client` (root conftest): an operator whose session passed two-step sign-in, which
# the admin requires.


def test_an_operator_registers_a_feed_and_refreshes_it(staff_client, tmp_path):
    path = tmp_path / "feed.json"
    path.write_text(json.dumps([{"name": "Hope", "slug": "hope", "day": 2, "time": "19:00"}]), encoding="utf-8")
    response = staff_client.post(
        "/admin/meetings/feed/add/",
        {
            "name": "Local AA",
            "kind": "meeting_guide",
            "url": str(path),
            "fellowship": "AA",
            "default_timezone": "America/Chicago",
            "service_bodies": "",
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    feed = Feed.objects.get()
    response = staff_client.post(
        "/admin/meetings/feed/", {"action": "refresh_now", "_selected_action": [feed.pk]}, follow=True
    )
    assert "1 meetings in feed, 1 new" in response.content.decode()
    assert Meeting.objects.get().timezone == "America/Chicago"


def test_the_admin_refuses_a_bad_time_zone(staff_client):
    response = staff_client.post(
        "/admin/meetings/feed/add/",
        {
            "name": "X",
            "kind": "bmlt",
            "url": "https://x.example.org/main_server",
            "fellowship": "NA",
            "default_timezone": "Mars/Base",
            "service_bodies": "1,a",
        },
    )
    assert response.status_code == 200
    assert not Feed.objects.exists()
