"""Access through the chokepoints: another person's plan versions, check-ins, lapses,
goals, people and appointments are a 404 by id, on pages (GET and POST) and in the API;
every page is personal (no-store) and names nothing but ids in its URL."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import URLPattern, get_resolver

from waypoint.core.access import NotAllowed
from waypoint.recovery import selectors, services
from waypoint.recovery.models import Appointment, Goal, Lapse, PlanVersion, SupportPerson
from waypoint.recovery.plan import PlanContent
from waypoint.recovery.tests.conftest import checkin, make_profile

pytestmark = pytest.mark.django_db


@pytest.fixture
def alices_things(alice):
    make_profile(alice)
    today = selectors.local_today(user=alice)
    return {
        "version": services.plan_save(user=alice, content=PlanContent(reasons=["alice-only"]), changed="reasons"),
        "checkin": checkin(alice, mood=2, note="alice-only"),
        "lapse": services.lapse_record(user=alice, first=today),
        "goal": services.goal_save(user=alice, text=services.GoalText(title="alice-only")),
        "person": services.support_person_save(user=alice, name="alice-only"),
        "appointment": services.appointment_save(user=alice, day=today, at=dt.time(9), title="alice-only"),
    }


def urls(things):
    return [
        f"/en/recovery/plan/versions/{things['version'].pk}/",
        f"/en/recovery/plan/versions/{things['version'].pk}/plan.pdf",
        f"/en/recovery/check-ins/{things['checkin'].pk}/",
        f"/en/recovery/lapses/{things['lapse'].pk}/",
        f"/en/recovery/lapses/{things['lapse'].pk}/delete/",
        f"/en/recovery/goals/{things['goal'].pk}/",
        f"/en/recovery/goals/{things['goal'].pk}/edit/",
        f"/en/recovery/people/{things['person'].pk}/",
        f"/en/recovery/people/{things['person'].pk}/delete/",
        f"/en/recovery/appointments/{things['appointment'].pk}/",
        f"/en/recovery/appointments/{things['appointment'].pk}/delete/",
    ]


def test_another_person_gets_404_for_every_thing_of_alice_s(alices_things, bob, bob_client):
    make_profile(bob)
    for url in urls(alices_things):
        assert bob_client.get(url).status_code == 404, url
        # A page that only shows may answer a POST with 405; one that changes things, 404.
        response = bob_client.post(url, {"action": "done", "what_happened": "bob was here"})
        assert response.status_code in {404, 405}, url
        assert "alice-only" not in response.content.decode()
    # Nothing changed: the POSTs never reached a service.
    assert Lapse.objects.filter(pk=alices_things["lapse"].pk, what_happened=None).exists()
    assert Goal.objects.get(pk=alices_things["goal"].pk).state == "active"
    assert SupportPerson.objects.filter(pk=alices_things["person"].pk).exists()
    assert Appointment.objects.filter(pk=alices_things["appointment"].pk).exists()


def test_the_owner_gets_each_of_them(alices_things, alice_client):
    for url in urls(alices_things):
        assert alice_client.get(url).status_code == 200, url


def test_anonymous_visitors_are_sent_to_sign_in(alices_things):
    for url in [*urls(alices_things), "/en/recovery/today/", "/en/recovery/plan/"]:
        response = Client().get(url)
        assert response.status_code == 302
        assert response["Location"] == "/en/account/login/?next=" + url


def test_the_chokepoints_refuse_missing_and_foreign_rows_alike(alices_things, bob):
    checks = [
        (selectors.lapse_for_owner, "lapse_id", alices_things["lapse"].pk),
        (selectors.checkin_for_owner, "checkin_id", alices_things["checkin"].pk),
        (selectors.goal_for_owner, "goal_id", alices_things["goal"].pk),
        (selectors.plan_version_for_owner, "version_id", alices_things["version"].pk),
        (selectors.support_person_for_owner, "person_id", alices_things["person"].pk),
        (selectors.appointment_for_owner, "appointment_id", alices_things["appointment"].pk),
    ]
    for function, name, pk in checks:
        with pytest.raises(NotAllowed):
            function(user=bob, **{name: pk})
        with pytest.raises(NotAllowed):
            function(user=bob, **{name: 987654})


def test_every_recovery_page_is_no_store(alices_things, alice_client):
    listed = [
        "/en/recovery/today/", "/en/recovery/progress/", "/en/recovery/check-in/", "/en/recovery/check-ins/",
        "/en/recovery/lapses/", "/en/recovery/plan/", "/en/recovery/plan/versions/", "/en/recovery/plan/plan.pdf",
        "/en/recovery/profile/", "/en/recovery/people/", "/en/recovery/appointments/", "/en/recovery/goals/",
        "/en/recovery/strengths/", "/en/recovery/struggling/", "/en/recovery/plan/edit/coping/",
    ]  # fmt: skip
    for url in [*listed, *urls(alices_things)]:
        response = alice_client.get(url)
        assert "no-store" in response["Cache-Control"], url


def test_recovery_urls_hold_only_ids_and_page_names():
    resolver = get_resolver()
    patterns = []

    def walk(entries, prefix=""):
        for entry in entries:
            if isinstance(entry, URLPattern):
                patterns.append(prefix + str(entry.pattern))
            else:
                walk(entry.url_patterns, prefix + str(entry.pattern))

    walk(resolver.url_patterns)
    recovery = [p for p in patterns if "recovery/" in p]
    assert recovery
    for pattern in recovery:
        assert set(re.findall(r"<(\w+):\w+>", pattern)) <= {"int", "slug"}, pattern
        for param in re.findall(r"<\w+:(\w+)>", pattern):
            assert param.endswith("_id") or param == "step_key", pattern


def test_the_api_answers_404_for_another_person_s_lapse_and_lists_only_one_s_own(alices_things, bob, bob_client):
    make_profile(bob)
    lapse = alices_things["lapse"]
    assert bob_client.delete(f"/api/v1/me/lapses/{lapse.pk}").status_code == 404
    assert Lapse.objects.filter(pk=lapse.pk).exists()
    assert bob_client.get("/api/v1/me/checkins").json() == []
    assert "alice-only" not in bob_client.get("/api/v1/me/lapses").content.decode()
    assert PlanVersion.objects.filter(user=bob).count() == 0
