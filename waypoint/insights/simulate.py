"""Synthetic check-in histories with known patterns, for the validation in
bench/bench_insights.py and for the tests' null data.

Each person is drawn with their own levels and day-to-day memory (AR(1) processes: a bad
day tends to follow a bad day), sticky triggers and missed medication, and check-in gaps
that come in runs (a few days away, then back) and are likelier on days with use — like
real check-in data. Two kinds of cohort:

* **insight cohorts** — `insight_person(..., planted=Planted(...))` plants patterns of a
  known size (short sleep → next-day craving, a trigger → use, one weekday, meetings);
  `planted=None` plants nothing (a null person). Use depends on craving (which is never
  a question the engine asks) and on the planted trigger only, so every other question
  is truly null;
* **early-warning cohorts** — `warning_person(...)`: "rough patches" (a hidden state that
  builds over a few days) raise craving and its swings, lower mood and sleep, bring more
  triggers, fewer meetings, missed doses and missed check-ins, and make use likelier —
  the signals moving together before a lapse, as in the momentary-assessment studies.
  The simulator is ours, so these figures show that the machinery works, not how well it
  would predict for real people.
"""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

import numpy as np

from waypoint.insights.facts import Checkin

TIME_ZONE = ZoneInfo("America/Chicago")
TRIGGER_POOL = (
    "payday", "old friends", "being alone", "arguments", "boredom", "the corner store", "weekends at home",
    "family visits", "feeling tired", "bad news",
)  # fmt: skip
START = datetime.date(2024, 1, 1)


@dataclass(frozen=True)
class Planted:
    """Patterns planted in one person (0 / None: not planted)."""

    sleep_points: float = 0.0  # craving after a night under 6 hours
    weekday: int | None = None  # 0 = Monday
    weekday_points: float = 0.0
    meeting_points: float = 0.0  # craving on meeting days
    trigger: str | None = None  # this trigger raises the odds of use…
    trigger_odds: float = 1.0  # …by this factor


@dataclass
class Person:
    rows: list[Checkin]
    planted: Planted | None
    days: int
    start: datetime.date
    lapse_days: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))  # every day, true use


def _ar1(rng: np.random.Generator, days: int, rho: float, sd: float) -> np.ndarray:
    noise = rng.normal(0.0, sd * math.sqrt(1 - rho * rho), days)
    out = np.empty(days)
    out[0] = rng.normal(0.0, sd)
    for t in range(1, days):
        out[t] = rho * out[t - 1] + noise[t]
    return out


def _sticky(rng: np.random.Generator, days: int, share: float, stay: float) -> np.ndarray:
    """A 0/1 series that is on `share` of days, in runs (P(on | on yesterday) = stay)."""
    share = min(max(share, 1e-6), 0.95)
    stay = max(stay, share)
    start = share * (1 - stay) / (1 - share)
    draws = rng.random(days)
    out = np.zeros(days, dtype=bool)
    out[0] = draws[0] < share
    for t in range(1, days):
        out[t] = draws[t] < (stay if out[t - 1] else start)
    return out


def _missing(rng: np.random.Generator, days: int, extra: np.ndarray) -> np.ndarray:
    """Days without a check-in: runs of absence (Markov), likelier where `extra` is high."""
    leave = rng.uniform(0.03, 0.18)
    back = rng.uniform(0.25, 0.7)
    draws = rng.random(days)
    out = np.zeros(days, dtype=bool)
    for t in range(1, days):
        p = (1 - back) if out[t - 1] else leave
        out[t] = draws[t] < min(0.95, p + extra[t])
    out[0] = False
    return out


