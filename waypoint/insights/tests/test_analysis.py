"""The insight engine on crafted data with a known answer, on null data, and its rules
(thresholds, FDR, determinism, the within-week permutation)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import numpy as np
import pytest
from scipy import stats

from waypoint.insights import analysis, simulate
from waypoint.insights.analysis import RULES, Finding, Rules, analyse, block_permutations, decide
from waypoint.insights.facts import Checkin
from waypoint.insights.frame import build_frame
from waypoint.insights.tests.conftest import history

UTC = dt.UTC


def noise(seed: int = 0):
    """A craving around `base` with a little deterministic noise (−1, 0 or +1)."""
    rng = np.random.default_rng(seed)
    draws = rng.integers(-1, 2, size=1000)
    return lambda base, i: int(min(10, max(0, base + draws[i])))


def shown(result: analysis.Analysis, kind: str, outcome: str | None = None) -> list[Finding]:
    return [f for f in result.shown if f.kind == kind and (outcome is None or f.outcome == outcome)]


def test_it_finds_that_short_nights_raise_next_day_craving():
    n = noise(1)
    rows = history(
        84,
        sleep_hours=lambda d, i: 5.0 if i % 3 == 0 else 7.5,
        craving=lambda d, i: n(6 if i % 3 == 0 else 3, i),
    )
    found = shown(analyse(rows), "sleep")
    assert len(found) == 1
    finding = found[0]
    assert finding.outcome == "next_day_craving"
    assert finding.factor == "sleep_under_6h"
    assert finding.effect == pytest.approx(3.0, abs=0.4)
    assert finding.n == 84
    assert finding.n_exposed == 28
    assert finding.low < finding.effect < finding.high
    assert finding.q <= RULES.fdr_q


def test_it_finds_a_weekday_and_not_the_others():
    n = noise(2)
    rows = history(91, craving=lambda d, i: n(6 if d.weekday() == 4 else 3, i))
    found = shown(analyse(rows), "weekday")
    assert [(f.factor, round(f.effect)) for f in found] == [("friday", 3)]


def test_it_finds_the_time_of_day():
    n = noise(3)

    def stamp(d: dt.date, i: int) -> dt.datetime:
        hour = 20 if i % 3 == 0 else 9
        return dt.datetime.combine(d, dt.time(hour, 15), tzinfo=UTC)

    rows = history(84, recorded_at=stamp, craving=lambda d, i: n(6 if i % 3 == 0 else 3, i))
    found = shown(analyse(rows), "time_of_day")
    assert {f.factor for f in found} <= {"evening", "morning"}
    evening = [f for f in found if f.factor == "evening"]
    assert evening
    assert evening[0].effect > 2


def test_it_reads_the_time_of_day_in_the_persons_time_zone():
    # 01:30 UTC is 21:30 the evening before in New York.
    row = Checkin(date=dt.date(2025, 1, 1), recorded_at=dt.datetime(2025, 1, 2, 1, 30, tzinfo=UTC))
    from zoneinfo import ZoneInfo

    assert build_frame([row], time_zone=ZoneInfo("America/New_York")).time_of_day.tolist() == [2]
    assert build_frame([row]).time_of_day.tolist() == [3]  # in its own offset (UTC): night


def test_it_finds_a_trigger_that_raises_craving_and_one_that_comes_with_use():
    n = noise(4)
    rows = history(
        120,
        triggers=lambda d, i: tuple(name for name, on in (("Payday", i % 4 == 0), ("old friends", i % 5 == 0)) if on),
        craving=lambda d, i: n(6 if i % 4 == 0 else 3, i),
        used=lambda d, i: i % 10 == 0,  # on half of the "old friends" days, never otherwise
    )
    result = analyse(rows)
    craving = shown(result, "trigger", "craving")
    assert [(f.factor, f.label) for f in craving] == [("payday", "Payday")]
    use = shown(result, "trigger", "use")
    assert [f.factor for f in use] == ["old friends"]
    assert use[0].events_exposed == 12
    assert use[0].n_exposed == 24
    assert use[0].events_other == 0
    assert use[0].effect == pytest.approx(0.5)


@pytest.mark.parametrize(
    ("kind", "field", "exposed", "other", "base_exposed", "base_other"),
    [
        ("mood", "mood", 1, 4, 6, 3),
        ("meeting", "meeting", True, False, 2, 5),
        ("therapy", "therapy", True, False, 2, 5),
        ("medication", "medication_taken", False, True, 6, 3),
        ("stress", "stress", 8, 3, 6, 3),
        ("pain", "pain", 9, 2, 6, 3),
    ],
)
def test_it_finds_each_factor_with_its_sign(kind, field, exposed, other, base_exposed, base_other):
    n = noise(5)
    rows = history(
        84,
        **{field: lambda d, i: exposed if i % 3 == 1 else other},
        craving=lambda d, i: n(base_exposed if i % 3 == 1 else base_other, i),
    )
    found = shown(analyse(rows), kind)
    assert len(found) == 1
    assert found[0].effect == pytest.approx(base_exposed - base_other, abs=0.4)


def test_nothing_before_enough_check_ins():
    n = noise(6)
    make = lambda days: history(  # noqa: E731
        days, sleep_hours=lambda d, i: 5.0 if i % 2 else 8.0, craving=lambda d, i: n(8 if i % 2 else 1, i)
    )
    assert analyse(make(RULES.min_checkins - 1)).enough is False
    assert analyse(make(RULES.min_checkins - 1)).tested == []
    result = analyse(make(RULES.min_checkins))
    assert result.enough is True
    assert shown(result, "sleep")


def test_a_question_needs_enough_days_on_both_sides():
    def rows(exposed_days: int) -> list[Checkin]:
        return history(60, triggers=lambda d, i: ("payday",) if i < exposed_days else ())

    factors = lambda rs: {f.factor for f in analyse(rs).tested if f.kind == "trigger"}  # noqa: E731
    assert factors(rows(RULES.min_group - 1)) == set()
    assert factors(rows(RULES.min_group)) == {"payday"}


def test_use_questions_need_enough_days_with_use():
    def rows(used_days: int) -> list[Checkin]:
        return history(60, triggers=lambda d, i: ("payday",) if i % 3 == 0 else (), used=lambda d, i: i < used_days)

    outcomes = lambda rs: {f.outcome for f in analyse(rs).tested}  # noqa: E731
    assert "use" not in outcomes(rows(RULES.min_use_days - 1))
    assert "use" in outcomes(rows(RULES.min_use_days))


def _finding(p: float, effect: float = 2.0, outcome: str = "craving", factor: str = "x") -> Finding:
    return Finding(
        kind="trigger", factor=factor, outcome=outcome, label=factor, effect=effect, low=0, high=0, n=60,
        n_exposed=20, n_other=40, mean_exposed=0, mean_other=0, p=p,
    )  # fmt: skip


def test_benjamini_hochberg_decides_across_everything_tested():
    tested = [_finding(0.001, factor="a"), _finding(0.02, factor="b")] + [
        _finding(0.5, factor=f"n{i}") for i in range(18)
    ]
    decided = decide(tested)
    expected = stats.false_discovery_control([f.p for f in tested], method="bh")
    assert [f.q for f in decided] == pytest.approx(list(expected))
    # p = 0.02 would pass alone, but not among 20 questions (q = 0.2).
    assert [f.factor for f in decided if f.shown] == ["a"]
    # Asked alone, the same finding passes: the correction is what held it back.
    assert decide([_finding(0.02, factor="b")])[0].shown


def test_a_detectable_but_small_effect_is_not_shown():
    decided = decide(
        [
            _finding(0.0005, effect=RULES.min_effect_points - 0.1, factor="small"),
            _finding(0.0005, effect=-RULES.min_effect_points, factor="lower"),
            _finding(0.0005, effect=RULES.min_effect_share - 0.01, outcome="use", factor="rare"),
        ]
    )
    assert [(f.factor, f.shown) for f in decided] == [("small", False), ("lower", True), ("rare", False)]


def test_null_data_yields_no_insight_on_many_seeds():
    """Nothing planted, with day-to-day memory, sticky triggers and gaps like real data:
    the goal is at most 5% of people with any (false) insight."""
    people = 60
    with_any = 0
    for seed in range(people):
        rows = simulate.null_rows(1000 + seed, days=(60, 120, 240)[seed % 3])
        with_any += bool(analyse(rows, time_zone=simulate.TIME_ZONE).shown)
    assert with_any <= people * 0.05


def test_independent_noise_yields_no_insight():
    rng = np.random.default_rng(7)
    with_any = 0
    for _ in range(30):
        craving, mood = rng.integers(0, 11, 120), rng.integers(1, 6, 120)
        sleep, meeting, trigger = rng.normal(6.5, 1.2, 120), rng.random(120) < 0.3, rng.random(120) < 0.2
        rows = history(
            120,
            craving=lambda d, i: int(craving[i]),  # noqa: B023 - used at once, inside this iteration
            sleep_hours=lambda d, i: round(float(sleep[i]) * 2) / 2,  # noqa: B023
            mood=lambda d, i: int(mood[i]),  # noqa: B023
            meeting=lambda d, i: bool(meeting[i]),  # noqa: B023
            triggers=lambda d, i: ("payday",) if trigger[i] else (),  # noqa: B023
        )
        with_any += bool(analyse(rows).shown)
    assert with_any <= 1


def test_the_same_check_ins_always_give_the_same_insights():
    rows = simulate.null_rows(5, days=200)
    first = analyse(rows, time_zone=simulate.TIME_ZONE)
    again = analyse(list(reversed(rows)), time_zone=simulate.TIME_ZONE)
    assert [(f.factor, f.outcome, f.p, f.q) for f in first.tested] == [
        (f.factor, f.outcome, f.p, f.q) for f in again.tested
    ]


def test_block_permutations_only_move_days_within_their_week():
    rows = simulate.null_rows(9, days=120)
    frame = build_frame(rows)
    orders = block_permutations(frame.block, 300)
    for order in orders:
        assert sorted(order.tolist()) == list(range(frame.size))
        assert np.array_equal(frame.block[order], frame.block)
    # And they do move days: most orderings differ from the identity.
    assert np.mean([np.array_equal(o, np.arange(frame.size)) for o in orders]) < 0.01


def test_permutations_do_not_depend_on_anyone_elses_history():
    short = block_permutations(np.repeat(np.arange(3), 7), 50)
    analysis.block_permutations(np.repeat(np.arange(200), 7), 50)  # a long history in between
    assert np.array_equal(short, block_permutations(np.repeat(np.arange(3), 7), 50))


def test_free_permutations_agree_with_scipy():
    """With the weeks ignored, the engine's test is the ordinary permutation test of a
    difference in means: its p-value matches scipy's."""
    noise = np.random.default_rng(11).integers(0, 11, 70)
    rows = history(
        70,
        craving=lambda d, i: int(noise[i]) + (2 if i % 4 == 0 else 0),
        triggers=lambda d, i: ("payday",) if i % 4 == 0 else (),
    )
    rules = replace(RULES, within_weeks=False, memory_correction=False, permutations=20_000)
    ours = next(f for f in analyse(rows, rules=rules).tested if f.kind == "trigger")
    craving = np.array([r.craving for r in rows], dtype=float)
    exposed = np.array([bool(r.triggers) for r in rows])
    theirs = stats.permutation_test(
        (craving[exposed], craving[~exposed]),
        lambda a, b, axis: np.mean(a, axis=axis) - np.mean(b, axis=axis),
        permutation_type="independent",
        n_resamples=20_000,
        vectorized=True,
        rng=np.random.default_rng(0),
    )
    assert ours.effect == pytest.approx(theirs.statistic, abs=1e-3)
    assert ours.p == pytest.approx(theirs.pvalue, abs=0.01)


def test_the_memory_correction_only_ever_makes_the_test_stricter():
    rows = simulate.null_rows(21, days=365)
    with_memory = {(f.factor, f.outcome): f.p for f in analyse(rows, time_zone=simulate.TIME_ZONE).tested}
    rules = Rules(memory_correction=False)
    without = {(f.factor, f.outcome): f.p for f in analyse(rows, time_zone=simulate.TIME_ZONE, rules=rules).tested}
    assert with_memory.keys() == without.keys()
    assert all(with_memory[k] >= without[k] for k in with_memory)
    assert any(with_memory[k] > without[k] for k in with_memory)


def test_it_refuses_two_check_ins_for_one_date():
    with pytest.raises(ValueError, match="same date"):
        build_frame([Checkin(date=dt.date(2025, 1, 1)), Checkin(date=dt.date(2025, 1, 1))])
