"""The today page (the signed-in home in recovery), first-time setup, the core door to
it, and the recovery-time page."""

from __future__ import annotations

import datetime as dt
import random
import uuid

import pytest
from django.test import Client

from waypoint.recovery import selectors, services
from waypoint.recovery.models import Checkin, RecoveryProfile
from waypoint.recovery.tests.conftest import checkin, make_profile

pytestmark = pytest.mark.django_db


def test_the_core_door_explains_and_invites_anonymous_visitors():
    response = Client().get("/en/recovery/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "never resets to zero" in body
    assert 'href="/en/account/signup/"' in body
    assert 'href="/en/recovery/breathe/"' in body


def test_the_core_door_takes_a_signed_in_person_to_today(alice_client):
    response = alice_client.get("/en/recovery/")
    assert response.status_code == 302
    assert response["Location"] == "/en/recovery/today/"


def test_a_new_person_is_asked_two_questions_first(alice, alice_client):
    response = alice_client.get("/en/recovery/today/")
    assert response["Location"] == "/en/recovery/start/"
    page = alice_client.get("/en/recovery/start/")
    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"]
    today = selectors.local_now_in("America/Chicago").date()
    done = alice_client.post("/en/recovery/start/", {"start_date": today.isoformat(), "time_zone": "America/Chicago"})
    assert done["Location"] == "/en/recovery/plan/"
    profile = RecoveryProfile.objects.get(user=alice)
    assert (profile.start_date, profile.time_zone) == (today, "America/Chicago")
    assert alice_client.get("/en/recovery/start/")["Location"] == "/en/recovery/today/"


def test_setup_refuses_an_unknown_zone_or_a_future_start(alice, alice_client):
    bad_zone = alice_client.post("/en/recovery/start/", {"start_date": "2026-01-01", "time_zone": "Mars/Base"})
    assert bad_zone.status_code == 400
    future = (dt.date.today() + dt.timedelta(days=3)).isoformat()
    assert alice_client.post("/en/recovery/start/", {"start_date": future, "time_zone": "UTC"}).status_code == 400
    assert not RecoveryProfile.objects.exists()


def test_today_shows_recovery_time_the_check_in_and_the_struggling_button(alice, alice_client):
    make_profile(alice, days_ago=9)
    page = alice_client.get("/en/recovery/today/")
    body = page.content.decode()
    assert page.context["status"].time.days_in_recovery == 9
    assert 'data-testid="days-in-recovery">9<' in body
    assert "Next milestone: 30 days, in 21 days." in body
    assert 'action="/en/recovery/struggling/"' in body
    assert 'name="client_id"' in body
    assert "medication_taken" not in body  # no medication in her profile
    assert "no-store" in page["Cache-Control"]


def test_after_checking_in_today_says_done(alice, alice_client):
    make_profile(alice, days_ago=3)
    checkin(alice, mood=4)
    body = alice_client.get("/en/recovery/today/").content.decode()
    assert 'data-testid="checked-in"' in body
    assert 'name="client_id"' not in body
    assert 'href="/en/recovery/check-in/"' in body


def test_today_offers_yesterday_only_when_it_is_missing(alice, alice_client):
    make_profile(alice, days_ago=3)
    assert 'data-testid="fill-yesterday"' in alice_client.get("/en/recovery/today/").content.decode()
    checkin(alice, day=selectors.local_today(user=alice) - dt.timedelta(days=1), mood=3)
    assert 'data-testid="fill-yesterday"' not in alice_client.get("/en/recovery/today/").content.decode()


def test_today_lists_doses_appointments_goals_and_a_due_barc(alice, alice_client):
    make_profile(alice, days_ago=3, medication_kind="methadone", dose_times=["07:30"])
    today = selectors.local_today(user=alice)
    services.appointment_save(user=alice, day=today, at=dt.time(14, 45), title="Counselor visit")
    services.appointment_save(user=alice, day=today + dt.timedelta(days=1), at=dt.time(9), title="Tomorrow thing")
    services.goal_save(
        user=alice, text=services.GoalText(title="Call my sister", due_date=today + dt.timedelta(days=2))
    )
    body = alice_client.get("/en/recovery/today/").content.decode()
    assert "Medication at 07:30" in body
    assert "2:45 p.m." in body
    assert "Counselor visit" in body
    assert "Tomorrow thing" not in body
    assert "Call my sister" in body
    assert 'href="/en/recovery/strengths/"' in body
    assert 'name="medication_taken"' in body


def test_today_celebrates_a_new_milestone_and_never_resets(alice, alice_client):
    make_profile(alice, days_ago=7)
    body = alice_client.get("/en/recovery/today/").content.decode()
    assert "You reached 1 week in recovery" in body
    services.lapse_record(user=alice, first=selectors.local_today(user=alice) - dt.timedelta(days=2))
    page = alice_client.get("/en/recovery/today/")
    assert page.context["status"].time.days_in_recovery == 6
    assert 7 in {m.days for m in page.context["status"].milestones}


def test_today_stays_a_handful_of_queries_after_three_years_of_check_ins(
    alice, alice_client, django_assert_max_num_queries
):
    """Three years of daily check-ins, a few lapses: the page reads only what it shows."""
    make_profile(alice, days_ago=3 * 365)
    start = selectors.profile_for(user=alice).start_date
    rng = random.Random(7)
    Checkin.objects.bulk_create(
        [
            Checkin(
                user=alice,
                client_id=uuid.uuid4(),
                date=start + dt.timedelta(days=i),
                mood=rng.randint(1, 5),
                craving=rng.randint(0, 10),
            )
            for i in range(3 * 365)
        ]
    )
    for i in range(0, 3 * 365, 90):
        services.lapse_record(user=alice, first=start + dt.timedelta(days=i))
    alice_client.get("/en/recovery/today/")  # stores the milestones once
    with django_assert_max_num_queries(20):
        response = alice_client.get("/en/recovery/today/")
    assert response.status_code == 200


def test_the_progress_page_explains_counting_and_lists_milestones(alice, alice_client):
    make_profile(alice, days_ago=40)
    services.lapse_record(user=alice, first=selectors.local_today(user=alice) - dt.timedelta(days=5))
    body = alice_client.get("/en/recovery/progress/").content.decode()
    assert 'data-testid="progress-days">39<' in body
    assert "never reset to zero" in body
    for label in ("1 day", "1 week", "30 days"):
        assert label in body


@pytest.mark.parametrize("word", ["reset to 0", "start over", "relapsed", "failure", "addict", "clean"])
def test_the_pages_use_no_shaming_words(alice, alice_client, word):
    make_profile(alice, days_ago=12)
    lapse = services.lapse_record(user=alice, first=selectors.local_today(user=alice))
    for url in (
        "/en/recovery/today/",
        f"/en/recovery/lapses/{lapse.pk}/",
        "/en/recovery/progress/",
        "/en/recovery/lapses/",
    ):
        body = alice_client.get(url).content.decode().lower()
        main = body[body.index("<main") : body.index("</main>")]
        if word == "failure":
            # Only ever to say a slip is *not* one.
            assert all("not a failure" in main[max(0, i - 40) : i + 10] for i in _find(main, word)), url
        else:
            assert word not in main, url


def _find(text: str, word: str) -> list[int]:
    found, start = [], 0
    while (index := text.find(word, start)) != -1:
        found.append(index)
        start = index + 1
    return found
