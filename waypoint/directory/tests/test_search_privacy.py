"""No health fact or place in any URL of the locator (issue 15, item 10): the search form
posts, the search is kept for an hour behind a random id, and every page that shows
results is sent with Cache-Control: no-store."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qsl, urlsplit

import pytest
import time_machine
from django.test import Client

from .factories import FacilityFactory, codes_text

pytestmark = pytest.mark.django_db
RESULTS = re.compile(r"^/(en|es)/treatment/results/[A-Za-z0-9_-]{22}/$")
# A pregnant person under 18, involved with the justice system, with Medicaid, near 22902.
SENSITIVE = {"near": "22902", "service": ["PW", "AD", "CJ", "MD"], "radius": "50"}
T0 = datetime(2026, 11, 24, 22, 0, tzinfo=UTC)


def leaks(url: str, typed: str = "22902") -> list[str]:
    """What a URL would tell a history list or a proxy log about the search."""
    found = []
    parts = urlsplit(url.replace("&amp;", "&"))
    for key, value in parse_qsl(parts.query, keep_blank_values=True):
        if key != "page":
            found.append(f"{key}={value}")
    found += [word for word in (typed, "service", "near", "radius", "Charlottesville") if word in url]
    found += re.findall(r"(?<![A-Za-z0-9])(PW|AD|CJ|MD|BU|MU|OTP)(?![A-Za-z0-9])", parts.path + parts.query)
    return found


def hrefs(html: str) -> list[str]:
    """This site's own link and form addresses on a page. (The only other-host links are
    "Directions" to a facility's own coordinates, which `outside_links` checks.)"""
    return [url for url in re.findall(r'(?:href|action)="([^"]*)"', html) if not url.startswith(("https:", "tel:"))]


def outside_links(html: str) -> list[str]:
    return re.findall(r'href="(https:[^"]*)"', html)


def _facilities(count: int = 1) -> None:
    for index in range(count):
        FacilityFactory(
            name=f"Hope Clinic {index}", codes=codes_text("SA", "PW", "AD", "CJ", "MD"), latitude=38.03 + index * 0.001
        )


def _no_store(response) -> bool:  # type: ignore[no-untyped-def]
    return "no-store" in response.get("Cache-Control", "")


def test_a_search_posts_and_redirects_to_an_opaque_address(client: Client) -> None:
    _facilities()
    response = client.post("/en/treatment/", SENSITIVE)
    assert response.status_code == 303
    location = response["Location"]
    assert RESULTS.match(location), location
    assert leaks(location) == []


def test_the_results_page_shows_the_search_again_and_no_link_tells_it(client: Client) -> None:
    _facilities()
    response = client.post("/en/treatment/", SENSITIVE, follow=True)
    assert response.status_code == 200
    assert _no_store(response)
    html = response.content.decode()
    assert html.count('data-testid="result"') == 1
    assert 'value="22902"' in html  # the place box, filled again
    for code in SENSITIVE["service"]:
        assert f'value="{code}" checked' in html
    assert 'name="radius" id="id_radius" min="1" max="500" inputmode="numeric" value="50"' in html
    assert '<form method="post" action="/en/treatment/"' in html
    # Every link and form address on the page (language switch, facility, paging, ...).
    for url in hrefs(html):
        assert leaks(url) == [], url
    # Links to other sites (quick exit, directions to the facility's own coordinates)
    # never carry the person's place.
    for url in outside_links(html):
        assert "origin" not in url
        assert "22902" not in url


def test_the_results_page_by_page_adds_only_the_page_number(client: Client) -> None:
    _facilities(25)
    first = client.post("/en/treatment/", SENSITIVE, follow=True)
    address = first.redirect_chain[-1][0]
    html = first.content.decode()
    assert 'href="?page=2" rel="next"' in html
    second = client.get(address, {"page": "2"})
    assert second.status_code == 200
    assert second.content.decode().count('data-testid="result"') == 5
    assert "Page 2 of 2" in second.content.decode()
    assert client.get(address, {"page": "nonsense"}).status_code == 200


