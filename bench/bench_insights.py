"""Insights: validation on synthetic cohorts, and performance.

Validation (waypoint/insights/simulate.py makes the people):
- insight recall and precision against planted patterns of known size (short sleep →
  +2 points of next-day craving, one weekday +2, meetings −1.5, a trigger × 10 odds of use),
  by pattern and by length of history;
- the false-insight rate on null cohorts (goal: at most 5% of people see any false
  insight), and what the two autocorrelation guards are worth (free permutations, no
  allowance for day-to-day memory) on the same people;
- the early warning: AUC, and PPV and recall at about one prompt per person per month.

The thresholds were tuned on the calibration seeds only (`--calibrate`, which prints the
grid and writes bench/results/insights-calibration.json); the report uses fresh seeds.

Performance: one person's two years of daily check-ins (budget ≤ 50 ms), and the nightly
batch for 10,000 people through the task queue — a real `manage.py run_huey` consumer
process on its own queue, against PostgreSQL when DATABASE_URL is set (point it at a
scratch database: the bench adds 10,000 accounts and removes them after) or else a
throwaway SQLite database.

Run: .venv/bin/python bench/run.py insights
     .venv/bin/python bench/bench_insights.py [--calibrate] [--quick] [--skip-batch] [--batch-people N]
Figures go to bench/results/insights.json.
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import itertools
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import asdict, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
# As in every Waypoint process (settings.py): one BLAS thread, set before numpy loads.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402
from scipy import stats  # noqa: E402

from waypoint.insights import analysis, simulate, warning  # noqa: E402
from waypoint.insights.analysis import RULES, Finding, Rules  # noqa: E402
from waypoint.insights.frame import WEEKDAYS, build_frame, trigger_key  # noqa: E402

OUT = ROOT / "bench" / "results" / "insights.json"
CALIBRATION_OUT = ROOT / "bench" / "results" / "insights-calibration.json"
CALIBRATION_SEEDS = {"null": 101, "planted": 102, "warning": 201}
REPORT_SEEDS = {"null": 9001, "planted": 9002, "warning": 9003, "batch": 9004}
LENGTHS = (42, 60, 90, 120, 180, 365, 730)  # days of history, equally many people each
PLANTED = {"sleep": 2.0, "weekday": 2.0, "meeting": -1.5, "trigger_odds": 10.0}
HORIZON = 3  # the warning predicts use in the next 3 days
WARNING_DAYS = 180


# --- Insight cohorts -----------------------------------------------------------------------


def planted_for(rng: np.random.Generator) -> simulate.Planted:
    """Each pattern planted in half of the people, independently."""
    return simulate.Planted(
        sleep_points=PLANTED["sleep"] if rng.random() < 0.5 else 0.0,
        weekday=int(rng.integers(0, 7)) if rng.random() < 0.5 else None,
        weekday_points=PLANTED["weekday"],
        meeting_points=PLANTED["meeting"] if rng.random() < 0.5 else 0.0,
        trigger=str(rng.choice(simulate.TRIGGER_POOL)) if rng.random() < 0.5 else None,
        trigger_odds=PLANTED["trigger_odds"],
    )


def truth(planted: simulate.Planted | None) -> set[tuple[str, str, str | None, int]]:
    """The planted patterns as (kind, outcome, factor, sign)."""
    if planted is None:
        return set()
    out = set()
    if planted.sleep_points:
        out.add(("sleep", "next_day_craving", None, 1))
    if planted.weekday is not None:
        out.add(("weekday", "craving", WEEKDAYS[planted.weekday], 1))
    if planted.meeting_points:
        out.add(("meeting", "craving", "meeting", -1))
    if planted.trigger:
        out.add(("trigger", "use", trigger_key(planted.trigger), 1))
    return out


def matches(
    finding: Finding, planted: set[tuple[str, str, str | None, int]]
) -> tuple[str, str, str | None, int] | None:
    for kind, outcome, factor, sign in planted:
        same = finding.kind == kind and finding.outcome == outcome and (factor is None or finding.factor == factor)
        if same and np.sign(finding.effect) == sign:
            return (kind, outcome, factor, sign)
    return None


def cohort(seed: int, people: int, *, planted: bool, rules: Rules = RULES) -> list[dict[str, Any]]:
    """Every person's planted truth and every question asked (with p, q, shown)."""
    rng = np.random.default_rng(seed)
    out = []
    for index in range(people):
        days = LENGTHS[index % len(LENGTHS)]
        plant = planted_for(rng) if planted else None
        person = simulate.insight_person(rng, days=days, planted=plant)
        result = analysis.analyse(person.rows, time_zone=simulate.TIME_ZONE, rules=rules)
        out.append({"days": days, "truth": truth(plant), "tested": result.tested, "checkins": len(person.rows)})
    return out


