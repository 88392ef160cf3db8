"""facility_search and the search page: radius, every filter, aliases, widening, paging."""

from __future__ import annotations

import pytest
from django.db import connection
from django.http import HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext

from waypoint.directory.filters import FILTER_GROUPS
from waypoint.directory.selectors import UnknownService, canonical_services, facility_search

from .factories import FacilityFactory, codes_text

pytestmark = pytest.mark.django_db
CVILLE = (38.0293, -78.4767)


def _search(client: Client, params: dict[str, object], language: str = "en") -> HttpResponse:
    """Posts the search form as a browser does and follows it to the results address."""
    return client.post(f"/{language}/treatment/", params, follow=True)


def test_it_returns_nearest_first_within_the_radius() -> None:
    far = FacilityFactory(latitude=38.30, longitude=-78.48)  # ~19 mi north
    near = FacilityFactory(latitude=38.03, longitude=-78.47)
    FacilityFactory(latitude=39.5, longitude=-78.48)  # ~100 mi: outside
    page = facility_search(latitude=CVILLE[0], longitude=CVILLE[1], radius_miles=25)
    assert [hit.facility for hit in page.hits] == [near, far]
    assert page.hits[0].distance_miles < page.hits[1].distance_miles <= 25


@pytest.mark.parametrize("code", [code for group in FILTER_GROUPS for code in group.codes])
def test_each_filter_keeps_only_places_offering_it(code: str) -> None:
    offering = FacilityFactory(codes=codes_text(code))
    FacilityFactory(codes=codes_text("MH"))
    page = facility_search(latitude=CVILLE[0], longitude=CVILLE[1], codes=[code])
    assert [hit.facility for hit in page.hits] == [offering]


def test_all_chosen_codes_must_match_and_aliases_are_the_same_filter() -> None:
    both = FacilityFactory(codes=codes_text("MU", "MD", "CT"))
    FacilityFactory(codes=codes_text("MU"))
    codes = canonical_services(["METH", "md", "TELE"])
    assert codes == ["CT", "MD", "MU"]
    assert [hit.facility for hit in facility_search(latitude=CVILLE[0], longitude=CVILLE[1], codes=codes).hits] == [
        both
    ]
    with pytest.raises(UnknownService):
        canonical_services(["NOPE"])


def test_it_widens_the_radius_step_by_step_when_nothing_matches() -> None:
    FacilityFactory(latitude=CVILLE[0] + 1.0, longitude=CVILLE[1], codes=codes_text("MU"))  # ~69 mi
    page = facility_search(latitude=CVILLE[0], longitude=CVILLE[1], radius_miles=10, codes=["MU"], widen=True)
    assert (page.count, page.radius_miles, page.widened) == (1, 100, True)
    none = facility_search(latitude=CVILLE[0], longitude=CVILLE[1], radius_miles=10, codes=["PW"], widen=True)
    assert (none.count, none.radius_miles) == (0, 10)


def test_it_paginates() -> None:
    for index in range(25):
        FacilityFactory(latitude=CVILLE[0] + index * 0.001, longitude=CVILLE[1])
    first = facility_search(latitude=CVILLE[0], longitude=CVILLE[1], page_size=10)
    third = facility_search(latitude=CVILLE[0], longitude=CVILLE[1], page_size=10, page=3)
    assert (first.count, len(first.hits), len(third.hits), first.num_pages) == (25, 10, 5, 3)
    assert first.hits[0].distance_miles <= third.hits[0].distance_miles


def test_the_radius_must_be_1_to_500() -> None:
    with pytest.raises(ValueError, match="radius"):
        facility_search(latitude=0, longitude=0, radius_miles=501)


def test_the_page_lists_results_with_call_and_directions_in_few_queries(client: Client) -> None:
    for index in range(15):
        FacilityFactory(
            codes=codes_text("SA", "BU", "MD"), latitude=CVILLE[0] + index * 0.001, intake_phone="434-555-0199"
        )
    with CaptureQueriesContext(connection) as queries:
        response = _search(client, {"near": "22902", "service": ["BU", "MD"]})
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('data-testid="result"') == 15
    assert 'href="tel:+14345550199"' in html
    assert "https://www.google.com/maps/dir/?api=1&amp;destination=" in html
    # Candidates + one page of facilities, whatever the number of results (no N+1).
    assert len([q for q in queries.captured_queries if "directory_facility" in q["sql"]]) == 2


