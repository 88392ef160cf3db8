"""Everything the recovery companion stores joins "My data": exported decrypted (JSON and
the readable page) and deleted with the account."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from waypoint.accounts.services import account_delete, account_export
from waypoint.recovery import models, selectors, services
from waypoint.recovery.plan import PlanContent, PlanTrigger
from waypoint.recovery.tests.conftest import checkin, make_profile

pytestmark = pytest.mark.django_db

RECOVERY_MODELS = [
    models.RecoveryProfile, models.SupportPerson, models.Appointment, models.PlanVersion, models.Checkin,
    models.Lapse, models.MilestoneReached, models.Goal, models.GoalStep, models.StrugglingMoment,
]  # fmt: skip


def fill(user):
    make_profile(
        user, days_ago=10, medication_kind="buprenorphine", medication_program="Dr. Vale", dose_times=["08:00"]
    )
    today = selectors.local_today(user=user)
    services.support_person_save(user=user, name="Ines", phone="555-201-3344", role="sponsor")
    services.appointment_save(user=user, day=today, at=dt.time(9), title="Clinic", place="Main St")
    services.plan_save(
        user=user,
        content=PlanContent(reasons=["My kids"], triggers=[PlanTrigger(id="t", kind="times", name="Payday")]),
        changed="triggers",
    )
    checkin(user, mood=3, note="A good day", trigger_ids=("t",))
    services.lapse_record(
        user=user, first=today - dt.timedelta(days=3), reflection=services.Reflection(what_helped="A walk")
    )
    services.recovery_refresh(user=user, profile=selectors.profile_for(user=user))
    goal = services.goal_save(user=user, text=services.GoalText(title="Walk"))
    services.goal_step_add(user=user, goal=goal, text="Shoes")
    services.struggling_record(user=user)


def test_the_export_holds_every_recovery_record_in_clear(alice):
    fill(alice)
    data = account_export(user=alice)["data"]
    assert data["recovery.profile"]["medication_program"] == "Dr. Vale"
    assert data["recovery.people"] == [{"name": "Ines", "phone": "555-201-3344", "role": "sponsor"}]
    assert data["recovery.appointments"][0]["title"] == "Clinic"
    assert data["recovery.plan"][0]["reasons"] == ["My kids"]
    assert data["recovery.checkins"][0]["note"] == "A good day"
    assert data["recovery.checkins"][0]["triggers"] == ["Payday"]
    assert data["recovery.lapses"][0]["what_helped"] == "A walk"
    assert [m["days"] for m in data["recovery.milestones"]] == [1, 7]
    assert data["recovery.goals"][0]["steps"] == [{"text": "Shoes", "done": False, "done_on": None}]
    assert len(data["recovery.struggling"]) == 1
    json.dumps(data)  # plain JSON types only


def test_the_readable_export_page_shows_the_words(alice, alice_client):
    fill(alice)
    page = alice_client.get("/en/account/my-data/download.html").content.decode()
    for words in ("Dr. Vale", "Ines", "My kids", "A good day", "A walk", "Shoes", "Daily check-ins"):
        assert words in page
    summary = alice_client.get("/en/account/my-data/").content.decode()
    assert "Lapses and reflections" in summary


def test_deleting_the_account_removes_every_recovery_row_and_keeps_others(alice, bob):
    fill(alice)
    fill(bob)
    account_delete(user=alice)
    for model in RECOVERY_MODELS:
        assert not model.objects.filter(user_id=alice.pk).exists(), model.__name__
        assert model.objects.filter(user_id=bob.pk).exists(), model.__name__


def test_every_provider_deletes_its_own_rows(alice):
    from waypoint.core import userdata

    fill(alice)
    for provider in userdata.providers():
        if provider.key.startswith("recovery."):
            provider.remove(alice)
    for model in RECOVERY_MODELS:
        assert not model.objects.filter(user_id=alice.pk).exists(), model.__name__
