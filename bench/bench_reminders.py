"""Reminders: one tick sending 100,000 due reminders across time zones, with a fake push
sender (no network), and zero duplicates — once with one consumer, once with two consumer
processes racing over the same backlog.

The people are spread over eight time zones (both hemispheres, a half-hour zone, one
without DST); each has five reminders (check-in, a dose, the monthly check, goals,
appointments), all due at the same UTC instant — 08:00 local in some zones, 13:30 in
others. Check-in, dose and monthly-check reminders are sent (nobody checked in, the first
BARC-10 is due); goals and appointments are looked at and skipped (none due), as on a real
morning. Each push is counted by its topic: a topic seen twice is a duplicate.

Runs in a throwaway SQLite file (WAYPOINT_VAR_DIR), or against DATABASE_URL when set (point
it at a scratch database: the bench adds and removes its people).

Run: .venv/bin/python bench/run.py reminders
     .venv/bin/python bench/bench_reminders.py [--people N] [--skip-race]
Figures go to bench/results/reminders.json.
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
OUT = ROOT / "bench" / "results" / "reminders.json"
ZONES = [
    "America/New_York",
    "America/Chicago",
    "America/Los_Angeles",
    "America/Phoenix",  # no daylight saving
    "Europe/Madrid",
    "Asia/Kolkata",  # a half-hour offset
    "Australia/Sydney",  # southern hemisphere
    "Pacific/Honolulu",
]
DUE = dt.datetime(2026, 3, 10, 15, 0, tzinfo=dt.UTC)
PREFIX = "bench-reminders-"


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "waypoint.settings")
    os.environ.setdefault("DEBUG", "true")
    import django

    django.setup()


def setup(people: int) -> dict[str, int]:
    """Makes the people and their 5 × people reminders, all due at DUE, in bulk."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.db import transaction

    from waypoint.recovery.models import RecoveryProfile
    from waypoint.reminders.models import PushSubscription, Reminder, ReminderSettings

    User = get_user_model()
    unusable = make_password(None)  # nobody signs in as these people
    cleanup()
    started = time.perf_counter()
    with transaction.atomic():
        users = User.objects.bulk_create(
            [User(username=f"{PREFIX}{n}", password=unusable) for n in range(people)], batch_size=2000
        )
        if users and users[0].pk is None:  # SQLite before RETURNING: look them up
            users = list(User.objects.filter(username__startswith=PREFIX).order_by("pk"))
        profiles, settings_rows, subscriptions, reminders = [], [], [], []
        for n, user in enumerate(users):
            zone_name = ZONES[n % len(ZONES)]
            local = DUE.astimezone(ZoneInfo(zone_name))
            at = local.time().replace(second=0, microsecond=0, tzinfo=None)
            profiles.append(
                RecoveryProfile(
                    user=user, start_date=dt.date(2026, 1, 5), time_zone=zone_name,
                    medication_kind="buprenorphine", dose_times=[at.strftime("%H:%M")],
                )
            )  # fmt: skip
            settings_rows.append(ReminderSettings(user=user, checkin_at=at, doses_on=True, barc_at=at, goals_at=at,
                                                  appointment_lead_minutes=60))  # fmt: skip
            subscriptions.append(
                PushSubscription(
                    user=user, endpoint=f"https://fcm.googleapis.com/fcm/send/bench{n}",
                    endpoint_hash=f"{n:064d}", p256dh="x", auth="y",
                )
            )  # fmt: skip
            for kind in ("checkin", "dose", "barc", "goals"):
                reminders.append(Reminder(user=user, kind=kind, local_time=at, time_zone=zone_name, next_send_at=DUE,
                                          occurrence=DUE))  # fmt: skip
            reminders.append(Reminder(user=user, kind="appointment", lead_minutes=60, time_zone=zone_name,
                                      next_send_at=DUE))  # fmt: skip
        RecoveryProfile.objects.bulk_create(profiles, batch_size=2000)
        ReminderSettings.objects.bulk_create(settings_rows, batch_size=2000)
        PushSubscription.objects.bulk_create(subscriptions, batch_size=2000)
        Reminder.objects.bulk_create(reminders, batch_size=2000)
    # The profiles were made "now": move their creation back so the first BARC-10 is due.
    RecoveryProfile.objects.filter(user__username__startswith=PREFIX).update(created_at=DUE - dt.timedelta(days=30))
    return {"people": people, "reminders": len(reminders), "setup_seconds": round(time.perf_counter() - started, 1)}


def reset_due() -> None:
    from waypoint.reminders.models import Reminder

    Reminder.objects.filter(user__username__startswith=PREFIX).update(
        next_send_at=DUE, occurrence=DUE, last_occurrence=None, event_key="", claim=None, attempts=0,
        pending_targets=[], last_sent_at=None, snoozed=False,
    )  # fmt: skip


