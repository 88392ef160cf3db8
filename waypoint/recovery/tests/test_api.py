"""/api/v1/me/: profile, check-ins, lapses and recovery time, with the browser's session
or a personal access token."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from django.test import Client

from waypoint.recovery import api, selectors
from waypoint.recovery.models import Checkin, Lapse, MedicationKind, Substance, SupportRole
from waypoint.recovery.tests.conftest import make_profile

pytestmark = pytest.mark.django_db


def token_client(user: Any, *, scope: str = "read-write") -> Client:
    from waypoint.accounts.tokens import token_create

    _token, raw = token_create(user=user, name="phone", scope=scope)
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def post(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, body, content_type="application/json")


def test_the_api_choices_are_the_models_choices():
    assert set(api.Medication.__args__) == set(MedicationKind.values)
    assert set(api.Role.__args__) == set(SupportRole.values)
    assert set(api.SubstanceKey.__args__) == set(Substance.values)


def test_a_new_person_sets_up_the_profile_then_checks_in(alice):
    client = token_client(alice)
    assert client.get("/api/v1/me/profile").status_code == 404
    assert client.get("/api/v1/me/recovery").status_code == 404
    today = selectors.local_now_in("America/Chicago").date()
    body = {
        "start_date": (today - dt.timedelta(days=3)).isoformat(),
        "time_zone": "America/Chicago",
        "medication": "buprenorphine",
        "dose_times": ["20:00", "08:00"],
        "support_people": [{"name": "Ana", "phone": "+1 555 010 0200", "role": "sponsor"}],
        "appointments": [{"starts_at": f"{(today + dt.timedelta(days=1)).isoformat()}T09:15", "title": "Clinic"}],
    }
    response = client.put("/api/v1/me/profile", body, content_type="application/json")
    assert response.status_code == 200, response.json()
    profile = response.json()
    assert profile["dose_times"] == ["08:00", "20:00"]
    assert profile["today"] == today.isoformat()
    assert profile["support_people"] == [{"name": "Ana", "phone": "+1 555 010 0200", "role": "sponsor"}]
    # Read without an offset in the profile's zone; answered in UTC.
    assert profile["appointments"][0]["starts_at"].startswith((today + dt.timedelta(days=1)).isoformat())
    assert profile["appointments"][0]["starts_at"].endswith("Z")

    client_id = str(uuid.uuid4())
    checkin = {"client_id": client_id, "date": today.isoformat(), "mood": 4, "craving": 2, "medication_taken": True}
    first = post(client, "/api/v1/me/checkins", checkin)
    assert first.status_code == 201
    again = post(client, "/api/v1/me/checkins", {**checkin, "mood": 1})
    assert again.status_code == 200
    assert again.json() == first.json()  # the same check-in, unchanged
    recovery = client.get("/api/v1/me/recovery").json()
    assert recovery["days_in_recovery"] == 3
    assert recovery["lapse_days"] == []
    assert [m["days"] for m in recovery["milestones_reached"]] == [1]
    assert recovery["next_milestone"] == {"days": 7, "label": "1 week", "days_to_go": 4}


def test_put_without_lists_keeps_people_and_appointments(alice):
    make_profile(alice)
    from waypoint.recovery import services

    services.support_person_save(user=alice, name="Kept", phone=None)
    client = token_client(alice)
    body = {"start_date": selectors.local_today(user=alice).isoformat(), "time_zone": "America/New_York"}
    assert client.put("/api/v1/me/profile", body, content_type="application/json").json()["support_people"] == [
        {"name": "Kept", "phone": None, "role": "friend"}
    ]


def test_a_check_in_with_used_records_the_day_and_can_take_it_back(alice):
    make_profile(alice, days_ago=10)
    client = token_client(alice)
    today = selectors.local_today(user=alice).isoformat()
    used = post(client, "/api/v1/me/checkins", {"client_id": str(uuid.uuid4()), "date": today, "used": True})
    assert used.status_code == 201
    assert used.json()["used"] is True
    assert client.get("/api/v1/me/recovery").json()["lapse_days"] == [today]
    assert client.get("/api/v1/me/recovery").json()["days_in_recovery"] == 10  # today is not over yet
    changed = post(client, "/api/v1/me/checkins", {"client_id": str(uuid.uuid4()), "date": today, "used": False})
    assert changed.status_code == 200
    assert changed.json()["used"] is False
    assert Checkin.objects.filter(user=alice).count() == 1
    assert not Lapse.objects.exists()


def test_check_ins_are_listed_by_date_range(alice):
    make_profile(alice)
    client = token_client(alice)
    today = selectors.local_today(user=alice)
    for day in (today - dt.timedelta(days=1), today):
        post(client, "/api/v1/me/checkins", {"client_id": str(uuid.uuid4()), "date": day.isoformat(), "mood": 3})
    every = client.get("/api/v1/me/checkins").json()
    assert [c["date"] for c in every] == [(today - dt.timedelta(days=1)).isoformat(), today.isoformat()]
    assert len(client.get(f"/api/v1/me/checkins?from={today.isoformat()}").json()) == 1
    assert len(client.get(f"/api/v1/me/checkins?to={(today - dt.timedelta(days=1)).isoformat()}").json()) == 1
    bad = client.get(f"/api/v1/me/checkins?from={today.isoformat()}&to=2000-01-01")
    assert bad.status_code == 422
    assert bad.json()["detail"][0]["loc"] == ["query", "from"]


def test_bad_check_ins_answer_422_in_the_one_shape(alice):
    make_profile(alice)
    client = token_client(alice)
    old = (selectors.local_today(user=alice) - dt.timedelta(days=5)).isoformat()
    response = post(client, "/api/v1/me/checkins", {"client_id": str(uuid.uuid4()), "date": old, "mood": 3})
    assert response.status_code == 422
    assert response.json() == {
        "detail": [
            {"loc": ["body", "date"], "msg": "You can check in for today, or fill in yesterday.", "type": "invalid"}
        ]
    }
    response = post(client, "/api/v1/me/checkins", {"client_id": str(uuid.uuid4()), "date": old, "mood": 9})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "mood"
    assert response.json()["detail"][0]["type"] == "less_than_equal"


def test_a_check_in_before_the_profile_says_so(alice):
    response = post(token_client(alice), "/api/v1/me/checkins", {"client_id": str(uuid.uuid4()), "date": "2026-01-01"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["type"] == "no_profile"


def test_lapses_are_recorded_backdated_listed_and_deleted(alice):
    make_profile(alice, days_ago=30)
    client = token_client(alice)
    today = selectors.local_today(user=alice)
    body = {
        "date": (today - dt.timedelta(days=12)).isoformat(),
        "end_date": (today - dt.timedelta(days=11)).isoformat(),
        "what_happened": "A hard phone call",
    }
    created = post(client, "/api/v1/me/lapses", body)
    assert created.status_code == 201
    lapse = created.json()
    assert (lapse["days"], lapse["from_checkin"], lapse["what_happened"]) == (2, False, "A hard phone call")
    assert client.get("/api/v1/me/recovery").json()["days_in_recovery"] == 28
    assert [x["id"] for x in client.get("/api/v1/me/lapses").json()] == [lapse["id"]]
    deleted = client.delete(f"/api/v1/me/lapses/{lapse['id']}")
    assert deleted.status_code == 200
    assert deleted.json()["deleted"] == lapse["id"]
    assert deleted.json()["recovery"]["days_in_recovery"] == 30
    future = post(client, "/api/v1/me/lapses", {"date": (today + dt.timedelta(days=1)).isoformat()})
    assert future.status_code == 422


def test_another_person_s_lapse_is_a_404_in_the_api(alice, bob):
    make_profile(alice)
    make_profile(bob)
    from waypoint.recovery import services

    lapse = services.lapse_record(user=alice, first=selectors.local_today(user=alice))
    response = token_client(bob).delete(f"/api/v1/me/lapses/{lapse.pk}")
    assert response.status_code == 404
    assert response.json()["detail"][0]["type"] == "not_found"
    assert Lapse.objects.filter(pk=lapse.pk).exists()
    assert token_client(bob).get("/api/v1/me/lapses").json() == []


def test_a_read_only_token_reads_but_cannot_write(alice):
    make_profile(alice)
    client = token_client(alice, scope="read")
    assert client.get("/api/v1/me/recovery").status_code == 200
    today = selectors.local_today(user=alice).isoformat()
    response = post(client, "/api/v1/me/checkins", {"client_id": str(uuid.uuid4()), "date": today, "mood": 3})
    assert response.status_code in {403, 404}
    assert not Checkin.objects.exists()


def test_without_sign_in_or_token_it_is_401(alice):
    for method, url in (("get", "/api/v1/me/recovery"), ("post", "/api/v1/me/checkins"), ("get", "/api/v1/me/profile")):
        response = getattr(Client(), method)(url, content_type="application/json")
        assert response.status_code == 401
    assert Client(HTTP_AUTHORIZATION="Bearer wpt_nope").get("/api/v1/me/recovery").status_code == 401


def test_the_session_needs_the_csrf_token_to_write(alice):
    make_profile(alice)
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    today = selectors.local_today(user=alice).isoformat()
    body = {"client_id": str(uuid.uuid4()), "date": today, "mood": 3}
    refused = client.post("/api/v1/me/checkins", body, content_type="application/json")
    assert refused.status_code in {403, 404}
    assert not Checkin.objects.exists()
    client.get("/en/recovery/today/")  # sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    accepted = client.post(
        "/api/v1/me/checkins",
        body,
        content_type="application/json",
        HTTP_X_CSRFTOKEN=token,
        HTTP_ORIGIN="http://testserver",
    )
    assert accepted.status_code == 201, accepted.content
    assert client.get("/api/v1/me/recovery").status_code == 200


def test_triggers_come_by_id_from_the_profile_s_plan_triggers(alice):
    from waypoint.recovery import services
    from waypoint.recovery.plan import PlanContent, PlanTrigger

    make_profile(alice)
    services.plan_save(
        user=alice,
        content=PlanContent(triggers=[PlanTrigger(id="p1", kind="times", name="Payday")]),
        changed="triggers",
    )
    client = token_client(alice)
    triggers = client.get("/api/v1/me/profile").json()["plan_triggers"]
    assert triggers == [{"id": "p1", "kind": "times", "name": "Payday"}]
    today = selectors.local_today(user=alice).isoformat()
    ok = post(client, "/api/v1/me/checkins", {"client_id": str(uuid.uuid4()), "date": today, "triggers": ["p1"]})
    assert ok.json()["triggers"] == [{"id": "p1", "name": "Payday"}]
    bad = post(client, "/api/v1/me/checkins", {"client_id": str(uuid.uuid4()), "date": today, "triggers": ["zz"]})
    assert bad.status_code == 422


def test_the_check_in_write_path_stays_a_handful_of_queries(alice, django_assert_num_queries):
    """A new check-in: the token with its user, the profile, and the INSERT that also reads
    the day's use for the answer. No look-up before the insert, no write of the token's
    last use (written later, with others)."""
    make_profile(alice, days_ago=400)
    client = token_client(alice)
    today = selectors.local_today(user=alice).isoformat()
    client.get("/api/v1/me/recovery")  # a first call may record milestones
    with django_assert_num_queries(3):
        response = post(client, "/api/v1/me/checkins", {"client_id": str(uuid.uuid4()), "date": today, "mood": 3})
    assert response.status_code == 201


def test_a_new_check_in_answers_whether_use_is_recorded_for_its_day(alice):
    """The answer's `used` counts a lapse recorded on its own for that day, too."""
    make_profile(alice, days_ago=30)
    client = token_client(alice)
    today = selectors.local_today(user=alice)
    yesterday = today - dt.timedelta(days=1)
    assert post(client, "/api/v1/me/lapses", {"date": yesterday.isoformat()}).status_code == 201
    late = post(client, "/api/v1/me/checkins", {"client_id": str(uuid.uuid4()), "date": yesterday.isoformat()})
    assert late.status_code == 201
    assert late.json()["used"] is True
    fresh = post(
        client, "/api/v1/me/checkins", {"client_id": str(uuid.uuid4()), "date": today.isoformat(), "used": False}
    )
    assert fresh.status_code == 201
    assert fresh.json()["used"] is False
    # Sent again (a retry): the stored check-in, with the same answer.
    again = post(client, "/api/v1/me/checkins", {"client_id": late.json()["client_id"], "date": yesterday.isoformat()})
    assert again.status_code == 200
    assert again.json()["id"] == late.json()["id"]
    assert again.json()["used"] is True
