"""The insight engine: which patterns in one person's own check-ins are really there.

Every question is asked the same way (docs/insights.md has the reasoning):

* a **factor** splits the person's check-in days in two — Fridays and other days, nights
  under 6 hours and the rest, days a trigger was met and days it was not — and the
  **effect** is the difference of the outcome's mean between the two groups, in the
  person's own units: points of craving (0–10), or the share of days with use;
* its p-value comes from a **within-week permutation test**: the outcome is shuffled only
  among the days of the same calendar week, many times, and the observed difference is
  compared with the shuffled ones. Daily data are autocorrelated (a hard month raises
  craving, poor sleep and triggers together); shuffling freely across months would turn
  such slow swings into "effects". Keeping each value inside its week keeps those swings
  out of the comparison. What memory is left inside the week (a sticky trigger, a run
  of low moods) widens the null distribution by the effective-sample-size factor
  (``memory_factor``). scipy's ``permutation_test`` shuffles freely, which is why the
  restricted shuffles are drawn here; a test checks the result against scipy's when the
  weeks are ignored. The permutations come from a fixed seed: the same data give the
  same insights;
* every question asked of a person is listed with its p-value, and the **Benjamini–Hochberg**
  procedure (``scipy.stats.false_discovery_control``) turns them into q-values;
* an insight is shown only when its q-value is at most ``Rules.fdr_q`` **and** its effect
  is at least the minimum that matters to a person (``Rules.min_effect_points``,
  ``Rules.min_effect_share``).

Thresholds (6 hours of sleep, mood 2 or less, stress and pain 7 or more, the time-of-day
bands) were fixed before looking at any data, one per question, so the number of questions
is known and counted. The tuning of the q level, the minimum effects and group sizes was
done on one seed of the synthetic cohorts (bench/bench_insights.py --calibrate) and reported on
fresh seeds.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import cache
from zoneinfo import ZoneInfo

import numpy as np
from scipy.stats import false_discovery_control

from waypoint.insights.facts import CheckinLike
from waypoint.insights.frame import TIMES_OF_DAY, WEEKDAYS, Frame, build_frame


@dataclass(frozen=True)
class Rules:
    """What the engine needs before it says anything, and what it shows. The defaults are
    the ones in use; bench/bench_insights.py tries others on its calibration seed only."""

    min_checkins: int = 28  # no insight at all before four weeks of check-ins
    min_group: int = 8  # each side of a comparison needs at least this many days
    min_use_days: int = 5  # no "→ use" question before five days with use
    fdr_q: float = 0.05  # Benjamini–Hochberg level across everything tested for the person
    min_effect_points: float = 1.0  # a craving difference under 1 point (of 10) is not worth saying
    min_effect_share: float = 0.05  # use on at least 5 more days in 100
    # At least this many permutations (p-values down to 1/1001); more when a person has so
    # many questions that BH's strictest threshold needs them (permutation_count).
    permutations: int = 1000
    seed: int = 20_130_613  # fixed: the same check-ins always give the same insights
    # False only in the benchmark, to show what free shuffling (ignoring autocorrelation) does.
    within_weeks: bool = True
    # False only in the benchmark: without the allowance for day-to-day memory (memory_factor).
    memory_correction: bool = True

    def minimum_effect(self, outcome: str) -> float:
        return self.min_effect_share if outcome == OUTCOME_USE else self.min_effect_points


RULES = Rules()

# --- The cut-points, fixed in advance (one per question) ---------------------------------
SHORT_SLEEP_HOURS = 6.0  # "nights under 6 hours"
LOW_MOOD = 2  # mood 1–5: "2 or less"
HIGH_STRESS = 7  # 0–10: "7 or more"
HIGH_PAIN = 7

OUTCOME_CRAVING = "craving"
OUTCOME_NEXT_DAY_CRAVING = "next_day_craving"
OUTCOME_USE = "use"


@dataclass(frozen=True)
class Finding:
    """One question asked of a person's data, and its answer."""

    kind: str  # weekday, time_of_day, trigger, sleep, mood, meeting, therapy, medication, stress, pain
    factor: str  # "friday", "evening", a trigger's key, "sleep_under_6h", ...
    outcome: str  # craving, next_day_craving or use
    label: str  # what the person calls it (a trigger's own spelling), else ""
    effect: float  # exposed minus other days: points of craving, or share of days with use
    low: float  # a rough 95% range for the effect (effect ± 1.96 × the permutation SD)
    high: float
    n: int  # days the comparison rests on
    n_exposed: int
    n_other: int
    mean_exposed: float
    mean_other: float
    p: float
    q: float = 1.0
    shown: bool = False

    @property
    def events_exposed(self) -> int:
        """Days with use among the exposed days (use outcome)."""
        return round(self.mean_exposed * self.n_exposed)

    @property
    def events_other(self) -> int:
        return round(self.mean_other * self.n_other)

    def as_dict(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "factor": self.factor,
            "outcome": self.outcome,
            "label": self.label,
            "effect": self.effect,
            "low": self.low,
            "high": self.high,
            "n": self.n,
            "n_exposed": self.n_exposed,
            "n_other": self.n_other,
            "mean_exposed": self.mean_exposed,
            "mean_other": self.mean_other,
            "p": self.p,
            "q": self.q,
            "shown": self.shown,
        }

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> Finding:
        names = cls.__dataclass_fields__
        return cls(**{k: v for k, v in data.items() if k in names})  # type: ignore[arg-type]