def _logistic(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def _rows(
    rng: np.random.Generator,
    *,
    start: datetime.date,
    craving: np.ndarray,
    mood: np.ndarray,
    sleep: np.ndarray,
    stress: np.ndarray | None,
    pain: np.ndarray | None,
    meeting: np.ndarray,
    therapy: np.ndarray | None,
    medication: np.ndarray | None,
    triggers: dict[str, np.ndarray],
    used: np.ndarray,
    missing: np.ndarray,
) -> list[Checkin]:
    days = craving.size
    usual_hour = rng.choice([8, 9, 12, 19, 20, 21])
    hours = np.clip(np.round(rng.normal(usual_hour, 1.5, days)), 0, 23).astype(int)
    minutes = rng.integers(0, 60, days)
    blank = rng.random((days, 3))
    rows = []
    for t in range(days):
        if missing[t]:
            continue
        date = start + datetime.timedelta(days=t)
        local = datetime.datetime.combine(date, datetime.time(int(hours[t]), int(minutes[t])), tzinfo=TIME_ZONE)
        rows.append(
            Checkin(
                date=date,
                mood=None if blank[t, 0] < 0.03 else int(mood[t]),
                craving=None if blank[t, 1] < 0.02 else int(craving[t]),
                used=bool(used[t]),
                sleep_hours=None if blank[t, 2] < 0.08 else float(sleep[t]),
                medication_taken=None if medication is None else bool(medication[t]),
                meeting=bool(meeting[t]),
                therapy=None if therapy is None else bool(therapy[t]),
                stress=None if stress is None else int(stress[t]),
                pain=None if pain is None else int(pain[t]),
                triggers=tuple(name for name, met in triggers.items() if met[t]),
                recorded_at=local.astimezone(datetime.UTC),
            )
        )
    return rows


def _scale(values: np.ndarray, low: float, high: float) -> np.ndarray:
    return np.clip(np.round(values), low, high)


def insight_person(rng: np.random.Generator, *, days: int, planted: Planted | None, gaps: bool = True) -> Person:
    """One person for the insight validation; `planted=None` is a null person; `gaps=False`
    checks in every day."""
    plant = planted or Planted()
    start = START + datetime.timedelta(days=int(rng.integers(0, 7)))
    weekday = (np.arange(days) + start.weekday()) % 7

    sleep = np.clip(np.round((rng.uniform(5.8, 7.8) + _ar1(rng, days, 0.3, 1.0)) * 2) / 2, 2, 12)
    mood = _scale(rng.uniform(2.8, 3.8) + _ar1(rng, days, 0.5, 0.8), 1, 5)
    stress = _scale(rng.uniform(2, 6) + _ar1(rng, days, 0.5, 2.0), 0, 10) if rng.random() < 0.5 else None
    pain = _scale(rng.uniform(1, 6) + _ar1(rng, days, 0.7, 2.0), 0, 10) if rng.random() < 0.3 else None
    meeting = rng.random(days) < (rng.uniform(0.1, 0.5) if rng.random() < 0.8 else 0.0)
    therapy = rng.random(days) < 1 / 7 if rng.random() < 0.4 else None
    medication = ~_sticky(rng, days, rng.uniform(0.02, 0.2), 0.5) if rng.random() < 0.5 else None
    names = list(rng.choice(TRIGGER_POOL, size=int(rng.integers(3, 7)), replace=False))
    triggers = {str(name): _sticky(rng, days, rng.uniform(0.08, 0.3), 0.5) for name in names}

    level = rng.uniform(2.0, 6.0)
    latent = level + _ar1(rng, days, rng.uniform(0.3, 0.7), rng.uniform(1.2, 2.2))
    latent += plant.sleep_points * (sleep < 6.0)
    if plant.weekday is not None:
        latent += plant.weekday_points * (weekday == plant.weekday)
    latent += plant.meeting_points * meeting
    craving = _scale(latent, 0, 10)

    base = rng.uniform(0.01, 0.04)
    odds = math.log(base / (1 - base)) + 0.3 * (craving - level)
    if plant.trigger is not None:
        # The planted trigger is one the person has, met on a useful share of days.
        triggers[plant.trigger] = _sticky(rng, days, rng.uniform(0.15, 0.3), 0.5)
        odds = odds + math.log(plant.trigger_odds) * triggers[plant.trigger]
    used = rng.random(days) < _logistic(odds)
    missing = _missing(rng, days, 0.3 * used)
    if not gaps:
        missing[:] = False
    rows = _rows(
        rng,
        start=start,
        craving=craving,
        mood=mood,
        sleep=sleep,
        stress=stress,
        pain=pain,
        meeting=meeting,
        therapy=therapy,
        medication=medication,
        triggers=triggers,
        used=used,
        missing=missing,
    )
    return Person(rows=rows, planted=planted, days=days, start=start, lapse_days=used)


def warning_person(rng: np.random.Generator, *, days: int) -> Person:
    """One person for the early-warning validation (rough patches drive signals and use)."""
    start = START
    # Rough patches: start about once in 40 days, build over ~4 days, last ~9 days.
    patch = np.zeros(days)
    t = 0
    while t < days:
        if rng.random() < 1 / 40:
            length = int(rng.integers(5, 14))
            ramp = np.minimum(1.0, (np.arange(length) + 1) / 4.0)
            end = min(days, t + length)
            patch[t:end] = ramp[: end - t]
            t = end
        t += 1

    level = rng.uniform(1.5, 5.0)
    swings = rng.uniform(1.0, 1.8)
    noise = _ar1(rng, days, 0.4, 1.0) * swings * (1 + 1.2 * patch)
    craving = _scale(level + 3.5 * patch + noise, 0, 10)
    mood = _scale(rng.uniform(3.0, 4.0) - 1.4 * patch + _ar1(rng, days, 0.5, 0.7), 1, 5)
    sleep = np.clip(np.round((rng.uniform(6.2, 7.8) - 1.6 * patch + _ar1(rng, days, 0.3, 0.9)) * 2) / 2, 2, 12)
    stress = _scale(rng.uniform(2, 5) + 1.0 * patch + _ar1(rng, days, 0.5, 2.0), 0, 10) if rng.random() < 0.5 else None
    meeting = rng.random(days) < rng.uniform(0.15, 0.5) * (1 - 0.7 * patch)
    on_medication = rng.random() < 0.6
    medication = (rng.random(days) > rng.uniform(0.02, 0.08) + 0.35 * patch) if on_medication else None
    names = list(rng.choice(TRIGGER_POOL, size=int(rng.integers(3, 6)), replace=False))
    triggers = {str(name): rng.random(days) < rng.uniform(0.05, 0.15) + 0.3 * patch for name in names}

    any_trigger = np.zeros(days)
    for met in triggers.values():
        any_trigger = np.maximum(any_trigger, met)
    odds = (
        math.log(0.004)
        + 0.35 * (craving - level)
        + 1.2 * patch
        + 0.6 * any_trigger
        + 0.5 * (sleep < 6)
        + 0.4 * (mood <= 2)
        + (0.6 * (1 - medication) if medication is not None else 0.0)
    )
    used = rng.random(days) < _logistic(odds)
    missing = _missing(rng, days, 0.2 * patch + 0.3 * used)
    rows = _rows(
        rng,
        start=start,
        craving=craving,
        mood=mood,
        sleep=sleep,
        stress=stress,
        pain=None,
        meeting=meeting,
        therapy=None,
        medication=medication,
        triggers=triggers,
        used=used,
        missing=missing,
    )
    return Person(rows=rows, planted=None, days=days, start=start, lapse_days=used)


def null_rows(seed: int, *, days: int) -> list[Checkin]:
    """A null person's check-ins (nothing planted), for tests."""
    return insight_person(np.random.default_rng(seed), days=days, planted=None).rows
