"""The early warning: each signal on crafted data, the score adding up, and no score
without a usual to compare with."""

from __future__ import annotations

import datetime as dt

import pytest

from waypoint.insights import warning
from waypoint.insights.facts import Checkin
from waypoint.insights.frame import build_frame
from waypoint.insights.tests.conftest import TODAY
from waypoint.insights.warning import THRESHOLD, WEIGHTS, warning_for, warning_series

BASE = {
    "mood": 4,
    "craving": 2,
    "sleep_hours": 7.5,
    "medication_taken": True,
    "triggers": (),
}


def steady(days: int = 60, *, end: dt.date = TODAY, skip: set[int] | None = None, **last_days: object) -> list[Checkin]:
    """`days` steady days; keyword `fieldname=[values for the last len(values) days]`
    overrides the end of the series. Meetings every third day."""
    rows = []
    for index in range(days):
        back = days - 1 - index  # 0 = the last day
        if skip and back in skip:
            continue
        values = dict(BASE, meeting=index % 3 == 0)
        for name, tail in last_days.items():
            assert isinstance(tail, list)
            if back < len(tail):
                values[name] = tail[len(tail) - 1 - back]
        rows.append(Checkin(date=end - dt.timedelta(days=back), **values))  # type: ignore[arg-type]
    return rows


def points(rows: list[Checkin]) -> dict[str, float]:
    day = warning_for(rows, today=TODAY)
    assert day is not None
    return day.points()


def test_a_steady_stretch_scores_nothing():
    day = warning_for(steady(), today=TODAY)
    assert day is not None
    assert day.score == 0
    assert not day.above


def test_weights_add_up_to_100_and_the_score_is_their_sum():
    assert sum(WEIGHTS.values()) == 100
    rows = steady(craving=[4, 6, 8], mood=[3, 2, 2], triggers=[(), ("payday",), ("payday",)])
    day = warning_for(rows, today=TODAY)
    assert day is not None
    assert day.score == pytest.approx(sum(day.points().values()), abs=0.2)
    assert all(0 <= s.points <= s.weight for s in day.signals)


def test_craving_above_usual_counts():
    got = points(steady(craving=[5, 5, 5]))  # 3 points above the usual 2: full weight
    assert got["craving_level"] == WEIGHTS["craving_level"]
    half = points(steady(craving=[3, 4, 3.5]))  # type: ignore[list-item]
    assert 0 < half["craving_level"] < WEIGHTS["craving_level"]


def test_craving_rising_counts():
    got = points(steady(craving=[2, 2, 3, 3, 4, 5, 6]))
    assert got["craving_rising"] > 0
    assert points(steady(craving=[6, 5, 4, 3, 3, 2, 2]))["craving_rising"] == 0


def test_bigger_swings_than_usual_count():
    got = points(steady(craving=[1, 6, 1, 6, 1, 6, 2]))
    assert got["craving_swings"] == WEIGHTS["craving_swings"]


def test_lower_mood_than_usual_counts():
    got = points(steady(mood=[2, 2, 2]))
    assert got["low_mood"] == pytest.approx(WEIGHTS["low_mood"])


def test_triggers_and_short_nights_count():
    got = points(steady(triggers=[("payday",)] * 3, sleep_hours=[5.0, 4.5, 5.5]))
    assert got["triggers"] == WEIGHTS["triggers"]
    assert got["short_sleep"] == WEIGHTS["short_sleep"]


def test_missed_check_ins_count_but_not_today():
    got = points(steady(skip={1, 2, 3, 4}))
    assert got["missed_checkins"] == WEIGHTS["missed_checkins"]
    assert points(steady(skip={0}))["missed_checkins"] == 0  # today may not be over


def test_missed_medication_counts_only_with_a_medication():
    got = points(steady(medication_taken=[False, False, True]))
    assert got["missed_medication"] > 0
    rows = [Checkin(**{**r.__dict__, "medication_taken": None}) for r in steady()]
    assert points(rows)["missed_medication"] == 0


def test_fewer_meetings_than_usual_count():
    got = points(steady(meeting=[False] * 14))
    assert got["fewer_meetings"] == WEIGHTS["fewer_meetings"]


def test_a_hard_stretch_is_above_the_threshold():
    rows = steady(
        craving=[3, 4, 6, 7, 8],
        mood=[3, 2, 2],
        triggers=[(), ("payday",), ("payday", "old friends")],
        sleep_hours=[6.5, 5.0, 5.0],
    )
    day = warning_for(rows, today=TODAY)
    assert day is not None
    assert day.score >= THRESHOLD
    assert day.above


def test_no_score_without_a_usual_to_compare_with():
    rows = steady(warning.MIN_USUAL_CHECKINS)  # all of them today or before: nothing before the window
    assert warning_for(rows[: warning.MIN_USUAL_CHECKINS - 1], today=TODAY) is None
    series = warning_series(build_frame(steady(40)))
    assert series is not None
    days = series.days()
    assert days[0].date == TODAY - dt.timedelta(days=40 - 1 - warning.MIN_USUAL_CHECKINS)


def test_it_never_looks_past_the_day_it_scores():
    calm_then_hard = steady(craving=[8, 8, 8])
    yesterday = TODAY - dt.timedelta(days=3)
    day = warning_for(calm_then_hard, today=yesterday)
    assert day is not None
    assert day.score == 0


def test_values_and_usual_are_given_for_the_person_to_read():
    day = warning_for(steady(craving=[6, 6, 6]), today=TODAY)
    assert day is not None
    level = next(s for s in day.signals if s.name == "craving_level")
    assert level.value == 6
    assert level.usual == 2
