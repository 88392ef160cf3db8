"""The check-in form without JavaScript: a server-made client id, one per day, "used"
leading to the lapse page, yesterday filled in late, the history pages."""

from __future__ import annotations

import datetime as dt
import re
import uuid

import pytest

from waypoint.recovery import selectors, services
from waypoint.recovery.models import Checkin, Lapse
from waypoint.recovery.plan import PlanContent, PlanTrigger
from waypoint.recovery.tests.conftest import checkin, make_profile

pytestmark = pytest.mark.django_db


def form_values(client, url="/en/recovery/today/") -> dict[str, str]:
    body = client.get(url).content.decode()
    return {
        "client_id": re.search(r'name="client_id" value="([^"]+)"', body).group(1),
        "day": re.search(r'name="day" value="([^"]+)"', body).group(1),
    }


def test_each_drawn_form_carries_a_new_server_made_client_id(alice, alice_client, profile):
    first, second = form_values(alice_client), form_values(alice_client)
    assert uuid.UUID(first["client_id"]) != uuid.UUID(second["client_id"])
    assert first["day"] == selectors.local_today(user=alice).isoformat()


def test_six_answers_save_a_check_in_and_go_back_to_today(alice, alice_client):
    make_profile(alice, medication_kind="buprenorphine")
    values = form_values(alice_client)
    response = alice_client.post(
        "/en/recovery/check-in/",
        {**values, "mood": "4", "craving": "2", "used": "no", "sleep": "7", "medication_taken": "yes"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/en/recovery/today/"
    row = Checkin.objects.get(user=alice)
    assert (row.mood, row.craving, row.used, float(row.sleep_hours), row.medication_taken) == (4, 2, False, 7.0, True)
    assert (row.meeting, row.therapy) == (False, False)
    assert str(row.client_id) == values["client_id"]


def test_the_same_form_sent_twice_is_one_check_in(alice, alice_client, profile):
    values = {**form_values(alice_client), "mood": "3"}
    alice_client.post("/en/recovery/check-in/", values)
    alice_client.post("/en/recovery/check-in/", {**values, "mood": "1"})
    assert Checkin.objects.filter(user=alice).count() == 1
    assert Checkin.objects.get(user=alice).mood == 3


def test_an_empty_form_asks_for_one_answer(alice, alice_client, profile):
    response = alice_client.post("/en/recovery/check-in/", form_values(alice_client))
    assert response.status_code == 400
    assert "Answer at least one question" in response.content.decode()
    assert not Checkin.objects.exists()


def test_used_today_leads_to_the_lapse_page_not_a_reset(alice, alice_client):
    make_profile(alice, days_ago=143)
    response = alice_client.post("/en/recovery/check-in/", {**form_values(alice_client), "used": "yes", "mood": "2"})
    lapse = Lapse.objects.get(user=alice)
    assert response["Location"] == f"/en/recovery/lapses/{lapse.pk}/"
    page = alice_client.get(response["Location"])
    body = page.content.decode()
    assert "You still have 143 days of recovery. What can we learn?" in body
    assert "less tolerance" in body  # safety first: the lapse is today


def test_editing_today_shows_the_answers_and_used_from_a_lapse(alice, alice_client, profile):
    services.lapse_record(user=alice, first=selectors.local_today(user=alice))
    checkin(alice, mood=5, note="kept private")
    page = alice_client.get("/en/recovery/check-in/")
    form = page.context["form"]
    assert form.initial["mood"] == 5
    assert form.initial["used"] == "yes"
    assert "kept private" in page.content.decode()
    assert "You already checked in" in page.content.decode()


def test_triggers_from_the_plan_are_offered_and_saved(alice, alice_client, profile):
    services.plan_save(
        user=alice,
        content=PlanContent(triggers=[PlanTrigger(id="k1", kind="times", name="Friday night")]),
        changed="triggers",
    )
    body = alice_client.get("/en/recovery/today/").content.decode()
    assert "Friday night" in body
    alice_client.post("/en/recovery/check-in/", {**form_values(alice_client), "triggers": "k1", "mood": "3"})
    assert Checkin.objects.get(user=alice).trigger_ids == ["k1"]


def test_yesterday_is_filled_in_on_its_own_page(alice, alice_client, profile):
    values = form_values(alice_client, "/en/recovery/check-in/yesterday/")
    assert "Did you use that day?" in alice_client.get("/en/recovery/check-in/yesterday/").content.decode()
    yesterday = selectors.local_today(user=alice) - dt.timedelta(days=1)
    assert values["day"] == yesterday.isoformat()
    alice_client.post("/en/recovery/check-in/yesterday/", {**values, "mood": "2"})
    assert Checkin.objects.get(user=alice).date == yesterday


def test_a_day_older_than_yesterday_is_refused(alice, alice_client, profile):
    values = form_values(alice_client)
    old = (selectors.local_today(user=alice) - dt.timedelta(days=3)).isoformat()
    response = alice_client.post("/en/recovery/check-in/", {**values, "day": old, "mood": "2"})
    assert response.status_code == 400
    assert not Checkin.objects.exists()


def test_the_history_lists_days_and_each_day_opens_with_its_note(alice, alice_client, profile):
    row = checkin(alice, mood=2, craving=6, note="a quiet evening")
    history = alice_client.get("/en/recovery/check-ins/").content.decode()
    assert f'href="/en/recovery/check-ins/{row.pk}/"' in history
    assert "a quiet evening" not in history  # notes only on the day's own page
    detail = alice_client.get(f"/en/recovery/check-ins/{row.pk}/").content.decode()
    assert "a quiet evening" in detail


def test_no_answer_ever_travels_in_a_url(alice, alice_client, profile):
    """The form posts; the answers are in the body, and the redirect names no answer."""
    body = alice_client.get("/en/recovery/today/").content.decode()
    assert re.search(r'<form method="post" action="/en/recovery/check-in/"', body)
    response = alice_client.post("/en/recovery/check-in/", {**form_values(alice_client), "mood": "1", "used": "yes"})
    assert "?" not in response["Location"]