def shown_under(tested: list[Finding], rules: Rules) -> list[Finding]:
    """What would be shown with other thresholds (q and minimum effects are applied after
    the tests, so the calibration grid re-decides without re-testing)."""
    return [f for f in analysis.decide(tested, rules) if f.shown]


def proportion(count: int, total: int) -> dict[str, Any]:
    if total == 0:
        return {"count": 0, "total": 0, "rate": None, "ci95": None}
    ci = stats.binomtest(count, total).proportion_ci(confidence_level=0.95, method="exact")
    return {
        "count": count,
        "total": total,
        "rate": round(count / total, 4),
        "ci95": [round(ci.low, 4), round(ci.high, 4)],
    }


def null_figures(people: list[dict[str, Any]], rules: Rules = RULES) -> dict[str, Any]:
    with_any = sum(1 for p in people if shown_under(p["tested"], rules))
    tested = [f for p in people for f in p["tested"]]
    by_kind: collections.Counter[str] = collections.Counter()
    for p in people:
        for f in shown_under(p["tested"], rules):
            by_kind[f"{f.kind}→{f.outcome}"] += 1
    raw = sum(1 for f in tested if f.p <= 0.05)
    return {
        "people_with_any_false_insight": proportion(with_any, len(people)),
        "false_insights_by_kind": dict(sorted(by_kind.items())),
        "questions_asked": len(tested),
        "share_of_raw_p_at_most_0.05": round(raw / max(1, len(tested)), 4),
    }


def planted_figures(people: list[dict[str, Any]], rules: Rules = RULES) -> dict[str, Any]:
    planted: collections.Counter[str] = collections.Counter()
    found: collections.Counter[str] = collections.Counter()
    by_length: dict[int, list[int]] = collections.defaultdict(lambda: [0, 0])
    shown_total = true_shown = 0
    false_by_kind: collections.Counter[str] = collections.Counter()
    estimates: dict[str, list[float]] = collections.defaultdict(list)
    people_with_false = 0
    for person in people:
        hits = set()
        any_false = False
        for finding in shown_under(person["tested"], rules):
            shown_total += 1
            hit = matches(finding, person["truth"])
            if hit:
                true_shown += 1
                hits.add(hit)
                estimates[hit[0]].append(finding.effect)
            else:
                any_false = True
                false_by_kind[f"{finding.kind}→{finding.outcome}"] += 1
        people_with_false += any_false
        for pattern in person["truth"]:
            planted[pattern[0]] += 1
            by_length[person["days"]][0] += 1
        for hit in hits:
            found[hit[0]] += 1
            by_length[person["days"]][1] += 1
    sizes = {"sleep": PLANTED["sleep"], "weekday": PLANTED["weekday"], "meeting": PLANTED["meeting"]}
    return {
        "precision": proportion(true_shown, shown_total),
        "recall": proportion(sum(found.values()), sum(planted.values())),
        "recall_by_pattern": {k: proportion(found[k], planted[k]) for k in sorted(planted)},
        "recall_by_days_of_history": {str(d): proportion(v[1], v[0]) for d, v in sorted(by_length.items())},
        "false_insights_by_kind": dict(sorted(false_by_kind.items())),
        "people_with_any_false_insight": proportion(people_with_false, len(people)),
        "estimated_effect_when_found": {
            k: {"planted": sizes.get(k), "mean_estimate": round(statistics.mean(v), 2), "found": len(v)}
            for k, v in sorted(estimates.items())
            if k in sizes
        },
    }


# --- Early-warning cohort ---------------------------------------------------------------------