def test_the_page_offers_the_helpline_when_a_place_has_no_phone(client: Client) -> None:
    FacilityFactory(phone="", intake_phone="")
    html = _search(client, {"near": "22902"}).content.decode()
    assert 'data-testid="call-helpline"' in html
    assert "tel:+18006624357" in html


def test_the_page_widens_then_shows_the_helpline(client: Client) -> None:
    html = _search(client, {"near": "22902", "service": "PW"}).content.decode()
    assert 'data-testid="no-results"' in html
    assert "tel:+18006624357" in html
    FacilityFactory(latitude=CVILLE[0] + 1.0, codes=codes_text("PW"))
    html = _search(client, {"near": "22902", "service": "PW", "radius": "10"}).content.decode()
    assert 'data-testid="widened"' in html
    assert "up to 100 miles" in html


def test_services_without_a_place_tick_the_boxes_and_ask_for_a_place(client: Client) -> None:
    html = _search(client, {"service": ["MU", "BU"]}).content.decode()
    assert 'data-testid="needs-place"' in html
    assert 'value="MU" checked' in html
    assert 'value="BU" checked' in html
    assert 'value="NU" checked' not in html


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"near": "99999"}, "could not find the ZIP code"),
        ({"near": "Springfield"}, "more than one"),
        ({"near": "22902", "radius": "0"}, "greater than or equal to 1"),
        ({"near": "22902", "radius": "9999"}, "less than or equal to 500"),
        ({"near": "22902", "service": "<script>"}, "do not know the service"),
        ({"near": "x" * 300}, "at most 100"),
    ],
)
def test_bad_input_gets_a_clear_message(client: Client, params: dict[str, str], message: str) -> None:
    response = _search(client, params)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html.replace("&#x27;", "'")
    assert "<script>" not in html.split("</form>")[0].split('name="near"')[0][-50:]


def test_the_page_speaks_spanish(client: Client) -> None:
    FacilityFactory(codes=codes_text("MU"))
    html = _search(client, {"near": "22902", "service": "MU"}, "es").content.decode()
    assert "Usar mi ubicación" in html
    assert "1 lugar a menos de 25 millas" in html
    assert "Metadona" in html


def test_mental_health_only_places_say_so(client: Client) -> None:
    FacilityFactory(codes=codes_text("MH"))
    html = _search(client, {"near": "22902"}).content.decode()
    assert "<li>Mental health treatment</li>" in html


def test_the_results_say_which_filters_apply(client: Client) -> None:
    FacilityFactory(codes=codes_text("BU", "MD"))
    html = _search(client, {"near": "22902", "service": ["BU", "MD"]}).content.decode()
    assert "Places that offer all of these: Buprenorphine, Medicaid" in html


def test_an_ambiguous_city_offers_each_match_as_a_button(client: Client) -> None:
    FacilityFactory(codes=codes_text("MU"), latitude=39.80, longitude=-89.64)  # Springfield, IL
    html = _search(client, {"near": "Springfield", "service": "MU", "radius": "50"}).content.decode()
    assert 'data-testid="place-choices"' in html
    # Each choice sends the other form, which carries the same choices; Enter in the
    # place box still presses Search (the first button of the search form itself).
    assert 'form="place-choice-form" name="near" value="Springfield, IL"' in html
    choice_form = html.split('id="place-choice-form"')[1].split("</form>")[0]
    assert 'name="service" value="MU"' in choice_form
    assert 'name="radius" value="50"' in choice_form
    response = _search(client, {"near": "Springfield, IL", "service": "MU", "radius": "50"})
    assert response.content.decode().count('data-testid="result"') == 1


def test_a_linked_code_without_a_box_stays_chosen(client: Client) -> None:
    html = _search(client, {"service": ["CO", "BU"]}).content.decode()
    assert 'value="CO" checked' in html
    assert "Also chosen" in html
