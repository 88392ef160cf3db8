"""Exactly once with several consumers: two consumers race over the same due reminders and
every reminder goes out once; a consumer that dies mid-send loses nothing; one whose lease
ran out cannot overwrite the row it lost. Runs on SQLite and on PostgreSQL (CI runs both)."""

from __future__ import annotations

import collections
import datetime as dt
import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import time_machine
from django.db import connection

from waypoint.recovery.tests.conftest import make_profile
from waypoint.reminders import delivery
from waypoint.reminders.models import Reminder
from waypoint.reminders.tests.conftest import at, set_up, subscribe

ROOT = Path(__file__).resolve().parents[3]
NY = "America/New_York"
PEOPLE = 24


def _people() -> list:
    from waypoint.core.tests.personas import UserFactory

    people = []
    with time_machine.travel(at("2026-03-02", "12:00", NY), tick=False):
        for n in range(PEOPLE):
            person = UserFactory(username=f"racer{n}")
            make_profile(person, time_zone=NY, medication_kind="buprenorphine", dose_times=["08:00", "20:00"])
            subscribe(person)
            set_up(person, checkin_at=dt.time(20, 0), doses_on=True)
            people.append(person)
    return people


def _env(tmp_path: Path) -> dict[str, str]:
    """The environment of a consumer process: the test's own PostgreSQL database (rows this
    test committed), or — SQLite's test database lives in this process's memory — a SQLite
    file of its own, migrated first."""
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "WAYPOINT_VAR_DIR"}}
    env["WAYPOINT_VAR_DIR"] = str(tmp_path)
    env["DEBUG"] = "true"
    if connection.vendor == "postgresql":
        settings = connection.settings_dict
        env["DATABASE_URL"] = (
            f"postgres://{settings['USER']}:{settings['PASSWORD'] or ''}@{settings['HOST'] or '127.0.0.1'}:"
            f"{settings['PORT'] or 5432}/{settings['NAME']}"
        )
    else:
        env.pop("DATABASE_URL", None)
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True, timeout=300
        )
    return env


def _run(env: dict[str, str], *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(  # noqa: S603 - our own module
        [sys.executable, "-m", "waypoint.reminders.tests.race_worker", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _answer(process: subprocess.Popen[str]) -> dict:
    out, err = process.communicate(timeout=300)
    assert process.returncode == 0, err[-3000:]
    return json.loads(out.strip().splitlines()[-1])


@pytest.mark.django_db(transaction=True)
def test_two_consumer_processes_racing_send_every_reminder_exactly_once(tmp_path):
    from waypoint.reminders.tests import race_worker

    env = _env(tmp_path)
    _answer(_run(env, "setup"))
    start = time.time() + 3  # both import Django first, then begin together
    first, second = _run(env, "consume", str(start)), _run(env, "consume", str(start))
    answers = [_answer(first), _answer(second)]
    topics = collections.Counter(topic for answer in answers for topic in answer["topics"])
    due = race_worker.PEOPLE * 2  # each person's check-in and 20:00 dose
    assert len(topics) == due
    assert set(topics.values()) == {1}, "a reminder went out twice"
    assert sum(answer["report"]["sent"] for answer in answers) == due
    assert all(answer["report"]["claimed"] > 0 for answer in answers), "one consumer did all the work: no race"


@pytest.mark.django_db(transaction=True)
def test_a_consumer_that_dies_mid_send_loses_nothing(fake_push):
    _people()
    now = at("2026-03-02", "20:00", NY)
    # A consumer claims rows, then dies before sending anything.
    with time_machine.travel(now, tick=False):
        claimed = delivery.claim(Reminder, now=now, token=uuid.uuid4(), limit=10)
    assert len(claimed) == 10
    # Until its lease ends, nobody else sends them…
    report = delivery.tick(now=now)
    assert report.sent == PEOPLE * 2 - 10
    # …and after it, the next tick does.
    later = now + delivery.LEASE + dt.timedelta(seconds=1)
    with time_machine.travel(later, tick=False):
        assert delivery.tick(now=later).sent == 10
    topics = collections.Counter(meta["topic"] for _endpoint, _payload, meta in fake_push.sent)
    assert set(topics.values()) == {1}


@pytest.mark.django_db(transaction=True)
def test_a_consumer_whose_claim_was_taken_over_cannot_overwrite_the_row(fake_push):
    _people()
    now = at("2026-03-02", "20:00", NY)
    with time_machine.travel(now, tick=False):
        slow = uuid.uuid4()
        [row] = delivery.claim(Reminder, now=now, token=slow, limit=1)
    later = now + delivery.LEASE + dt.timedelta(seconds=1)
    with time_machine.travel(later, tick=False):
        delivery.tick(now=later)  # takes the row over and finishes it
    finished = Reminder.objects.get(pk=row.pk)
    row.next_send_at = now  # what the slow consumer would write
    assert delivery._finish_reminders([row], slow) == 0
    assert Reminder.objects.get(pk=row.pk).next_send_at == finished.next_send_at