def test_the_same_results_in_spanish(client: Client) -> None:
    _facilities()
    address = client.post("/en/treatment/", SENSITIVE, follow=True).redirect_chain[-1][0]
    spanish = client.get(address.replace("/en/", "/es/", 1))
    assert spanish.status_code == 200
    assert "1 lugar a menos de 50 millas" in spanish.content.decode()


def test_the_widening_still_works_behind_the_opaque_address(client: Client) -> None:
    FacilityFactory(latitude=38.03 + 1.0, codes=codes_text("PW"))
    html = client.post("/en/treatment/", {"near": "22902", "service": "PW", "radius": "10"}, follow=True)
    assert 'data-testid="widened"' in html.content.decode()
    assert "up to 100 miles" in html.content.decode()


def test_a_search_ends_after_an_hour_with_a_friendly_page(client: Client) -> None:
    _facilities()
    with time_machine.travel(T0, tick=False) as traveller:
        address = client.post("/en/treatment/", SENSITIVE, follow=True).redirect_chain[-1][0]
        traveller.move_to(T0 + timedelta(minutes=59))
        assert client.get(address).status_code == 200
        traveller.move_to(T0 + timedelta(hours=1))
        ended = client.get(address)
    assert ended.status_code == 404
    assert _no_store(ended)
    html = ended.content.decode()
    assert 'data-testid="search-expired"' in html
    assert 'data-testid="search-submit"' in html  # search again, right here
    assert "Hope Clinic" not in html
    assert 'value="22902"' not in html


@pytest.mark.parametrize("key", ["AAAAAAAAAAAAAAAAAAAAAA", "nope", "x" * 200])
def test_an_unknown_id_gets_the_friendly_page(client: Client, key: str) -> None:
    response = client.get(f"/en/treatment/results/{key}/")
    assert response.status_code == 404
    assert 'data-testid="search-expired"' in response.content.decode()


def test_another_browser_cannot_open_someone_elses_results(client: Client) -> None:
    _facilities()
    address = client.post("/en/treatment/", SENSITIVE, follow=True).redirect_chain[-1][0]
    stranger = Client().get(address)  # e.g. the address read from a proxy log
    assert stranger.status_code == 404
    html = stranger.content.decode()
    assert "Hope Clinic" not in html
    assert 'value="22902"' not in html
    assert 'value="PW" checked' not in html


def test_an_old_link_with_a_query_moves_to_an_opaque_address(client: Client) -> None:
    _facilities()
    response = client.get("/en/treatment/", SENSITIVE)
    assert response.status_code == 303
    assert RESULTS.match(response["Location"])
    assert client.get(response["Location"]).content.decode().count('data-testid="result"') == 1


def test_services_without_a_place_keep_the_services_and_ask_for_one(client: Client) -> None:
    response = client.post("/en/treatment/", {"service": ["PW", "BU"]})
    assert response.status_code == 303
    assert leaks(response["Location"]) == []
    html = client.get(response["Location"]).content.decode()
    assert 'data-testid="needs-place"' in html
    assert 'value="PW" checked' in html


def test_use_my_location_coordinates_search_the_same_way(client: Client) -> None:
    _facilities()
    response = client.post("/en/treatment/", {"near": "38.030,-78.480", "service": "MD"})
    assert leaks(response["Location"], typed="38.030") == []
    assert client.get(response["Location"]).content.decode().count('data-testid="result"') == 1


def test_every_search_page_is_no_store(client: Client) -> None:
    assert _no_store(client.get("/en/treatment/"))
    bad = client.post("/en/treatment/", {"near": "99999", "service": "PW"})
    assert bad.status_code == 400
    assert _no_store(bad)
    assert not any(leaks(url, typed="99999") for url in hrefs(bad.content.decode()))


def test_the_api_keeps_its_query_parameters_for_machine_clients(client: Client) -> None:
    _facilities()
    response = client.get("/api/v1/facilities", {"near": "22902", "service": "PW"})
    assert response.status_code == 200
    assert response.json()["count"] == 1
