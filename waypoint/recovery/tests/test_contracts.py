"""The functions other apps build on (/work/notes/contracts.md, docs/recovery.md):
insights, groups and reminders use these names only."""

from __future__ import annotations

import datetime as dt
import inspect
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from waypoint.core.tests.personas import UserFactory
from waypoint.recovery import services
from waypoint.recovery.models import Appointment, Goal, GoalState, RecoveryProfile, StrugglingMoment
from waypoint.recovery.plan import PlanContent, PlanTrigger
from waypoint.recovery.selectors import (
    BoardFacts,
    CheckinFacts,
    appointments_between,
    barc_due_on,
    board_facts,
    checked_in_on,
    checkin_facts,
    facts_changed_at,
    goals_due_between,
    lapse_dates,
    local_today,
    profile_for,
)
from waypoint.recovery.tests.conftest import checkin, make_profile

pytestmark = pytest.mark.django_db


def test_the_contract_names_and_signatures_are_as_promised():
    expected = {
        checkin_facts: ["user", "start", "end"],
        lapse_dates: ["user"],
        facts_changed_at: ["user"],
        local_today: ["user"],
        board_facts: ["user_ids"],
        profile_for: ["user"],
        checked_in_on: ["user", "date"],
        barc_due_on: ["user"],
        appointments_between: ["user", "start", "end"],
        goals_due_between: ["user", "start", "end"],
        services.struggling_record: ["user"],
    }
    for function, names in expected.items():
        parameters = inspect.signature(function).parameters
        assert list(parameters) == names, function.__name__
        assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in parameters.values()), function.__name__
    assert [f for f in CheckinFacts.__dataclass_fields__] == [
        "date", "mood", "craving", "used", "sleep_hours", "medication_taken", "meeting", "therapy",
        "stress", "pain", "triggers", "recorded_at",
    ]  # fmt: skip
    assert list(BoardFacts.__dataclass_fields__) == [
        "checked_in_today", "last_checkin", "days_in_recovery", "mood_today", "struggling_since",
    ]  # fmt: skip
    for name in ("time_zone", "start_date", "medication_kind", "dose_times", "taper_end_date"):
        assert name in {f.name for f in RecoveryProfile._meta.fields}
    for name in ("user", "starts_at", "time_zone", "title", "place"):
        assert name in {f.name for f in Appointment._meta.fields}
    for name in ("user", "due_date", "state"):
        assert name in {f.name for f in Goal._meta.fields}


def test_checkin_facts_are_the_days_checked_in_with_trigger_names_and_use(alice, profile):
    plan = PlanContent(triggers=[PlanTrigger(id="a1", kind="feelings", name="Feeling alone")])
    services.plan_save(user=alice, content=plan, changed="triggers")
    today = local_today(user=alice)
    yesterday = today - dt.timedelta(days=1)
    checkin(alice, day=yesterday, mood=2, craving=7, sleep_hours=5.5, trigger_ids=("a1",), meeting=False)
    checkin(alice, day=today, mood=4, craving=1, note="private words")
    services.lapse_record(user=alice, first=yesterday)
    # The trigger is renamed later: the history keeps it, by id, under its newest name.
    renamed = PlanContent(triggers=[PlanTrigger(id="a1", kind="feelings", name="Lonely evenings")])
    services.plan_save(user=alice, content=renamed, changed="triggers")

    facts = checkin_facts(user=alice)
    assert [f.date for f in facts] == [yesterday, today]
    first, second = facts
    assert (first.mood, first.craving, first.used, first.sleep_hours, first.meeting) == (2, 7, True, 5.5, False)
    assert first.triggers == ("Lonely evenings",)
    assert first.medication_taken is None  # alice has no medication
    assert second.used is False
    assert second.recorded_at is not None
    assert second.recorded_at.tzinfo is not None
    assert checkin_facts(user=alice, start=today) == [second]
    assert checkin_facts(user=alice, end=yesterday) == [first]


def test_days_without_a_check_in_are_absent(alice, profile):
    checkin(alice, day=local_today(user=alice) - dt.timedelta(days=1), mood=3)
    assert len(checkin_facts(user=alice)) == 1


def test_lapse_dates_are_every_day_of_use_from_check_ins_and_lapses(alice, profile):
    today = local_today(user=alice)
    services.lapse_record(user=alice, first=today - dt.timedelta(days=9), last=today - dt.timedelta(days=8))
    checkin(alice, used=True)
    assert lapse_dates(user=alice) == [today - dt.timedelta(days=9), today - dt.timedelta(days=8), today]


def test_facts_changed_at_moves_with_each_added_or_edited_check_in_or_lapse(alice, profile):
    assert facts_changed_at(user=alice) is None
    first = checkin(alice, mood=3)
    assert facts_changed_at(user=alice) == first.updated_at
    lapse = services.lapse_record(user=alice, first=first.date - dt.timedelta(days=3))
    assert facts_changed_at(user=alice) == lapse.updated_at > first.updated_at
    again = checkin(alice, mood=4)  # the same day: an edit
    assert facts_changed_at(user=alice) == again.updated_at > lapse.updated_at


def test_local_today_is_the_person_s_date(alice):
    moment = dt.datetime(2026, 7, 4, 2, 30, tzinfo=dt.UTC)  # still July 3 in the Americas
    with time_machine.travel(moment, tick=False):
        make_profile(alice, time_zone="America/Denver")
        assert local_today(user=alice) == dt.date(2026, 7, 3)
        services.profile_save(user=alice, start_date=dt.date(2026, 7, 1), time_zone="Asia/Kolkata")
        assert local_today(user=alice) == dt.date(2026, 7, 4)


