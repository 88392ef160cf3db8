"""Lapses and milestones through the services and the database: computed from the facts,
never stored; a reached milestone is a fact kept with its date (docs/recovery.md)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from waypoint.recovery import recoverytime, selectors, services
from waypoint.recovery.models import Checkin, Lapse, MilestoneReached
from waypoint.recovery.tests.conftest import checkin, make_profile

pytestmark = pytest.mark.django_db


def status_of(user):
    return services.recovery_refresh(user=user, profile=selectors.profile_for(user=user))


def test_a_backdated_lapse_removes_one_day_and_nothing_else(alice):
    make_profile(alice, days_ago=143)
    assert status_of(alice).time.days_in_recovery == 143
    today = selectors.local_today(user=alice)
    services.lapse_record(user=alice, first=today - dt.timedelta(days=40))
    time = status_of(alice).time
    assert time.days_in_recovery == 142
    assert time.current_stretch_days == 39
    assert time.longest_stretch_days == 103  # the 103 days before it


def test_a_lapse_of_several_days_removes_those_days(alice):
    make_profile(alice, days_ago=60)
    today = selectors.local_today(user=alice)
    lapse = services.lapse_record(user=alice, first=today - dt.timedelta(days=10), last=today - dt.timedelta(days=8))
    assert lapse.day_count == 3
    assert status_of(alice).time.days_in_recovery == 57


def test_deleting_a_lapse_gives_its_days_back(alice):
    make_profile(alice, days_ago=20)
    today = selectors.local_today(user=alice)
    lapse = services.lapse_record(user=alice, first=today - dt.timedelta(days=5))
    assert status_of(alice).time.days_in_recovery == 19
    services.lapse_delete(user=alice, lapse=lapse)
    assert status_of(alice).time.days_in_recovery == 20


def test_deleting_a_check_in_s_lapse_says_the_check_in_no_longer_used(alice):
    make_profile(alice, days_ago=5)
    row = checkin(alice, used=True, mood=1)
    services.lapse_delete(user=alice, lapse=Lapse.objects.get(user=alice))
    assert Checkin.objects.get(pk=row.pk).used is False
    assert Checkin.objects.get(pk=row.pk).mood == 1


def test_it_refuses_lapses_in_the_future_or_backwards(alice):
    make_profile(alice)
    today = selectors.local_today(user=alice)
    with pytest.raises(ValidationError):
        services.lapse_record(user=alice, first=today + dt.timedelta(days=1))
    with pytest.raises(ValidationError):
        services.lapse_record(user=alice, first=today, last=today - dt.timedelta(days=1))
    with pytest.raises(ValidationError):
        services.lapse_record(user=alice, first=today - dt.timedelta(days=2), last=today + dt.timedelta(days=1))
    assert not Lapse.objects.exists()


def test_the_start_date_can_move_and_everything_follows(alice):
    make_profile(alice, days_ago=10)
    profile = selectors.profile_for(user=alice)
    services.profile_save(user=alice, start_date=profile.start_date - dt.timedelta(days=5), time_zone=profile.time_zone)
    assert status_of(alice).time.days_in_recovery == 15
    with pytest.raises(ValidationError):
        services.profile_save(
            user=alice, start_date=selectors.local_today(user=alice) + dt.timedelta(days=1), time_zone=profile.time_zone
        )


def test_nothing_about_recovery_time_is_stored(alice):
    """Only facts and reached milestones are in the database: no count to drift."""
    from waypoint.recovery import models

    fields = {f.name for model in (models.RecoveryProfile, models.Checkin, models.Lapse) for f in model._meta.fields}
    assert not fields & {"days_in_recovery", "current_stretch", "longest_stretch", "streak"}


# --- Milestones -----------------------------------------------------------------------------


def test_it_stores_each_milestone_with_the_date_it_was_reached(alice):
    make_profile(alice, days_ago=31)
    today = selectors.local_today(user=alice)
    status = status_of(alice)
    stored = dict(MilestoneReached.objects.filter(user=alice).values_list("days", "reached_on"))
    assert stored == {
        1: today - dt.timedelta(days=30),
        7: today - dt.timedelta(days=24),
        30: today - dt.timedelta(days=1),
    }
    assert status.next_milestone == 60


def test_a_later_backdated_lapse_never_takes_a_milestone_away(alice):
    make_profile(alice, days_ago=30)
    status_of(alice)  # 30 days: the milestone is reached and stored
    today = selectors.local_today(user=alice)
    services.lapse_record(user=alice, first=today - dt.timedelta(days=10), last=today - dt.timedelta(days=9))
    status = status_of(alice)
    assert status.time.days_in_recovery == 28
    assert 30 in {m.days for m in status.milestones}
    assert MilestoneReached.objects.get(user=alice, days=30).reached_on == today
    assert status.next_milestone == 60  # 30 is not offered a second time
    # Two days later the count passes 30 again: still one row, with its first date.
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(days=2), tick=False):
        status_of(alice)
    assert MilestoneReached.objects.filter(user=alice, days=30).count() == 1


def test_a_start_date_correction_removes_milestones_it_no_longer_reaches(alice):
    """A start date typed wrong (a year too early) is a correction, not a lapse."""
    make_profile(alice, days_ago=400)
    status_of(alice)
    assert MilestoneReached.objects.filter(user=alice, days=365).exists()
    profile = selectors.profile_for(user=alice)
    services.profile_save(
        user=alice, start_date=selectors.local_today(user=alice) - dt.timedelta(days=35), time_zone=profile.time_zone
    )
    assert set(MilestoneReached.objects.filter(user=alice).values_list("days", flat=True)) == {1, 7, 30}


def test_milestones_are_stored_once_however_often_the_page_is_seen(alice):
    make_profile(alice, days_ago=8)
    for _ in range(3):
        status_of(alice)
    assert MilestoneReached.objects.filter(user=alice).count() == 2


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    start_ago=st.integers(0, 120),
    actions=st.lists(
        st.tuples(st.sampled_from(["lapse", "delete", "start", "day"]), st.integers(0, 120), st.integers(0, 3)),
        max_size=8,
    ),
)
def test_any_history_gives_the_counts_of_its_facts_and_keeps_milestones(alice, start_ago, actions):
    """Whatever order lapses are recorded, deleted and the start date moved in, the
    counts are those of the facts now; milestones only go when the start date moves."""
    MilestoneReached.objects.filter(user=alice).delete()
    Lapse.objects.filter(user=alice).delete()
    now = dt.datetime(2026, 6, 1, 15, tzinfo=dt.UTC)
    with time_machine.travel(now, tick=False) as traveller:
        make_profile(alice, days_ago=start_ago)
        for kind, offset, span in actions:
            today = selectors.local_today(user=alice)
            profile = selectors.profile_for(user=alice)
            before = {m.days for m in status_of(alice).milestones}
            if kind == "lapse":
                first = today - dt.timedelta(days=offset)
                services.lapse_record(user=alice, first=first, last=min(today, first + dt.timedelta(days=span)))
            elif kind == "delete" and Lapse.objects.filter(user=alice).exists():
                services.lapse_delete(user=alice, lapse=Lapse.objects.filter(user=alice).order_by("id").first())
            elif kind == "start":
                services.profile_save(
                    user=alice, start_date=today - dt.timedelta(days=offset), time_zone=profile.time_zone
                )
            elif kind == "day":
                traveller.shift(dt.timedelta(days=span + 1))
            status = status_of(alice)
            profile = selectors.profile_for(user=alice)
            facts = recoverytime.expand(Lapse.objects.filter(user=alice).values_list("date", "end_date"))
            assert status.time == recoverytime.recovery_time(
                start_date=profile.start_date, today=selectors.local_today(user=alice), lapse_days=facts
            )
            if kind != "start":
                assert before <= {m.days for m in status.milestones}