@dataclass(frozen=True)
class Analysis:
    checkins: int  # check-in days seen
    enough: bool  # at least Rules.min_checkins
    tested: list[Finding] = field(default_factory=list)  # every question asked, with p and q

    @property
    def shown(self) -> list[Finding]:
        """What passes: q ≤ Rules.fdr_q and an effect that matters; strongest evidence first."""
        return sorted((f for f in self.tested if f.shown), key=lambda f: (f.q, -abs(f.effect), f.kind, f.factor))


@dataclass(frozen=True)
class _Question:
    kind: str
    factor: str
    outcome: str
    label: str
    exposure: np.ndarray  # 1.0 exposed, 0.0 other, NaN not comparable


@cache
def _orders_of_seven() -> np.ndarray:
    """Every ordering of the 7 days of a week (5,040 × 7)."""
    return np.array(list(itertools.permutations(range(7))), dtype=np.int8)


_CHUNK = 16  # weeks per cached table of random orderings


@cache
def _week_orders(count: int, chunk: int, seed: int) -> np.ndarray:
    """`count` × 16 × 7: a random ordering of 0..6 for 16 weeks of every permutation.
    Chunk j always holds the same draws (its own seed), so a person's permutations never
    depend on anyone else's history length; the same draws serve everyone, applied to
    each person's own rows."""
    rng = np.random.default_rng([seed, chunk])
    table = _orders_of_seven()
    return table[rng.integers(0, len(table), size=(count, _CHUNK))]