def warning_cohort(seed: int, people: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """Per person: the day-by-day score and the true use, from the first check-in on."""
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(people):
        person = simulate.warning_person(rng, days=WARNING_DAYS)
        frame = build_frame(person.rows, time_zone=simulate.TIME_ZONE)
        end = person.start + dt.timedelta(days=person.days - 1)
        series = warning.warning_series(frame, through=end)
        if series is None:
            continue
        offset = (series.start - person.start).days
        out.append((series.score, person.lapse_days[offset:].astype(bool)))
    return out


def _labels(score: np.ndarray, used: np.ndarray, horizon: int) -> tuple[np.ndarray, np.ndarray]:
    """Scored days that have `horizon` days after them, and whether use followed."""
    days = score.size
    ahead = np.array([used[t + 1 : t + 1 + horizon].any() for t in range(days)])
    keep = ~np.isnan(score)
    keep[max(0, days - horizon) :] = False
    return score[keep], ahead[keep]


def auc(people: list[tuple[np.ndarray, np.ndarray]], horizon: int) -> dict[str, Any]:
    scores, labels = [], []
    for score, used in people:
        s, y = _labels(score, used, horizon)
        scores.append(s)
        labels.append(y)
    s_all, y_all = np.concatenate(scores), np.concatenate(labels)
    positives, negatives = s_all[y_all], s_all[~y_all]
    u = stats.mannwhitneyu(positives, negatives).statistic
    return {
        "auc": round(float(u / (positives.size * negatives.size)), 3),
        "scored_days": int(s_all.size),
        "share_followed_by_use": round(float(y_all.mean()), 4),
    }


def alerts(people: list[tuple[np.ndarray, np.ndarray]], threshold: float) -> dict[str, Any]:
    """Prompts at `threshold` with a week between them; PPV = prompts followed by use in
    the next 3 days; recall = days with use that had a prompt in the 3 days before."""
    prompts = followed = scored = use_days = caught = 0
    for score, used in people:
        days = score.size
        fired = np.zeros(days, dtype=bool)
        last = -(10**6)
        for t in range(days - HORIZON):
            if np.isnan(score[t]):
                continue
            scored += 1
            if score[t] >= threshold and t - last >= warning.COOLDOWN_DAYS:
                fired[t] = True
                last = t
                prompts += 1
                followed += bool(used[t + 1 : t + 1 + HORIZON].any())
        for t in range(HORIZON, days):
            if used[t] and not np.isnan(score[t - 1]):
                use_days += 1
                caught += bool(fired[t - HORIZON : t].any())
    return {
        "threshold": threshold,
        "prompts_per_person_per_30_days": round(prompts / max(1, scored) * 30, 3),
        "ppv": proportion(followed, prompts),
        "recall": proportion(caught, use_days),
    }


def matched_threshold(people: list[tuple[np.ndarray, np.ndarray]], rate: float = 1.0) -> float:
    """The threshold (in steps of 0.5) whose prompt rate is closest to `rate` a month."""
    best, best_gap = warning.THRESHOLD, math.inf
    for threshold in np.arange(10.0, 90.5, 0.5):
        gap = abs(alerts(people, float(threshold))["prompts_per_person_per_30_days"] - rate)
        if gap < best_gap:
            best, best_gap = float(threshold), gap
    return best


def warning_figures(people: list[tuple[np.ndarray, np.ndarray]]) -> dict[str, Any]:
    matched = matched_threshold(people)
    return {
        "people": len(people),
        "days_each": WARNING_DAYS,
        "auc_use_in_next_3_days": auc(people, 3),
        "auc_use_next_day": auc(people, 1),
        "at_shipped_threshold": alerts(people, warning.THRESHOLD),
        "at_one_prompt_per_person_per_month": alerts(people, matched),
    }


# --- Calibration (the calibration seeds only) -----------------------------------------------


def calibrate(people: int) -> dict[str, Any]:
    grid = []
    for min_group in (6, 8, 12):
        base = replace(RULES, min_group=min_group)
        null = cohort(CALIBRATION_SEEDS["null"], people, planted=False, rules=base)
        planted = cohort(CALIBRATION_SEEDS["planted"], people, planted=True, rules=base)
        for q, points, share in itertools.product((0.05, 0.10), (0.5, 1.0, 1.5), (0.05, 0.10)):
            rules = replace(base, fdr_q=q, min_effect_points=points, min_effect_share=share)
            n = null_figures(null, rules)
            p = planted_figures(planted, rules)
            row = {
                "min_group": min_group, "fdr_q": q, "min_effect_points": points, "min_effect_share": share,
                "null_any": n["people_with_any_false_insight"]["rate"], "precision": p["precision"]["rate"],
                "recall": p["recall"]["rate"],
            }  # fmt: skip
            grid.append(row)
            print(
                f"min_group={min_group:2} q={q:.2f} min_points={points:.1f} min_share={share:.2f}: "
                f"null any {row['null_any']:.3f}  precision {row['precision']:.3f}  recall {row['recall']:.3f}"
            )
    warn = warning_cohort(CALIBRATION_SEEDS["warning"], max(100, people // 2))
    thresholds = [alerts(warn, float(t)) for t in range(20, 65, 5)]
    for row in thresholds:
        print(
            f"warning threshold {row['threshold']:4.0f}: {row['prompts_per_person_per_30_days']:.2f} prompts/person/month, "
            f"PPV {row['ppv']['rate']}, recall {row['recall']['rate']}"
        )
    return {"seeds": CALIBRATION_SEEDS, "people": people, "grid": grid, "warning_thresholds": thresholds}


# --- Performance ------------------------------------------------------------------------------


def timed(func: Any, runs: int) -> dict[str, float]:
    """Wall time, and the CPU time of this process: on a shared machine the wall time
    includes waiting for a core, the CPU time is what the work itself costs."""
    func()  # warm-up (the cached permutation tables)
    wall, cpu = [], []
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        func()
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    wall.sort()
    cpu.sort()
    return {
        "runs": runs,
        "median_ms": round(statistics.median(wall), 2),
        "p99_ms": round(wall[min(len(wall) - 1, int(len(wall) * 0.99))], 2),
        "cpu_median_ms": round(statistics.median(cpu), 2),
        "cpu_p99_ms": round(cpu[min(len(cpu) - 1, int(len(cpu) * 0.99))], 2),
    }


def one_person_timings(runs: int) -> dict[str, Any]:
    rng = np.random.default_rng(REPORT_SEEDS["batch"])
    planted = simulate.Planted(sleep_points=2.0, weekday=4, weekday_points=2.0, trigger="payday", trigger_odds=10.0)
    person = simulate.insight_person(rng, days=730, planted=planted)
    every_day = person.rows  # about 85% of days, gaps in runs, like real check-ins
    full = simulate.insight_person(np.random.default_rng(1), days=730, planted=planted, gaps=False).rows
    zone = simulate.TIME_ZONE
    cold_started = time.perf_counter()
    analysis._week_orders.cache_clear()
    analysis.analyse(every_day, time_zone=zone)
    cold = (time.perf_counter() - cold_started) * 1000
    result = {
        "rows_with_gaps": len(every_day),
        "rows_every_day": len(full),
        "questions_asked": len(analysis.analyse(every_day, time_zone=zone).tested),
        "insights_two_years_with_gaps": timed(lambda: analysis.analyse(every_day, time_zone=zone), runs),
        "insights_two_years_every_day": timed(lambda: analysis.analyse(full, time_zone=zone), runs),
        "insights_first_call_in_a_process_ms": round(cold, 2),
        "warning_series_two_years": timed(lambda: warning.warning_series(build_frame(every_day, time_zone=zone)), runs),
        "budget_ms": 50,
        "load_average": os.getloadavg(),
    }
    for key in ("insights_two_years_with_gaps", "insights_two_years_every_day", "warning_series_two_years"):
        row = result[key]
        print(
            f"{key:36} wall median {row['median_ms']:7.2f} ms p99 {row['p99_ms']:7.2f} ms   "
            f"CPU median {row['cpu_median_ms']:7.2f} ms p99 {row['cpu_p99_ms']:7.2f} ms"
        )
    return result


# --- The nightly batch through the task queue -----------------------------------------------

UNUSABLE = "!"  # Django's mark for an account nobody can sign in to
BATCH_LENGTHS = (0, 7, 30, 60, 90, 180, 365, 730)
BATCH_WEIGHTS = (0.15, 0.15, 0.15, 0.15, 0.1, 0.1, 0.1, 0.1)  # most people stay a short while


def _seed_people(count: int) -> tuple[list[int], int, int]:
    """`count` accounts with recovery profiles and histories like real ones (many short,
    some up to two years, gaps in runs). Rows are written in bulk straight into the
    recovery tables: the benchmark's set-up, not a path the app uses."""
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from waypoint.recovery.models import Checkin as RecoveryCheckin
    from waypoint.recovery.models import Lapse, RecoveryProfile

    user_model = get_user_model()
    rng = np.random.default_rng(REPORT_SEEDS["batch"])
    prefix = f"bench-insights-{uuid.uuid4().hex[:8]}-"
    today = dt.date.today() - dt.timedelta(days=1)
    users = user_model.objects.bulk_create(
        [user_model(username=f"{prefix}{i}", password=UNUSABLE) for i in range(count)], batch_size=2000
    )
    ids = (
        [u.pk for u in users]
        if users and users[0].pk
        else list(user_model.objects.filter(username__startswith=prefix).order_by("pk").values_list("pk", flat=True))
    )
    checkins: list[Any] = []
    lapses: list[Any] = []
    profiles: list[Any] = []
    eligible = rows = 0
    for user_id in ids:
        days = int(rng.choice(BATCH_LENGTHS, p=BATCH_WEIGHTS))
        start = today - dt.timedelta(days=max(days, 1) - 1)
        profiles.append(RecoveryProfile(user_id=user_id, start_date=start, time_zone="America/Chicago"))
        if days == 0:
            continue
        person = simulate.insight_person(rng, days=days, planted=planted_for(rng))
        shift = start - person.start
        eligible += len(person.rows) >= warning.MIN_USUAL_CHECKINS
        for r in person.rows:
            day = r.date + shift
            rows += 1
            checkins.append(
                RecoveryCheckin(
                    user_id=user_id,
                    client_id=uuid.uuid4(),
                    date=day,
                    mood=r.mood,
                    craving=r.craving,
                    used=r.used,
                    sleep_hours=None if r.sleep_hours is None else Decimal(str(r.sleep_hours)),
                    medication_taken=r.medication_taken,
                    meeting=r.meeting,
                    therapy=r.therapy,
                    stress=r.stress,
                    pain=r.pain,
                )
            )
            if r.used:
                lapses.append(Lapse(user_id=user_id, date=day, end_date=day))
        if len(checkins) > 50_000:
            with transaction.atomic():
                RecoveryCheckin.objects.bulk_create(checkins, batch_size=5000)
            checkins = []
    with transaction.atomic():
        RecoveryProfile.objects.bulk_create(profiles, batch_size=5000)
        RecoveryCheckin.objects.bulk_create(checkins, batch_size=5000)
        Lapse.objects.bulk_create(lapses, batch_size=5000)
    return ids, eligible, rows


def nightly_batch(people: int, workers: int) -> dict[str, Any]:
    """Seeds `people`, starts a real consumer, queues the nightly job, and times it until
    every eligible person's snapshot is stored."""
    import django
    from django.core.management import call_command
    from django.db import connection

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)
    from huey.contrib.djhuey import HUEY

    from waypoint.insights import services
    from waypoint.insights.models import InsightSnapshot

    HUEY.flush()  # this benchmark's own queue
    started = time.perf_counter()
    ids, eligible, rows = _seed_people(people)
    seeded = time.perf_counter() - started
    print(f"seeded {people} people, {rows} check-ins ({eligible} with enough for insights) in {seeded:.1f} s")
    env = dict(os.environ)
    consumer = subprocess.Popen(
        [
            sys.executable,
            "manage.py",
            "run_huey",
            "--workers",
            str(workers),
            "--worker-type",
            "process",
            "--no-periodic",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        time.sleep(3)  # let the consumer start before the clock does
        InsightSnapshot.objects.filter(user_id__in=ids).delete()
        started = time.perf_counter()
        batches = services.insights_nightly_enqueue()
        done = 0
        deadline = started + 3600
        while time.perf_counter() < deadline:
            done = InsightSnapshot.objects.filter(user_id__in=ids).count()
            if done >= eligible and HUEY.pending_count() == 0:
                break
            time.sleep(1)
        wall = time.perf_counter() - started
    finally:
        consumer.terminate()
        consumer.wait(timeout=60)
    result = {
        "people": people,
        "eligible_people": eligible,
        "snapshots_stored": done,
        "check_in_rows": rows,
        "tasks_queued": batches,
        "consumer": f"manage.py run_huey, {workers} worker processes",
        "database": connection.vendor,
        "wall_seconds": round(wall, 1),
        "people_per_second": round(eligible / wall, 1) if wall else None,
    }
    print(
        f"nightly batch: {done}/{eligible} snapshots, {batches} tasks, {workers} worker processes, "
        f"{connection.vendor}: {wall:.1f} s"
    )
    # Clean up what the benchmark added (PostgreSQL scratch databases are kept otherwise).
    from django.contrib.auth import get_user_model

    get_user_model().objects.filter(pk__in=ids).delete()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--calibrate", action="store_true", help="run the tuning grid on the calibration seeds")
    parser.add_argument("--quick", action="store_true", help="smaller cohorts (a rough look; not for the record)")
    parser.add_argument("--skip-batch", action="store_true", help="leave out the 10,000-person nightly batch")
    parser.add_argument("--batch-people", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=2, help="consumer worker processes for the batch")
    parser.add_argument(
        "--timing-only", action="store_true", help="re-measure one person's two years only (updates the results file)"
    )
    args = parser.parse_args()
    OUT.parent.mkdir(exist_ok=True)
    scale = 0.25 if args.quick else 1.0

    if args.timing_only:
        saved = json.loads(OUT.read_text(encoding="utf-8")) if OUT.exists() else {}
        saved["one_person"] = one_person_timings(100)
        OUT.write_text(json.dumps(saved, indent=2, default=str), encoding="utf-8")
        print(f"updated {OUT}")
        return

    if args.calibrate:
        CALIBRATION_OUT.write_text(json.dumps(calibrate(int(700 * scale)), indent=2), encoding="utf-8")
        print(f"wrote {CALIBRATION_OUT}")
        return

    # The database and queue for the batch: a scratch PostgreSQL (DATABASE_URL), else a
    # throwaway folder for SQLite and the SQLite queue. Set before Django starts.
    if not os.environ.get("DATABASE_URL"):
        os.environ["WAYPOINT_VAR_DIR"] = tempfile.mkdtemp(prefix="waypoint-bench-insights-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "waypoint.settings")
    os.environ.setdefault("DEBUG", "true")

    results: dict[str, Any] = {"rules": asdict(RULES), "planted_sizes": PLANTED, "seeds": REPORT_SEEDS}
    started = time.perf_counter()
    null_people = cohort(REPORT_SEEDS["null"], int(2000 * scale), planted=False)
    results["null"] = null_figures(null_people)
    free = cohort(
        REPORT_SEEDS["null"],
        int(2000 * scale),
        planted=False,
        rules=replace(RULES, within_weeks=False, memory_correction=False),
    )
    within_only = cohort(
        REPORT_SEEDS["null"], int(2000 * scale), planted=False, rules=replace(RULES, memory_correction=False)
    )
    results["null_without_guards"] = {
        "free_permutations_no_memory_allowance": null_figures(free),
        "within_week_permutations_no_memory_allowance": null_figures(within_only),
    }
    rate = results["null"]["people_with_any_false_insight"]
    print(
        f"null cohort: {rate['count']}/{rate['total']} people with any false insight ({rate['rate']:.1%}, 95% CI {rate['ci95']})"
    )
    for label, figures in results["null_without_guards"].items():
        r = figures["people_with_any_false_insight"]
        print(f"  {label}: {r['rate']:.1%}")

    planted = cohort(REPORT_SEEDS["planted"], int(1400 * scale), planted=True)
    results["planted"] = planted_figures(planted)
    p = results["planted"]
    print(f"planted cohort: precision {p['precision']['rate']:.3f}  recall {p['recall']['rate']:.3f}")
    for key, value in p["recall_by_pattern"].items():
        print(f"  recall {key:8} {value['rate']:.3f} ({value['count']}/{value['total']})")
    for key, value in p["recall_by_days_of_history"].items():
        print(f"  recall with {key:>3} days {value['rate']:.3f}")

    results["warning"] = warning_figures(warning_cohort(REPORT_SEEDS["warning"], int(600 * scale)))
    w = results["warning"]
    for key in ("at_shipped_threshold", "at_one_prompt_per_person_per_month"):
        a = w[key]
        print(
            f"early warning {key}: threshold {a['threshold']}, {a['prompts_per_person_per_30_days']} prompts/person/month, "
            f"PPV {a['ppv']['rate']}, recall {a['recall']['rate']}"
        )
    print(f"  AUC next 3 days {w['auc_use_in_next_3_days']['auc']}, next day {w['auc_use_next_day']['auc']}; "
          f"base rate {w['auc_use_in_next_3_days']['share_followed_by_use']}")  # fmt: skip
    results["validation_seconds"] = round(time.perf_counter() - started, 1)

    results["one_person"] = one_person_timings(50)
    if not args.skip_batch:
        results["nightly_batch"] = nightly_batch(args.batch_people if not args.quick else 1000, args.workers)
    results["load_average_at_end"] = os.getloadavg()
    OUT.write_text(json.dumps(results, indent=2, default=str), encoding="utf-8")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
