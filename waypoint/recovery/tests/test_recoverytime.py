"""The definitions of recovery time (docs/recovery.md), pinned with examples and with
property tests: a lapse never lowers days in recovery by more than its own days;
backdating, deleting lapses and moving the start date recompute from the facts alone."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from waypoint.recovery.recoverytime import (
    expand,
    milestone_after,
    milestones_reached,
    milestones_up_to,
    next_milestone,
    recovery_time,
)

D = dt.date
START = D(2026, 1, 1)


def rt(start: dt.date, today: dt.date, lapses: list[dt.date] = ()):  # type: ignore[assignment]
    return recovery_time(start_date=start, today=today, lapse_days=lapses)


# --- The definitions, by example ------------------------------------------------------------


def test_it_gives_zero_on_the_first_day_and_one_the_next():
    assert rt(START, START).days_in_recovery == 0
    assert rt(START, START + dt.timedelta(days=1)).days_in_recovery == 1


def test_a_lapse_removes_only_its_own_day():
    today = D(2026, 5, 24)  # 143 days after the start
    assert rt(START, today).days_in_recovery == 143
    after = rt(START, today, [D(2026, 3, 10)])
    assert after.days_in_recovery == 142
    assert after.current_stretch_days == (today - D(2026, 3, 11)).days
    assert after.longest_stretch_days == (today - D(2026, 3, 11)).days  # 74 after > 68 before


def test_todays_lapse_counts_tomorrow_but_ends_the_stretch_now():
    today = START + dt.timedelta(days=10)
    time = rt(START, today, [today])
    assert time.days_in_recovery == 10  # today is not over: it was never counted yet
    assert time.current_stretch_days == 0
    assert time.longest_stretch_days == 10
    tomorrow = rt(START, today + dt.timedelta(days=1), [today])
    assert tomorrow.days_in_recovery == 10
    assert tomorrow.current_stretch_days == 0


def test_the_longest_stretch_is_the_longest_run_without_use():
    today = START + dt.timedelta(days=30)
    time = rt(START, today, [START + dt.timedelta(days=5), START + dt.timedelta(days=6), START + dt.timedelta(days=20)])
    # Runs: days 0-4 (5), 7-19 (13), 21-29 (9).
    assert time.longest_stretch_days == 13
    assert time.current_stretch_days == 9
    assert time.days_in_recovery == 27


def test_lapses_before_the_start_or_after_today_change_nothing():
    today = START + dt.timedelta(days=10)
    assert rt(START, today, [START - dt.timedelta(days=3), today + dt.timedelta(days=2)]) == rt(START, today)


def test_it_expands_ranges_once_each_and_never_past_today():
    days = expand([(D(2026, 1, 5), D(2026, 1, 7)), (D(2026, 1, 6), D(2026, 1, 9))], until=D(2026, 1, 8))
    assert days == [D(2026, 1, 5), D(2026, 1, 6), D(2026, 1, 7), D(2026, 1, 8)]


def test_milestones_are_the_issue_s_thresholds_then_every_year():
    assert milestones_up_to(800) == [1, 7, 30, 60, 90, 180, 270, 365, 730]
    assert milestone_after(0) == 1
    assert milestone_after(365) == 730
    assert milestone_after(800) == 1095


def test_a_kept_milestone_is_not_offered_again():
    # 30 days reached, then a backdated lapse brought the count to 29: next is 60.
    assert next_milestone(days_in_recovery=29, reached={1, 7, 30}) == 60
    assert next_milestone(days_in_recovery=29, reached={1, 7}) == 30


def test_it_dates_each_milestone_on_the_day_its_count_was_reached():
    lapse = START + dt.timedelta(days=3)
    reached = milestones_reached(start_date=START, today=START + dt.timedelta(days=40), lapse_days=[lapse])
    assert reached[1] == START + dt.timedelta(days=1)
    assert reached[7] == START + dt.timedelta(days=8)  # one day later: the lapse day did not count
    assert reached[30] == START + dt.timedelta(days=31)
    assert 60 not in reached


# --- Properties -----------------------------------------------------------------------------

offsets = st.integers(min_value=0, max_value=400)
lapse_sets = st.sets(st.integers(min_value=-20, max_value=420), max_size=40)


def _days(offsets_: set[int]) -> list[dt.date]:
    return [START + dt.timedelta(days=o) for o in offsets_]


@given(length=offsets, lapses=lapse_sets, first=st.integers(-20, 420), span=st.integers(1, 15))
def test_a_lapse_never_lowers_days_in_recovery_by_more_than_its_own_days(length, lapses, first, span):
    today = START + dt.timedelta(days=length)
    before = rt(START, today, _days(lapses))
    new = [START + dt.timedelta(days=first + i) for i in range(span)]
    after = rt(START, today, _days(lapses) + new)
    assert 0 <= before.days_in_recovery - after.days_in_recovery <= span
    # Exactly the new days that are over, in range and not already lapse days.
    fresh = {d for d in new if START <= d < today} - set(_days(lapses))
    assert before.days_in_recovery - after.days_in_recovery == len(fresh)


@given(length=offsets, lapses=lapse_sets)
def test_deleting_a_lapse_gives_back_at_most_its_days(length, lapses):
    today = START + dt.timedelta(days=length)
    every = _days(lapses)
    full = rt(START, today, every)
    for removed in every[:5]:
        without = rt(START, today, [d for d in every if d != removed])
        assert 0 <= without.days_in_recovery - full.days_in_recovery <= 1


@given(length=offsets, lapses=lapse_sets)
def test_the_counts_hold_together(length, lapses):
    today = START + dt.timedelta(days=length)
    time = rt(START, today, _days(lapses))
    counted_lapses = {d for d in _days(lapses) if START <= d < today}
    assert time.days_in_recovery + len(counted_lapses) == length
    assert 0 <= time.current_stretch_days <= time.longest_stretch_days <= time.days_in_recovery


@given(length=offsets, lapses=lapse_sets)
def test_the_order_facts_are_recorded_in_does_not_matter(length, lapses):
    """Backdating: a lapse recorded today for an old date gives the same counts as if it
    had been recorded that day. Only the set of facts counts."""
    today = START + dt.timedelta(days=length)
    days = _days(lapses)
    assert rt(START, today, days) == rt(START, today, list(reversed(days))) == rt(START, today, days + days)


@given(length=offsets, lapses=lapse_sets)
def test_each_day_adds_one_unless_use_was_recorded_on_it(length, lapses):
    today = START + dt.timedelta(days=length)
    days = _days(lapses)
    step = rt(START, today + dt.timedelta(days=1), days).days_in_recovery - rt(START, today, days).days_in_recovery
    assert step == (0 if today in days else 1)


@given(length=offsets, lapses=lapse_sets, shift=st.integers(-30, 30))
def test_moving_the_start_date_recomputes_from_the_facts(length, lapses, shift):
    today = START + dt.timedelta(days=length)
    moved = START + dt.timedelta(days=shift)
    if moved > today:
        return
    days = _days(lapses)
    time = rt(moved, today, days)
    expected = sum(1 for i in range((today - moved).days) if moved + dt.timedelta(days=i) not in set(days))
    assert time.days_in_recovery == expected
    # An earlier start adds at most the days it adds.
    if shift < 0:
        assert 0 <= time.days_in_recovery - rt(START, today, days).days_in_recovery <= -shift


@given(length=offsets, lapses=lapse_sets)
def test_on_each_milestone_s_date_the_count_was_that_milestone(length, lapses):
    today = START + dt.timedelta(days=length)
    days = _days(lapses)
    reached = milestones_reached(start_date=START, today=today, lapse_days=days)
    assert list(reached) == milestones_up_to(rt(START, today, days).days_in_recovery)
    for threshold, when in reached.items():
        assert when <= today
        assert rt(START, when, days).days_in_recovery == threshold
        assert rt(START, when - dt.timedelta(days=1), days).days_in_recovery < threshold