def test_profile_for_and_checked_in_on(alice, bob, profile):
    assert profile_for(user=alice) == profile
    assert profile_for(user=bob) is None
    today = local_today(user=alice)
    assert not checked_in_on(user=alice, date=today)
    checkin(alice, mood=3)
    assert checked_in_on(user=alice, date=today)
    assert not checked_in_on(user=alice, date=today - dt.timedelta(days=1))


def test_board_facts_answers_for_many_people_in_two_queries(alice, bob, charlie, django_assert_num_queries):
    make_profile(alice, days_ago=10)
    make_profile(bob, days_ago=3)
    checkin(alice, mood=4)
    checkin(bob, day=local_today(user=bob) - dt.timedelta(days=1), mood=2)
    services.lapse_record(user=bob, first=local_today(user=bob) - dt.timedelta(days=2))
    services.struggling_record(user=bob)
    more = [UserFactory() for _ in range(15)]
    for person in more:
        make_profile(person, days_ago=5)
        checkin(person, mood=3)
    ids = [alice.pk, bob.pk, charlie.pk, *(p.pk for p in more)]
    with django_assert_num_queries(2):
        facts = board_facts(user_ids=ids)
    assert facts[alice.pk] == BoardFacts(
        checked_in_today=True,
        last_checkin=local_today(user=alice),
        days_in_recovery=10,
        mood_today=4,
        struggling_since=None,
    )
    assert facts[bob.pk].checked_in_today is False
    assert facts[bob.pk].mood_today is None  # yesterday's mood is not today's
    assert facts[bob.pk].days_in_recovery == 2
    assert facts[bob.pk].struggling_since is not None
    assert facts[charlie.pk] == BoardFacts(False, None, None, None, None)  # no profile
    assert board_facts(user_ids=[]) == {}


def test_board_facts_forgets_struggling_after_a_day(alice, profile):
    services.struggling_record(user=alice)
    later = timezone.now() + dt.timedelta(hours=25)
    with time_machine.travel(later, tick=False):
        assert board_facts(user_ids=[alice.pk])[alice.pk].struggling_since is None


def test_struggling_record_stores_a_private_moment(alice):
    moment = services.struggling_record(user=alice)
    assert isinstance(moment, StrugglingMoment)
    assert StrugglingMoment.objects.filter(user=alice).count() == 1


def test_barc_is_due_at_first_monthly_after_and_at_once_after_a_lapse(alice, bob):
    from waypoint.screening.services import result_save

    assert barc_due_on(user=bob) is None  # no recovery profile
    with time_machine.travel(dt.datetime(2026, 1, 31, 17, tzinfo=dt.UTC), tick=False):
        make_profile(alice, days_ago=10)
        assert barc_due_on(user=alice) == dt.date(2026, 1, 31)
        result_save(user=alice, instrument_id="barc-10", answers={key: 4 for key in _barc_keys()})
        assert barc_due_on(user=alice) == dt.date(2026, 2, 28)  # a month on (February is short)
    with time_machine.travel(dt.datetime(2026, 2, 10, 17, tzinfo=dt.UTC), tick=False):
        services.lapse_record(user=alice, first=dt.date(2026, 2, 9))
        assert barc_due_on(user=alice) == dt.date(2026, 2, 10)


def _barc_keys() -> list[str]:
    from waypoint.screening.selectors import instrument_get

    return list(instrument_get(instrument_id="barc-10").keys)


def test_appointments_between_takes_utc_instants(alice, profile):
    day = local_today(user=alice) + dt.timedelta(days=3)
    services.appointment_save(user=alice, day=day, at=dt.time(9, 30), title="Clinic", place="Main St")
    services.appointment_save(user=alice, day=day, at=dt.time(23, 30), title="Late", place=None)
    start = dt.datetime.combine(day, dt.time(0), tzinfo=ZoneInfo(profile.time_zone))
    found = appointments_between(user=alice, start=start, end=start + dt.timedelta(hours=12))
    assert [a.title for a in found] == ["Clinic"]
    assert found[0].starts_at.astimezone(ZoneInfo(profile.time_zone)).time() == dt.time(9, 30)
    assert found[0].starts_at.utcoffset() == dt.timedelta(0)
    with pytest.raises(ValueError, match="aware"):
        appointments_between(user=alice, start=dt.datetime(2026, 1, 1), end=dt.datetime(2026, 1, 2))


def test_an_appointment_keeps_its_local_time_across_dst(alice):
    with time_machine.travel(dt.datetime(2026, 3, 1, 12, tzinfo=dt.UTC), tick=False):
        make_profile(alice, time_zone="America/Chicago")
        before = services.appointment_save(user=alice, day=dt.date(2026, 3, 7), at=dt.time(10), title="A")
        after = services.appointment_save(user=alice, day=dt.date(2026, 3, 9), at=dt.time(10), title="B")
    assert before.starts_at.hour == 16  # CST, UTC-6
    assert after.starts_at.hour == 15  # CDT, UTC-5


def test_goals_due_between_lists_goals_still_being_worked_on(alice, profile):
    today = local_today(user=alice)
    soon = services.goal_save(user=alice, text=services.GoalText(title="Walk", due_date=today + dt.timedelta(days=2)))
    services.goal_save(user=alice, text=services.GoalText(title="Later", due_date=today + dt.timedelta(days=20)))
    done = services.goal_save(user=alice, text=services.GoalText(title="Done", due_date=today))
    services.goal_finish(user=alice, goal=done, state=GoalState.DONE)
    services.goal_save(user=alice, text=services.GoalText(title="No date"))
    found = goals_due_between(user=alice, start=today, end=today + dt.timedelta(days=7))
    assert [g.pk for g in found] == [soon.pk]
    assert found[0].title == "Walk"
