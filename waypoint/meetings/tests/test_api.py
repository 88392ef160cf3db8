"""GET /api/v1/meetings."""

from __future__ import annotations

from datetime import UTC, datetime, time

import pytest
import time_machine

from waypoint.meetings.tests.factories import MeetingFactory

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 24, 22, 30, tzinfo=UTC)  # Tuesday 17:30 in New York


@pytest.fixture
def meetings():
    return {
        "near": MeetingFactory(name="Near", types=["O", "BE"]),
        "far": MeetingFactory(name="Far", latitude=38.9, longitude=-77.03, address="Washington, DC"),
        "online": MeetingFactory(
            name="Online",
            attendance="online",
            latitude=None,
            longitude=None,
            address="",
            online_url="https://zoom.us/j/1",
            types=["C", "S"],
            start_time=time(18),
        ),
        "women": MeetingFactory(name="Women", types=["W"], fellowship="SMART", day_mask=1 << 4),
    }


@time_machine.travel(NOW, tick=False)
def test_it_finds_meetings_near_a_zip_with_distances(client, meetings):
    body = client.get("/api/v1/meetings", {"near": "22903", "radius": "10"}).json()
    assert [r["name"] for r in body["results"]] == ["Near", "Women"]
    first = body["results"][0]
    assert first["distance_miles"] < 2
    assert (first["day"], first["time"], first["timezone"]) == (2, "19:00", "America/New_York")
    assert first["next_start"] == "2026-11-25T00:00:00+00:00"
    assert set(first) >= {"id", "latitude", "longitude", "types", "online_url", "is_demo", "count"} - {"count"}
    assert body["count"] == 2


@time_machine.travel(NOW, tick=False)
def test_it_filters_online_starting_soon_type_and_fellowship(client, meetings):
    def names(**params):
        response = client.get("/api/v1/meetings", params)
        assert response.status_code == 200, response.content
        return [r["name"] for r in response.json()["results"]]

    assert names(online="true", starting_within="60") == ["Online"]
    assert names(near="Charlottesville, VA", starting_within="60") == []
    assert names(near="22903", starting_within="90") == ["Near"]
    assert names(near="22903", type="BE") == ["Near"]
    assert names(online="true", type=["S", "C"]) == ["Online"]
    assert names(near="38.03,-78.49", fellowship="SMART") == ["Women"]
    assert names(near="22903", day="4") == ["Women"]
    assert names(near="22903", radius="100") == ["Near", "Women", "Far"]


def test_it_pages_results(client):
    for n in range(5):
        MeetingFactory(name=f"M{n}", start_time=time(10 + n))
    body = client.get("/api/v1/meetings", {"near": "22903", "day": "2", "page": "2", "page_size": "2"}).json()
    assert body["count"] == 5
    assert [r["name"] for r in body["results"]] == ["M2", "M3"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"near": "99999"}, "near"),
        ({"near": "22903", "radius": "-1"}, "radius"),
        ({"day": "7"}, "day"),
        ({"starting_within": "soon"}, "starting_within"),
        ({"online": "maybe"}, "online"),
        ({"online": "true", "type": "ZZZ"}, "type"),
        ({"online": "true", "fellowship": "XX"}, "fellowship"),
        ({"online": "true", "page_size": "1000"}, "page_size"),
        ({"online": "true", "colour": "red"}, "colour"),
    ],
)
def test_it_names_the_field_of_bad_input(client, params, field):
    response = client.get("/api/v1/meetings", params)
    assert response.status_code == 422
    assert [d["loc"] for d in response.json()["detail"]] == [["query", field]]


def test_it_flags_demo_meetings(client):
    meeting = MeetingFactory(is_demo=True)
    result = client.get("/api/v1/meetings", {"near": "22903"}).json()["results"][0]
    assert (result["is_demo"], result["demo_label"]) == (True, "demo data — not real meetings")
    one = client.get(f"/api/v1/meetings/{meeting.pk}").json()
    assert (one["id"], one["is_demo"]) == (meeting.pk, True)
    assert client.get("/api/v1/meetings/999999").status_code == 404


def test_it_needs_a_place_or_online(client):
    response = client.get("/api/v1/meetings", {"day": "2"})
    assert response.status_code == 422
    assert [d["loc"] for d in response.json()["detail"]] == [["query", "near"]]
