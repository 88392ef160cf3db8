"""/api/v1/facilities: search, detail, validation messages naming the field, rate limit."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.cache import cache
from django.test import Client

from waypoint.api import api

from .factories import FacilityFactory, codes_text

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_throttle() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


def test_it_searches_nearest_first_with_services(client: Client) -> None:
    near = FacilityFactory(codes=codes_text("SA", "MU", "BU"), latitude=38.03, longitude=-78.48)
    far = FacilityFactory(codes=codes_text("SA", "MU", "BU"), latitude=38.2, longitude=-78.48)
    FacilityFactory(codes=codes_text("SA", "BU"))
    response = client.get("/api/v1/facilities", {"near": "22902", "radius": 50, "service": ["METH", "BU"]})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert body["services"] == ["BU", "MU"]
    assert [row["id"] for row in body["results"]] == [near.pk, far.pk]
    first = body["results"][0]
    assert {"id", "name", "distance_miles", "latitude", "longitude", "phone", "services"} <= set(first)
    assert first["services"] == ["BU", "MU", "SA"]
    assert first["demo_label"] is None


def test_it_accepts_city_state_and_coordinates(client: Client) -> None:
    FacilityFactory()
    for near in ("Charlottesville, VA", "38.03,-78.48"):
        assert client.get("/api/v1/facilities", {"near": near}).json()["count"] == 1


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"near": "nowhere-at-all"}, "near"),
        ({"near": "00000"}, "near"),
        ({"near": "95.0,10.0"}, "near"),
        ({}, "near"),
        ({"near": "22902", "radius": 0}, "radius"),
        ({"near": "22902", "radius": 501}, "radius"),
        ({"near": "22902", "radius": "ten"}, "radius"),
        ({"near": "22902", "service": "DROP TABLE"}, "service"),
        ({"near": "22902", "page_size": 1000}, "page_size"),
    ],
)
def test_invalid_input_answers_422_naming_the_field(client: Client, params: dict[str, object], field: str) -> None:
    response = client.get("/api/v1/facilities", params)
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert detail[0]["loc"][-1] == field
    assert detail[0]["msg"]


def test_detail_and_404(client: Client) -> None:
    facility = FacilityFactory(is_demo=True, codes=codes_text("MU"))
    body = client.get(f"/api/v1/facilities/{facility.pk}").json()
    assert body["name"] == facility.name
    assert body["services"] == ["MU"]
    assert body["demo_label"] == "demo data — not real facilities"
    assert client.get("/api/v1/facilities/999999").status_code == 404


def test_the_api_is_rate_limited(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    throttle = api.throttle[0]  # type: ignore[index]
    monkeypatch.setattr(throttle, "num_requests", 2)
    statuses = [client.get("/api/v1/facilities", {"near": "22902"}).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]


def test_the_openapi_document_describes_the_endpoints(client: Client) -> None:
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/facilities" in paths
    assert "/api/v1/facilities/{facility_id}" in paths


def test_the_rate_limit_ignores_a_forged_forwarded_for_header(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    throttle = api.throttle[0]  # type: ignore[index]
    monkeypatch.setattr(throttle, "num_requests", 2)
    statuses = [
        client.get("/api/v1/facilities", {"near": "22902"}, HTTP_X_FORWARDED_FOR=f"10.0.0.{n}").status_code
        for n in range(3)
    ]
    assert statuses == [200, 200, 429]
