"""The locator's "can see me soon" filter and sort (waypoint/directory/selectors.py), still two
queries per results page; the facility API's ``availability``; the open feed at
GET /api/v1/availability (public, paged, with ages)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from waypoint.availability import services
from waypoint.availability.tests.helpers import make_facility, make_member
from waypoint.directory.selectors import facility_search
from waypoint.directory.tests.factories import codes_text

pytestmark = pytest.mark.django_db
CVILLE = (38.0293, -78.4767)
NOON = dt.datetime(2026, 11, 20, 12, 0, tzinfo=dt.UTC)


def _place(latitude_offset: float, **answers: Any) -> Any:
    facility = make_facility(latitude=CVILLE[0] + latitude_offset, longitude=CVILLE[1], codes=codes_text("SA", "BU"))
    if answers:
        services.availability_update(staff=make_member(facility=facility), **answers)
    return facility


@pytest.fixture
def places() -> dict[str, Any]:
    """Nearest first: no news; a week-old 'yes' (gone); 'no'; a 5-day waitlist; a 2-day-old 'yes'
    (stale for the filter); 'yes' today; a 30-day waitlist."""
    with time_machine.travel(NOON - dt.timedelta(days=8), tick=False):
        old_yes = _place(0.002, new_clients="yes")
    with time_machine.travel(NOON - dt.timedelta(days=4), tick=False):
        stale_yes = _place(0.008, new_clients="yes")
    with time_machine.travel(NOON - dt.timedelta(hours=1), tick=False):
        found = {
            "silent": _place(0.001),
            "old_yes": old_yes,
            "no": _place(0.003, new_clients="no"),
            "wait5": _place(0.004, new_clients="waitlist", wait_days=5),
            "stale_yes": stale_yes,
            "today": _place(0.010, new_clients="yes"),
            "wait30": _place(0.012, new_clients="waitlist", wait_days=30),
        }
    return found


def _ids(page: Any) -> list[int]:
    return [hit.facility.pk for hit in page.hits]


def test_the_soon_filter_keeps_fresh_places_that_see_new_clients_within_a_week(places):
    with time_machine.travel(NOON, tick=False):
        page = facility_search(latitude=CVILLE[0], longitude=CVILLE[1], soon=True, sort="soon")
    assert _ids(page) == [places["today"].pk, places["wait5"].pk]


def test_the_soon_sort_puts_the_soonest_first_then_the_rest_by_distance(places):
    with time_machine.travel(NOON, tick=False):
        page = facility_search(latitude=CVILLE[0], longitude=CVILLE[1], sort="soon")
    assert _ids(page) == [
        places["today"].pk,
        places["wait5"].pk,
        places["wait30"].pk,
        # No fresh "soon" answer: by distance.
        places["silent"].pk,
        places["old_yes"].pk,
        places["no"].pk,
        places["stale_yes"].pk,
    ]
    distance = facility_search(latitude=CVILLE[0], longitude=CVILLE[1])
    assert _ids(distance)[0] == places["silent"].pk  # the default order is unchanged


def test_soon_widens_like_any_filter():
    with time_machine.travel(NOON, tick=False):
        far = _place(1.0, new_clients="yes")  # ~69 miles
        page = facility_search(latitude=CVILLE[0], longitude=CVILLE[1], radius_miles=10, soon=True, widen=True)
    assert (_ids(page), page.radius_miles) == ([far.pk], 100)


def test_an_unknown_sort_is_refused():
    with pytest.raises(ValueError, match="sort"):
        facility_search(latitude=CVILLE[0], longitude=CVILLE[1], sort="name")


@pytest.mark.parametrize("soon", [False, True])
def test_a_results_page_with_availability_lines_is_still_two_queries(client: Client, places, soon):
    with time_machine.travel(NOON, tick=False):
        params = {"near": "22902", "service": ["BU"], **({"soon": "on"} if soon else {})}
        with CaptureQueriesContext(connection) as queries:
            response = client.post("/en/treatment/", params, follow=True)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('data-testid="availability"') == (2 if soon else 5)
    assert len([q for q in queries.captured_queries if "directory_facility" in q["sql"]]) == 2
    if soon:
        assert 'data-testid="soon-chosen"' in html
        assert 'name="soon" value="on" checked' in html.replace('id="id_soon" ', "")


def test_the_search_form_offers_can_see_me_soon_and_keeps_it_out_of_the_url(client: Client, places):
    assert 'data-testid="soon-filter"' in client.get("/en/treatment/").content.decode()
    with time_machine.travel(NOON, tick=False):
        response = client.post("/en/treatment/", {"near": "22902", "soon": "on"})
    assert response.status_code == 303
    assert "soon" not in response["Location"]


def test_the_facility_api_returns_availability_on_each_result(client: Client, places):
    with time_machine.travel(NOON, tick=False):
        body = client.get("/api/v1/facilities?near=22902&sort=soon&soon=true").json()
        detail = client.get(f"/api/v1/facilities/{places['silent'].pk}").json()
        stale = client.get(f"/api/v1/facilities/{places['stale_yes'].pk}").json()
    first = body["results"][0]
    assert first["id"] == places["today"].pk
    assert first["availability"]["new_clients"] == "yes"
    assert first["availability"]["age_seconds"] == 3600
    assert first["availability"]["soon"] is True
    assert first["availability"]["stale"] is False
    assert body["results"][1]["availability"]["wait_days"] == 5
    assert detail["availability"] is None
    assert stale["availability"]["stale"] is True
    assert stale["availability"]["soon"] is False


def test_the_feed_is_public_paged_with_ages_and_leaves_out_what_is_gone(client: Client, places):
    with time_machine.travel(NOON, tick=False):
        first = client.get("/api/v1/availability?page_size=3").json()
        second = client.get("/api/v1/availability?page_size=3&page=2").json()
    assert (first["count"], first["fresh_days"], first["drop_days"]) == (5, 3, 7)
    ids = [item["facility"]["id"] for item in first["results"] + second["results"]]
    assert sorted(ids) == ids  # stable paging by facility id
    assert places["old_yes"].pk not in ids  # older than 7 days
    assert set(ids) == {places[k].pk for k in ("no", "wait5", "stale_yes", "today", "wait30")}
    stale = next(i for i in first["results"] + second["results"] if i["facility"]["id"] == places["stale_yes"].pk)
    assert stale["availability"]["stale"] is True
    assert stale["availability"]["age_seconds"] == 4 * 24 * 3600
    assert stale["facility"]["page"] == f"/en/treatment/{places['stale_yes'].pk}/"


def test_the_feed_gives_only_what_changed_since_a_time(client: Client, places):
    with time_machine.travel(NOON, tick=False):
        body = client.get("/api/v1/availability", {"updated_since": (NOON - dt.timedelta(hours=2)).isoformat()}).json()
    assert body["count"] == 4
    assert places["stale_yes"].pk not in [item["facility"]["id"] for item in body["results"]]


def test_the_feed_refuses_a_page_size_over_its_limit(client: Client):
    response = client.get("/api/v1/availability?page_size=100000")
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "page_size"]