def cleanup() -> None:
    from django.contrib.auth import get_user_model

    get_user_model().objects.filter(username__startswith=PREFIX).delete()


def consume(batch: int) -> dict[str, object]:
    """One consumer's tick at DUE with a counting fake push service."""
    import time_machine

    from waypoint.reminders import delivery, push

    topics: list[str] = []

    class Fake:
        def send(self, target, payload, *, ttl, urgency, topic):
            topics.append(topic)
            return push.PushResult(status=201)

    push.set_sender(Fake())
    with time_machine.travel(DUE + dt.timedelta(seconds=5), tick=True):
        started = time.perf_counter()
        report = delivery.tick(now=DUE + dt.timedelta(seconds=5), batch=batch)
        seconds = time.perf_counter() - started
    return {"seconds": seconds, "report": report.as_dict(), "topics": topics}


def _child(args: list[str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(Path(__file__).resolve()), *args], cwd=ROOT, env=os.environ.copy(),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", type=int, default=20_000, help="people (5 reminders each)")
    parser.add_argument("--batch", type=int, default=200)
    parser.add_argument("--skip-race", action="store_true")
    parser.add_argument("--consume", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--start", type=float, default=0.0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL") and not os.environ.get("WAYPOINT_VAR_DIR"):
        os.environ["WAYPOINT_VAR_DIR"] = tempfile.mkdtemp(prefix="waypoint-bench-reminders-")
    _django()
    from django.core.management import call_command
    from django.db import connection

    if args.consume:
        while time.time() < args.start:
            time.sleep(0.001)
        result = consume(args.batch)
        print(json.dumps(result))
        return 0

    call_command("migrate", verbosity=0, interactive=False)
    made = setup(args.people)
    print(f"{made['people']:,} people, {made['reminders']:,} reminders due at {DUE:%Y-%m-%d %H:%M} UTC "
          f"across {len(ZONES)} time zones ({connection.vendor}; set up in {made['setup_seconds']} s)")  # fmt: skip
    connection.close()
    one = json.loads(_child(["--consume", "--batch", str(args.batch)]).communicate()[0].strip().splitlines()[-1])
    topics = collections.Counter(one["topics"])
    duplicates = sum(count - 1 for count in topics.values() if count > 1)
    sends_expected = args.people * 3
    figures: dict[str, object] = {
        "database": connection.vendor,
        **made,
        "zones": ZONES,
        "one_consumer": {
            "seconds": round(one["seconds"], 2),
            "reminders_per_second": round(made["reminders"] / one["seconds"]),
            "pushes_sent": len(one["topics"]),
            "pushes_expected": sends_expected,
            "duplicates": duplicates,
            "report": one["report"],
        },
    }
    print(f"one consumer: {made['reminders']:,} due reminders handled in {one['seconds']:.1f} s "
          f"({made['reminders'] / one['seconds']:,.0f}/s); {len(one['topics']):,} pushes "
          f"(expected {sends_expected:,}), {duplicates} duplicates")  # fmt: skip
    if not args.skip_race:
        reset_due()
        connection.close()
        start = time.time() + 4
        children = [_child(["--consume", "--batch", str(args.batch), "--start", str(start)]) for _ in range(2)]
        answers = []
        for child in children:
            out, err = child.communicate()
            if child.returncode:
                print(err[-2000:])
                return 1
            answers.append(json.loads(out.strip().splitlines()[-1]))
        race = collections.Counter(topic for answer in answers for topic in answer["topics"])
        race_duplicates = sum(count - 1 for count in race.values() if count > 1)
        wall = max(answer["seconds"] for answer in answers)
        figures["two_consumers"] = {
            "seconds": round(wall, 2),
            "pushes_sent": sum(race.values()),
            "pushes_expected": sends_expected,
            "duplicates": race_duplicates,
            "claimed_each": [answer["report"]["claimed"] for answer in answers],
        }
        print(f"two consumer processes racing: {wall:.1f} s; {sum(race.values()):,} pushes "
              f"(expected {sends_expected:,}), {race_duplicates} duplicates; "
              f"claimed {[a['report']['claimed'] for a in answers]}")  # fmt: skip
    cleanup()
    OUT.parent.mkdir(exist_ok=True)
    OUT.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    print(f"written to {OUT.relative_to(ROOT)}")
    ok = figures["one_consumer"]["duplicates"] == 0 and len(one["topics"]) == sends_expected  # type: ignore[index]
    race_figures = figures.get("two_consumers")
    if race_figures is not None:  # not with --skip-race
        ok = ok and race_figures["duplicates"] == 0 and len(race) == sends_expected  # type: ignore[index]
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