def block_permutations(block: np.ndarray, count: int, seed: int = RULES.seed) -> np.ndarray:
    """`count` × len(block) row indices: each row reorders the rows only within their block
    (consecutive equal values of `block`, at most 7 rows each). Deterministic for a seed.

    A week with s < 7 rows keeps, from a random ordering of 0..6, the entries below s in
    the order they come: a uniformly random ordering of its s rows."""
    size = int(block.size)
    if size == 0:
        return np.empty((count, 0), dtype=np.intp)
    starts = np.flatnonzero(np.r_[True, block[1:] != block[:-1]])
    sizes = np.diff(np.r_[starts, size])
    if sizes.max() > 7:
        raise ValueError("a block holds more than 7 rows")
    chunks = -(-starts.size // _CHUNK)
    picked = np.concatenate([_week_orders(count, j, seed) for j in range(chunks)], axis=1)[:, : starts.size, :]
    keep = picked < sizes[None, :, None]
    rows = starts.astype(np.int32)[None, :, None] + picked
    return rows[keep].reshape(count, size)


def permutation_differences(
    outcome: np.ndarray, exposures: np.ndarray, orders: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """For each exposure column: the observed difference of means (exposed − other), the
    differences under every reordering of the outcome, the group sizes and the means.

    One matrix product for all questions sharing an outcome: this is what keeps two years
    of data under the 50 ms budget. Outcomes that are whole numbers (craving 0–10, use
    0/1) are summed in float32, which is exact for them, so ties compare exactly."""
    valid = ~np.isnan(outcome)
    values = np.where(valid, outcome, 0.0)
    exposed = exposures == 1.0  # NaN compares false on both sides
    other = exposures == 0.0
    exact = bool(np.all(values == np.round(values))) and float(np.abs(values).sum()) < 2**24
    kind = np.float32 if exact else np.float64
    design = np.hstack([exposed, other]).astype(kind)
    k = exposures.shape[1]

    observed_sums = values @ design
    observed_counts = valid.astype(np.float64) @ design
    shuffled_sums = (values.astype(kind)[orders] @ design).astype(np.float64)
    if valid.all():
        shuffled_counts = np.broadcast_to(observed_counts, shuffled_sums.shape)
    else:
        shuffled_counts = (valid.astype(kind)[orders] @ design).astype(np.float64)

    with np.errstate(invalid="ignore", divide="ignore"):
        means = observed_sums / observed_counts
        shuffled = shuffled_sums / shuffled_counts
    observed = means[:k] - means[k:]
    null = shuffled[:, :k] - shuffled[:, k:]
    return observed, null, observed_counts[:k], observed_counts[k:], means


def _questions(frame: Frame, *, use_questions: bool) -> tuple[list[_Question], list[_Question]]:
    nan = np.nan
    craving: list[_Question] = []
    for index, name in enumerate(WEEKDAYS):
        craving.append(_Question("weekday", name, OUTCOME_CRAVING, "", (frame.weekday == index).astype(float)))
    known_time = frame.time_of_day >= 0
    for index, name in enumerate(TIMES_OF_DAY):
        exposure = np.where(known_time, (frame.time_of_day == index).astype(float), nan)
        craving.append(_Question("time_of_day", name, OUTCOME_CRAVING, "", exposure))
    for key, (label, met) in frame.triggers.items():
        craving.append(_Question("trigger", key, OUTCOME_CRAVING, label, met.astype(float)))

    def split(values: np.ndarray, exposed: np.ndarray) -> np.ndarray:
        return np.where(np.isnan(values), nan, exposed.astype(float))

    with np.errstate(invalid="ignore"):
        craving += [
            _Question(
                "sleep",
                f"sleep_under_{SHORT_SLEEP_HOURS:g}h",
                OUTCOME_NEXT_DAY_CRAVING,
                "",
                split(frame.sleep, frame.sleep < SHORT_SLEEP_HOURS),
            ),
            _Question(
                "mood", f"mood_{LOW_MOOD}_or_less", OUTCOME_CRAVING, "", split(frame.mood, frame.mood <= LOW_MOOD)
            ),
            _Question("meeting", "meeting", OUTCOME_CRAVING, "", frame.meeting.copy()),
            _Question("therapy", "therapy", OUTCOME_CRAVING, "", frame.therapy.copy()),
            _Question(
                "medication",
                "medication_missed",
                OUTCOME_CRAVING,
                "",
                split(frame.medication, frame.medication == 0.0),
            ),
            _Question(
                "stress",
                f"stress_{HIGH_STRESS}_or_more",
                OUTCOME_CRAVING,
                "",
                split(frame.stress, frame.stress >= HIGH_STRESS),
            ),
            _Question(
                "pain", f"pain_{HIGH_PAIN}_or_more", OUTCOME_CRAVING, "", split(frame.pain, frame.pain >= HIGH_PAIN)
            ),
        ]
    use: list[_Question] = []
    if use_questions:
        for key, (label, met) in frame.triggers.items():
            use.append(_Question("trigger", key, OUTCOME_USE, label, met.astype(float)))
    return craving, use


def _week_centred(values: np.ndarray, block: np.ndarray) -> np.ndarray:
    """Each column minus its own mean within the calendar week (NaN stays NaN)."""
    _, week = np.unique(block, return_inverse=True)
    present = ~np.isnan(values)
    filled = np.where(present, values, 0.0)
    sums = np.zeros((week.max() + 1, values.shape[1]))
    counts = np.zeros_like(sums)
    np.add.at(sums, week, filled)
    np.add.at(counts, week, present)
    with np.errstate(invalid="ignore", divide="ignore"):
        return values - (sums / counts)[week]


def _lag_correlations(centred: np.ndarray, ordinals: np.ndarray, lags: int) -> np.ndarray:
    """lags × columns: the correlation of each column with itself `lag` days later, over the
    pairs of days both present (missing days simply drop out)."""
    span = int(ordinals[-1] - ordinals[0]) + 1
    dense = np.full((span + lags, centred.shape[1]), np.nan)
    dense[ordinals - ordinals[0]] = centred
    out = np.zeros((lags, centred.shape[1]))
    with np.errstate(invalid="ignore", divide="ignore"):
        for lag in range(1, lags + 1):
            a, b = dense[:span], dense[lag : span + lag]
            both = ~(np.isnan(a) | np.isnan(b))
            num = np.where(both, a * b, 0.0).sum(axis=0)
            den = np.sqrt(np.where(both, a * a, 0.0).sum(axis=0) * np.where(both, b * b, 0.0).sum(axis=0))
            out[lag - 1] = np.where(den > 0, num / np.where(den > 0, den, 1.0), 0.0)
    return out


MEMORY_LAGS = 3  # days of day-to-day memory allowed for


def memory_factor(outcome: np.ndarray, exposures: np.ndarray, frame: Frame) -> np.ndarray:
    """How much wider the statistic really varies than within-week shuffling assumes, when
    both the factor and the outcome carry day-to-day memory inside the week (a sticky
    trigger, a run of low moods): sqrt(1 + 2·Σ r_x(k)·r_y(k)) over lags of 1–3 days, the
    effective-sample-size correction for two autocorrelated series (Bartlett; Pyper &
    Peterman 1998), never below 1 (it only ever makes the test stricter)."""
    if frame.size < 3:
        return np.ones(exposures.shape[1])
    columns = np.column_stack([outcome, exposures])
    lagged = _lag_correlations(_week_centred(columns, frame.block), frame.ordinals, MEMORY_LAGS)
    inflation = 1.0 + 2.0 * (lagged[:, :1] * lagged[:, 1:]).sum(axis=0)
    return np.sqrt(np.clip(inflation, 1.0, 4.0))


def _asked(outcome: np.ndarray, questions: list[_Question], rules: Rules) -> tuple[list[_Question], np.ndarray]:
    """The questions with enough days on both sides (only these are asked, and counted
    for BH), and their exposure columns."""
    if not questions:
        return [], np.empty((outcome.size, 0))
    exposures = np.column_stack([q.exposure for q in questions])
    valid = ~np.isnan(outcome)
    exposed_days = ((exposures == 1.0) & valid[:, None]).sum(axis=0)
    other_days = ((exposures == 0.0) & valid[:, None]).sum(axis=0)
    asked = np.flatnonzero((exposed_days >= rules.min_group) & (other_days >= rules.min_group))
    return [questions[i] for i in asked], exposures[:, asked]


def permutation_count(questions: int, rules: Rules) -> int:
    """Enough permutations for the smallest possible p-value, 1/(B+1), to sit at least 20%
    under the strictest BH threshold (fdr_q / questions); never fewer than the rules say."""
    return max(rules.permutations, math.ceil(1.25 * questions / rules.fdr_q))


def _answer(
    outcome: np.ndarray,
    questions: list[_Question],
    exposures: np.ndarray,
    orders: np.ndarray,
    rules: Rules,
    frame: Frame,
) -> list[Finding]:
    if not questions:
        return []
    observed, null, n1, n0, means = permutation_differences(outcome, exposures, orders)
    k = len(questions)
    widen = memory_factor(outcome, exposures, frame) if rules.memory_correction else np.ones(k)
    finite = ~np.isnan(null)
    # Two-sided, counting the observed arrangement itself (so never p = 0).
    extreme = ((np.abs(null) * widen >= np.abs(observed) - 1e-12) & finite).sum(axis=0)
    p_values = (1 + extreme) / (1 + finite.sum(axis=0))
    spread = (null.std(axis=0) if finite.all() else np.nanstd(null, axis=0)) * widen
    findings = []
    for column, question in enumerate(questions):
        effect = float(observed[column])
        half = 1.96 * float(spread[column])
        findings.append(
            Finding(
                kind=question.kind,
                factor=question.factor,
                outcome=question.outcome,
                label=question.label,
                effect=round(effect, 4),
                low=round(effect - half, 4),
                high=round(effect + half, 4),
                n=int(n1[column] + n0[column]),
                n_exposed=int(n1[column]),
                n_other=int(n0[column]),
                mean_exposed=round(float(means[column]), 4),
                mean_other=round(float(means[k + column]), 4),
                p=float(p_values[column]),
            )
        )
    return findings


def free_permutations(size: int, count: int, seed: int) -> np.ndarray:
    """Orderings of all rows, ignoring weeks (what a plain permutation test does)."""
    rng = np.random.default_rng(seed)
    return np.argsort(rng.random((count, size)), axis=1)


def analyse_frame(frame: Frame, *, rules: Rules = RULES) -> Analysis:
    """Every question with enough data, its p and BH q, and which ones are shown."""
    if frame.size < rules.min_checkins:
        return Analysis(checkins=frame.size, enough=False)
    use_questions = int(frame.used.sum()) >= rules.min_use_days
    craving_all, use_all = _questions(frame, use_questions=use_questions)
    craving, craving_exposures = _asked(frame.craving, craving_all, rules)
    use, use_exposures = _asked(frame.used, use_all, rules)
    count = permutation_count(len(craving) + len(use), rules)
    if rules.within_weeks:
        orders = block_permutations(frame.block, count, rules.seed)
    else:
        orders = free_permutations(frame.size, count, rules.seed)
    tested = _answer(frame.craving, craving, craving_exposures, orders, rules, frame) + _answer(
        frame.used, use, use_exposures, orders, rules, frame
    )
    return Analysis(checkins=frame.size, enough=True, tested=decide(tested, rules))


def decide(tested: list[Finding], rules: Rules = RULES) -> list[Finding]:
    """q-values by Benjamini–Hochberg across everything tested for the person, and which
    findings are shown: q ≤ fdr_q and an effect at least the minimum that matters."""
    if not tested:
        return []
    q_values = false_discovery_control(np.array([f.p for f in tested]), method="bh")
    result = []
    for finding, q in zip(tested, q_values, strict=True):
        shown = bool(q <= rules.fdr_q and abs(finding.effect) >= rules.minimum_effect(finding.outcome))
        result.append(replace(finding, q=float(q), shown=shown))
    return result


def analyse(rows: Iterable[CheckinLike], *, time_zone: ZoneInfo | None = None, rules: Rules = RULES) -> Analysis:
    """The insights for one person's check-ins (and nothing else: one person per call)."""
    return analyse_frame(build_frame(rows, time_zone=time_zone), rules=rules)
