"""The meeting finder keeps searches out of URLs (issue 15, item 10), and its calendar
downloads say how many meetings they hold (issue 17, item 10)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta
from urllib.parse import parse_qsl, urlsplit

import pytest
import time_machine
from django.test import Client
from icalendar import Calendar

from waypoint.meetings import views
from waypoint.meetings.tests.factories import MeetingFactory

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 24, 22, 30, tzinfo=UTC)  # Tuesday 17:30 in New York
RESULTS = re.compile(r"^/(en|es)/meetings/results/[A-Za-z0-9_-]{22}/$")
SEARCH = {"near": "22903", "radius": "25", "when": "any", "type": ["W", "BE"], "fellowship": "NA"}


def leaks(url: str) -> list[str]:
    """What a URL would tell a history list or a proxy log about the search."""
    parts = urlsplit(url.replace("&amp;", "&"))
    found = [f"{k}={v}" for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in {"page", "part"}]
    found += [word for word in ("22903", "near", "type", "fellowship", "when", "Charlottesville") if word in url]
    return found


def own_links(html: str) -> list[str]:
    return [u for u in re.findall(r'(?:href|action)="([^"]*)"', html) if not u.startswith(("https:", "tel:"))]


def _ics_links(html: str) -> list[str]:
    return [link.replace("&amp;", "&") for link in re.findall(r'href="([^"]+)" data-testid="search-ics"', html)]


def _women_newcomers(count: int = 1) -> None:
    for index in range(count):
        MeetingFactory(name=f"Women Newcomers {index}", types=["W", "BE"], latitude=38.0312 + index * 0.0001)


@time_machine.travel(NOW, tick=False)
def test_a_search_posts_and_redirects_to_an_opaque_address(client: Client) -> None:
    _women_newcomers()
    response = client.post("/en/meetings/", SEARCH)
    assert response.status_code == 303
    assert RESULTS.match(response["Location"]), response["Location"]
    assert leaks(response["Location"]) == []


@time_machine.travel(NOW, tick=False)
def test_the_results_show_the_search_again_and_no_link_tells_it(client: Client) -> None:
    _women_newcomers()
    MeetingFactory(name="Mixed", types=["O"])
    response = client.post("/en/meetings/", SEARCH, follow=True)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    assert "Women Newcomers 0" in html
    assert "Mixed" not in html
    assert 'value="22903"' in html
    assert 'name="type" value="W" checked' in html
    assert 'name="type" value="BE" checked' in html
    assert 'value="NA" selected' in html
    assert 'value="any" checked' in html
    for url in own_links(html):
        assert leaks(url) == [], url


@time_machine.travel(NOW, tick=False)
def test_results_come_page_by_page_on_the_same_address(client: Client) -> None:
    _women_newcomers(25)
    first = client.post("/en/meetings/", SEARCH, follow=True)
    address = first.redirect_chain[-1][0]
    assert 'href="?page=2"' in first.content.decode()
    second = client.get(address, {"page": "2"})
    assert second.content.decode().count('data-testid="meeting-card"') == 5


def test_a_search_ends_after_an_hour_and_its_calendar_too(client: Client) -> None:
    _women_newcomers()
    with time_machine.travel(NOW, tick=False) as traveller:
        response = client.post("/en/meetings/", SEARCH, follow=True)
        address = response.redirect_chain[-1][0]
        ics = _ics_links(response.content.decode())[0]
        traveller.move_to(NOW + timedelta(minutes=59))
        assert client.get(address).status_code == 200
        assert client.get(ics).status_code == 200
        traveller.move_to(NOW + timedelta(hours=1))
        ended, ended_ics = client.get(address), client.get(ics)
    for response in (ended, ended_ics):
        assert response.status_code == 404
        assert "no-store" in response["Cache-Control"]
        html = response.content.decode()
        assert 'data-testid="search-expired"' in html
        assert 'data-testid="find-meetings"' in html  # search again, right here
        assert "Women Newcomers" not in html


@time_machine.travel(NOW, tick=False)
def test_another_browser_cannot_open_someone_elses_results(client: Client) -> None:
    _women_newcomers()
    response = client.post("/en/meetings/", SEARCH, follow=True)
    address = response.redirect_chain[-1][0]
    stranger = Client()
    for url in (address, _ics_links(response.content.decode())[0]):
        other = stranger.get(url)
        assert other.status_code == 404
        assert "Women Newcomers" not in other.content.decode()
    assert stranger.get("/en/meetings/results/nope/").status_code == 404


@time_machine.travel(NOW, tick=False)
def test_an_old_link_with_a_query_moves_to_an_opaque_address(client: Client) -> None:
    _women_newcomers()
    response = client.get("/en/meetings/", SEARCH)
    assert response.status_code == 303
    assert RESULTS.match(response["Location"])
    assert "Women Newcomers 0" in client.get(response["Location"]).content.decode()


def test_the_empty_form_and_a_refused_search_are_no_store_and_stay_on_the_form(client: Client) -> None:
    page = client.get("/en/meetings/")
    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"]
    assert 'value="soon" checked' in page.content.decode()
    refused = client.post("/en/meetings/", {"near": "99999", "type": "W"})
    assert refused.status_code == 400
    assert "no-store" in refused["Cache-Control"]
    assert 'name="type" value="W" checked' in refused.content.decode()


def test_the_api_keeps_its_query_parameters_for_machine_clients(client: Client) -> None:
    _women_newcomers()
    response = client.get("/api/v1/meetings", {"near": "22903", "type": "W"})
    assert response.status_code == 200


@time_machine.travel(NOW, tick=False)
def test_a_big_search_comes_in_calendar_files_of_100_that_say_so(client: Client) -> None:
    for hour in range(150):
        MeetingFactory(name=f"Online {hour}", attendance="online", latitude=None, longitude=None, address="",
                       start_time=time(hour % 24, hour // 24), day_mask=0b1111111)  # fmt: skip
    response = client.post("/en/meetings/", {"online": "true", "when": "any"}, follow=True)
    html = response.content.decode()
    assert "150 meetings found" in html
    assert "A calendar file holds up to 100 meetings" in html
    links = _ics_links(html)
    assert len(links) == 2
    assert "Meetings 1 to 100 (.ics)" in html
    assert "Meetings 101 to 150 (.ics)" in html
    assert 'data-testid="search-ics-capped"' not in html
    first, second = (Calendar.from_ical(client.get(link).content) for link in links)
    assert len(first.walk("VEVENT")) == 100
    assert len(second.walk("VEVENT")) == 50
    names = {str(e["summary"]) for e in first.walk("VEVENT")} | {str(e["summary"]) for e in second.walk("VEVENT")}
    assert len(names) == 150  # every meeting, none twice
    assert str(first["X-WR-CALDESC"]).startswith("Meetings 1 to 100 of the 150 from your Waypoint search.")
    assert str(second["DESCRIPTION"]).startswith("Meetings 101 to 150 of the 150 from your Waypoint search.")
    assert client.get(links[1])["Content-Disposition"] == 'attachment; filename="meetings-2.ics"'


@time_machine.travel(NOW, tick=False)
def test_beyond_the_last_file_the_page_says_to_narrow_the_search(client: Client, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(views, "SEARCH_ICS_LIMIT", 2)
    monkeypatch.setattr(views, "ICS_MAX_PARTS", 2)
    _women_newcomers(5)
    html = client.post("/en/meetings/", SEARCH, follow=True).content.decode()
    assert len(_ics_links(html)) == 2
    assert 'data-testid="search-ics-capped"' in html


@time_machine.travel(NOW, tick=False)
def test_the_calendar_note_is_in_spanish_on_spanish_pages(client: Client) -> None:
    _women_newcomers()
    response = client.post("/es/meetings/", SEARCH, follow=True)
    calendar = Calendar.from_ical(client.get(_ics_links(response.content.decode())[0]).content)
    assert "Waypoint" in str(calendar["DESCRIPTION"])
    assert "búsqueda" in str(calendar["DESCRIPTION"])
