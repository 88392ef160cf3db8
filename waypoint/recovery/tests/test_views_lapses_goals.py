"""Lapse pages (record, reflect, offer to update the plan, delete) and SMART goals."""

from __future__ import annotations

import datetime as dt

import pytest

from waypoint.recovery import selectors, services
from waypoint.recovery.models import Goal, GoalState, GoalStep, Lapse
from waypoint.recovery.tests.conftest import make_profile

pytestmark = pytest.mark.django_db


def test_a_lapse_recorded_on_its_own_can_be_backdated_with_a_reflection(alice, alice_client):
    make_profile(alice, days_ago=50)
    first = selectors.local_today(user=alice) - dt.timedelta(days=20)
    response = alice_client.post(
        "/en/recovery/lapses/new/",
        {
            "first": first.isoformat(),
            "last": "",
            "what_happened": "Payday and old friends",
            "what_helped": "",
            "what_to_change": "Leave early",
        },
    )
    lapse = Lapse.objects.get(user=alice)
    assert response["Location"] == f"/en/recovery/lapses/{lapse.pk}/"
    assert (lapse.date, lapse.end_date, lapse.what_to_change) == (first, first, "Leave early")
    page = alice_client.get(response["Location"]).content.decode()
    assert "You still have 49 days of recovery. What can we learn?" in page
    assert "less tolerance" not in page  # weeks ago: the safety card is for recent use
    for step in ("triggers", "signs", "coping", "people"):
        assert f'href="/en/recovery/plan/edit/{step}/"' in page
    assert 'href="/en/recovery/strengths/"' in page  # BARC-10 offered after a lapse


def test_the_reflection_can_be_written_later(alice, alice_client):
    make_profile(alice, days_ago=10)
    lapse = services.lapse_record(user=alice, first=selectors.local_today(user=alice))
    alice_client.post(
        f"/en/recovery/lapses/{lapse.pk}/",
        {"what_happened": "A fight", "what_helped": "My sponsor", "what_to_change": ""},
    )
    lapse.refresh_from_db()
    assert (lapse.what_happened, lapse.what_helped, lapse.what_to_change) == ("A fight", "My sponsor", None)


def test_a_lapse_started_today_says_every_day_counts(alice, alice_client):
    make_profile(alice, days_ago=0)
    lapse = services.lapse_record(user=alice, first=selectors.local_today(user=alice))
    page = alice_client.get(f"/en/recovery/lapses/{lapse.pk}/").content.decode()
    assert "Every day from here counts." in page


def test_a_lapse_can_be_deleted_after_a_confirmation(alice, alice_client):
    make_profile(alice, days_ago=10)
    lapse = services.lapse_record(user=alice, first=selectors.local_today(user=alice) - dt.timedelta(days=2))
    assert alice_client.get(f"/en/recovery/lapses/{lapse.pk}/delete/").status_code == 200
    assert Lapse.objects.exists()
    response = alice_client.post(f"/en/recovery/lapses/{lapse.pk}/delete/")
    assert response["Location"] == "/en/recovery/lapses/"
    assert not Lapse.objects.exists()


def test_the_lapse_list_says_what_a_lapse_is(alice, alice_client):
    make_profile(alice)
    services.lapse_record(
        user=alice, first=selectors.local_today(user=alice), reflection=services.Reflection(what_helped="x")
    )
    body = alice_client.get("/en/recovery/lapses/").content.decode()
    assert "takes away only its own days" in body
    assert "with a reflection" in body


# --- SMART goals ------------------------------------------------------------------------


def test_a_smart_goal_is_set_with_guided_prompts(alice, alice_client, profile):
    page = alice_client.get("/en/recovery/goals/new/").content.decode()
    for prompt in ("Specific:", "Measurable:", "Achievable:", "Relevant:", "Time-bound:"):
        assert prompt in page
    due = (selectors.local_today(user=alice) + dt.timedelta(days=7)).isoformat()
    response = alice_client.post(
        "/en/recovery/goals/new/",
        {
            "title": "Walk",
            "measure": "20 minutes, 3 days",
            "achievable": "After lunch",
            "relevant": "Sleep better",
            "due_date": due,
        },
    )
    goal = Goal.objects.get(user=alice)
    assert response["Location"] == f"/en/recovery/goals/{goal.pk}/"
    assert (goal.title, goal.measure, str(goal.due_date)) == ("Walk", "20 minutes, 3 days", due)


def test_steps_show_progress_and_the_goal_is_done_or_let_go(alice, alice_client, profile):
    goal = services.goal_save(user=alice, text=services.GoalText(title="Find a meeting"))
    url = f"/en/recovery/goals/{goal.pk}/"
    alice_client.post(url, {"action": "add-step", "step": "Look at the meeting finder"})
    alice_client.post(url, {"action": "add-step", "step": "Go once"})
    first = GoalStep.objects.filter(goal=goal).order_by("position").first()
    alice_client.post(url, {"action": "step-done", "step_id": first.pk})
    page = alice_client.get(url).content.decode()
    assert "1 of 2 steps done" in page
    assert '<progress id="goal-progress" max="2" value="1">' in page
    alice_client.post(url, {"action": "done"})
    goal.refresh_from_db()
    assert goal.state == GoalState.DONE
    assert goal.finished_on == selectors.local_today(user=alice)
    alice_client.post(url, {"action": "reopen"})
    alice_client.post(url, {"action": "let-go"})
    goal.refresh_from_db()
    assert goal.state == GoalState.LET_GO
    listing = alice_client.get("/en/recovery/goals/").content.decode()
    assert "Let go" in listing
    assert "Find a meeting" in listing


def test_a_step_of_another_goal_is_not_touched(alice, bob, alice_client, profile):
    make_profile(bob)
    mine = services.goal_save(user=alice, text=services.GoalText(title="Mine"))
    theirs = services.goal_save(user=bob, text=services.GoalText(title="Theirs"))
    step = services.goal_step_add(user=bob, goal=theirs, text="Bob's step")
    alice_client.post(f"/en/recovery/goals/{mine.pk}/", {"action": "step-done", "step_id": step.pk})
    alice_client.post(f"/en/recovery/goals/{mine.pk}/", {"action": "step-remove", "step_id": step.pk})
    step.refresh_from_db()
    assert step.done is False


def test_a_goal_can_be_changed(alice, alice_client, profile):
    goal = services.goal_save(user=alice, text=services.GoalText(title="Old words"))
    alice_client.post(
        f"/en/recovery/goals/{goal.pk}/edit/",
        {"title": "New words", "measure": "", "achievable": "", "relevant": "", "due_date": ""},
    )
    goal.refresh_from_db()
    assert goal.title == "New words"
