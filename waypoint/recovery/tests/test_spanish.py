"""The recovery pages in Spanish: the catalogue is complete (core's test checks that); here
the pages really come out in Spanish, suggestions included, and nothing is left in English."""

from __future__ import annotations

import datetime as dt

import pytest

from waypoint.recovery import selectors, services
from waypoint.recovery.tests.conftest import make_profile

pytestmark = pytest.mark.django_db


def test_today_and_the_check_in_are_in_spanish(alice, alice_client):
    make_profile(alice, days_ago=143)
    body = alice_client.get("/es/recovery/today/").content.decode()
    assert '<html lang="es">' in body
    for words in (
        "Lo estoy pasando mal",
        "días en recuperación",
        "¿Cómo está su ánimo?",
        "¿Consumió hoy?",
        "Guardar registro",
    ):
        assert words in body, words
    for english in ("I'm struggling", "days in recovery", "Save check-in"):
        assert english not in body, english


def test_the_lapse_page_says_what_is_still_there_in_spanish(alice, alice_client):
    make_profile(alice, days_ago=143)
    lapse = services.lapse_record(user=alice, first=selectors.local_today(user=alice) - dt.timedelta(days=3))
    body = alice_client.get(f"/es/recovery/lapses/{lapse.pk}/").content.decode()
    assert "Usted sigue teniendo 142 días de recuperación. ¿Qué podemos aprender?" in body


def test_plan_suggestions_are_offered_and_saved_in_spanish(alice, alice_client):
    make_profile(alice)
    page = alice_client.get("/es/recovery/plan/edit/triggers/").content.decode()
    assert "El día de pago" in page
    assert "Lugares" in page
    alice_client.post("/es/recovery/plan/edit/triggers/", {"suggest": ["payday"]})
    assert [t.name for t in selectors.plan_current(user=alice).triggers] == ["El día de pago"]


def test_the_breathing_exercise_and_door_are_in_spanish(client):
    assert "Deje pasar la ola" in client.get("/es/recovery/breathe/").content.decode()
    assert "Su espacio privado de recuperación" in client.get("/es/recovery/").content.decode()


def test_milestone_names_are_in_spanish(alice, alice_client):
    make_profile(alice, days_ago=8)
    body = alice_client.get("/es/recovery/progress/").content.decode()
    assert "1 semana" in body
    assert "1 día" in body
