import math

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from waypoint.core.places import PlaceError, bounding_box, distance_miles, nearest_zip, resolve_place


def test_it_resolves_a_zip_code():
    place = resolve_place("22903")
    assert place.kind == "zip"
    assert (place.latitude, place.longitude) == (38.0339, -78.4924)
    assert place.state == "VA"
    assert place.timezone == "America/New_York"


def test_it_resolves_zip_plus_four():
    assert resolve_place("22903-1234").label.startswith("22903")


@pytest.mark.parametrize("text", ["Charlottesville, VA", "charlottesville va", "Charlottesville, Virginia"])
def test_it_resolves_city_and_state_in_the_ways_people_type_them(text):
    place = resolve_place(text)
    assert place.kind == "city"
    assert place.label == "Charlottesville, VA"
    assert distance_miles(place.latitude, place.longitude, 38.03, -78.48) < 10


def test_it_understands_saint_and_fort():
    assert resolve_place("St. Louis, MO").state == "MO"
    assert resolve_place("Ft Worth, TX").state == "TX"


def test_it_resolves_a_city_that_exists_in_one_state_only():
    assert resolve_place("Albuquerque").state == "NM"


def test_it_asks_which_one_for_an_ambiguous_city():
    with translation.override("en"), pytest.raises(PlaceError) as error:
        resolve_place("Springfield")
    assert error.value.code == "ambiguous"
    assert "Springfield, IL" in error.value.candidates
    assert "Add the state" in str(error.value)


def test_it_resolves_coordinates():
    place = resolve_place("38.03, -78.49")
    assert (place.kind, place.latitude, place.longitude) == ("coordinates", 38.03, -78.49)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("00000", "unknown_zip"),
        ("Nowhereville, VA", "unknown_city"),
        ("Richmond, ZZ", "unknown_state"),
        ("Richmond, Narnia", "unknown_state"),
        ("91, 10", "bad_coordinates"),
        ("45, 181", "bad_coordinates"),
        ("x" * 500, "too_long"),
        ("<script>alert(1)</script>", "unknown_city"),
        ("'; DROP TABLE facilities; --", "unknown_city"),
    ],
)
def test_it_explains_what_it_cannot_resolve(text, code):
    with pytest.raises(PlaceError) as error:
        resolve_place(text)
    assert error.value.code == code
    assert str(error.value)


def test_it_measures_known_distances():
    # Charlottesville to Washington, DC is about 99 miles as the crow flies.
    assert 95 < distance_miles(38.03, -78.49, 38.9, -77.03) < 103
    assert distance_miles(10, 10, 10, 10) == 0


@given(
    st.floats(min_value=-70, max_value=70),
    st.floats(min_value=-179, max_value=179),
    st.floats(min_value=0.5, max_value=500),
    st.floats(min_value=0, max_value=2 * math.pi),
    st.floats(min_value=0, max_value=1),
)
def test_it_never_leaves_a_point_of_the_circle_outside_the_box(lat, lon, miles, angle, fraction):
    min_lat, max_lat, min_lon, max_lon = bounding_box(lat, lon, miles)
    # A point at `fraction * miles` in direction `angle` (small-distance approximation).
    d = fraction * miles * 0.98
    point_lat = lat + math.degrees(d * math.cos(angle) / 3958.7613)
    point_lon = lon + math.degrees(d * math.sin(angle) / (3958.7613 * math.cos(math.radians(lat))))
    if abs(point_lon) > 180 or distance_miles(lat, lon, point_lat, point_lon) > miles:
        return
    assert min_lat <= point_lat <= max_lat
    assert min_lon <= point_lon <= max_lon


def test_it_finds_the_nearest_zip_and_its_time_zone():
    place = nearest_zip(38.0339, -78.4924)
    assert place is not None
    assert place.label.startswith("22903")
    assert nearest_zip(50.83, -0.14) is None  # Brighton, England: no US ZIP within 60 miles
    assert nearest_zip(41.88, -87.63).timezone == "America/Chicago"
