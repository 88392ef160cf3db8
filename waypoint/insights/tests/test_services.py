"""Stored insights: encrypted, refreshed when stale, one person's data only, the nightly
batch through the task queue, the weekly summary sent once, and My data."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import time_machine
from django.db import connection

from waypoint.accounts import services as account_services
from waypoint.core import userdata
from waypoint.insights import services, sources, tasks
from waypoint.insights.models import InsightPreference, InsightSnapshot
from waypoint.insights.tests.conftest import TODAY, history

pytestmark = pytest.mark.django_db


def patterned(days: int = 60) -> list:
    """Short nights raise craving by 4 points; everything else steady."""
    return patterned_until(TODAY, days)


def patterned_until(end: dt.date, days: int = 60) -> list:
    return history(
        days,
        end=end,
        sleep_hours=lambda d, i: 5.0 if i % 3 == 0 else 7.5,
        craving=lambda d, i: 6 + (i % 2) if i % 3 == 0 else 2 + (i % 2),
        mood=lambda d, i: 4,
    )


def test_it_stores_insights_encrypted(alice, fake_recovery):
    fake_recovery.set(alice, patterned())
    snapshot = services.insights_refresh(user=alice)
    assert snapshot is not None
    with connection.cursor() as cursor:
        cursor.execute("SELECT payload FROM insights_insightsnapshot WHERE user_id = %s", [alice.pk])
        (raw,) = cursor.fetchone()
    assert raw.startswith("wp1:")
    assert "sleep" not in raw
    current = services.decode(InsightSnapshot.objects.get(user=alice))
    assert [f.kind for f in current.findings] == ["sleep"]
    assert current.checkins == 60
    assert current.enough


def test_it_recomputes_only_when_stale(alice, fake_recovery):
    fake_recovery.set(alice, patterned())
    first = services.insights_refresh(user=alice)
    assert first is not None
    again = services.insights_refresh(user=alice)
    assert again is not None
    assert again.computed_at == first.computed_at
    # A changed check-in makes it stale.
    rows = patterned()
    rows[-1] = type(rows[-1])(**{**rows[-1].__dict__, "craving": 9})
    fake_recovery.set(alice, rows)
    changed = services.insights_refresh(user=alice)
    assert changed is not None
    assert changed.computed_at > first.computed_at
    # So does a new day.
    fake_recovery.today = TODAY + dt.timedelta(days=1)
    later = services.insights_refresh(user=alice)
    assert later is not None
    assert later.computed_for == TODAY + dt.timedelta(days=1)


def test_deleted_check_ins_take_their_insights_with_them(alice, fake_recovery):
    fake_recovery.set(alice, patterned())
    services.insights_refresh(user=alice)
    fake_recovery.set(alice, [])
    assert services.insights_refresh(user=alice) is None
    assert not InsightSnapshot.objects.filter(user=alice).exists()


def test_one_persons_insights_come_from_their_own_check_ins_only(alice, bob, fake_recovery):
    fake_recovery.set(alice, patterned())
    fake_recovery.set(bob, history(60, craving=lambda d, i: 3))
    services.insights_refresh(user=bob)
    assert fake_recovery.asked == [bob.pk]
    bob_now = services.decode(InsightSnapshot.objects.get(user=bob))
    assert bob_now.findings == []
    services.insights_refresh(user=alice)
    assert fake_recovery.asked == [bob.pk, alice.pk]
    alice_now = services.decode(InsightSnapshot.objects.get(user=alice))
    assert [f.kind for f in alice_now.findings] == ["sleep"]
    # Refreshing alice changed nothing of bob's.
    assert services.decode(InsightSnapshot.objects.get(user=bob)).findings == []


def test_insights_from_the_real_recovery_app_stay_with_their_owner(alice, bob):
    """Through the recovery app's own contract: alice's pattern never shows up for bob,
    whose check-ins are flat, and the other way round."""
    from waypoint.insights.tests.conftest import store_in_recovery
    from waypoint.recovery.selectors import local_now_in

    end = local_now_in("America/New_York").date()
    store_in_recovery(alice, patterned_until(end))
    flat = history(60, end=end, sleep_hours=lambda d, i: 5.0 if i % 2 == 0 else 7.5, craving=lambda d, i: 3)
    store_in_recovery(bob, flat)
    alice_current, _ = services.insights_current(user=alice)
    bob_current, _ = services.insights_current(user=bob)
    assert alice_current is not None
    assert bob_current is not None
    assert [f.kind for f in alice_current.findings] == ["sleep"]
    assert bob_current.findings == []
    assert alice_current.checkins == bob_current.checkins == 60


def test_the_nightly_batch_runs_through_the_task_queue(alice, bob, charlie, fake_recovery):
    fake_recovery.set(alice, patterned())
    fake_recovery.set(bob, patterned(40))
    # charlie has too few check-ins: nothing stored for him.
    fake_recovery.set(charlie, history(5))
    batches = services.insights_nightly_enqueue(batch_size=2)
    assert batches == 2  # three people, two per task
    assert set(InsightSnapshot.objects.values_list("user_id", flat=True)) == {alice.pk, bob.pk}
    # The periodic task itself does the same (huey runs it at once in tests).
    InsightSnapshot.objects.all().delete()
    tasks.insights_nightly.call_local()
    assert InsightSnapshot.objects.count() == 2


def test_one_persons_failure_does_not_stop_the_batch(alice, bob, fake_recovery, monkeypatch, caplog):
    fake_recovery.set(alice, patterned())
    fake_recovery.set(bob, patterned())
    real = fake_recovery.checkin_facts

    def broken(*, user, start=None, end=None):
        if user.pk == alice.pk:
            raise ValueError("craving 11 on 2025-06-01")  # a message quoting health data
        return real(user=user, start=start, end=end)

    monkeypatch.setattr(sources, "checkin_facts", broken)
    assert services.insights_refresh_batch(user_ids=[alice.pk, bob.pk]) == 1
    assert "craving" not in caplog.text
    assert "ValueError" in caplog.text


def test_the_weekly_summary_is_sent_once_per_week(
    alice, fake_recovery, monkeypatch, django_capture_on_commit_callbacks
):
    sent: list[dict] = []
    monkeypatch.setattr(sources, "notify", lambda **kwargs: sent.append(kwargs) or True)
    fake_recovery.set(alice, patterned())
    services.insight_preference_update(user=alice, weekly_summary=True, language="es")
    with time_machine.travel(dt.datetime(2025, 6, 16, 10, tzinfo=dt.UTC), tick=False):  # a Monday, 10:00
        fake_recovery.today = dt.date(2025, 6, 16)
        with django_capture_on_commit_callbacks(execute=True):
            assert services.weekly_summaries_send_due() == 1
            assert services.weekly_summaries_send_due() == 0  # the week is claimed
    assert len(sent) == 1
    assert sent[0]["kind"] == "insights.weekly"
    assert sent[0]["discreet_text"] == "Su resumen semanal está listo."
    assert sent[0]["url"] == "/es/insights/week/?weeks_ago=1"
    assert InsightPreference.objects.get(user=alice).weekly_sent_for == dt.date(2025, 6, 9)
    with time_machine.travel(dt.datetime(2025, 6, 23, 7, tzinfo=dt.UTC), tick=False):  # next Monday, 7:00
        fake_recovery.today = dt.date(2025, 6, 23)
        with django_capture_on_commit_callbacks(execute=True):
            assert services.weekly_summaries_send_due() == 0  # not before 9 am
    nine_thirty = dt.datetime(2025, 6, 23, 9, 30, tzinfo=dt.UTC)
    with time_machine.travel(nine_thirty, tick=False), django_capture_on_commit_callbacks(execute=True):
        assert services.weekly_summaries_send_due() == 1
    assert len(sent) == 2


def test_nobody_gets_a_summary_they_did_not_choose(alice, bob, fake_recovery, monkeypatch):
    sent: list[dict] = []
    monkeypatch.setattr(sources, "notify", lambda **kwargs: sent.append(kwargs) or True)
    services.insight_preference_update(user=bob, weekly_summary=False, language="en")
    assert services.weekly_summaries_send_due() == 0
    assert sent == []


def test_notify_goes_through_reminders_and_is_a_no_op_until_it_exists(alice, monkeypatch):
    import types

    def missing(name):
        raise ImportError(name)

    monkeypatch.setattr(sources.importlib, "import_module", missing)
    assert sources.notify(user=alice, kind="insights.weekly", discreet_text="x", plain_text="y", url="/") is False

    calls: list[dict] = []
    reminders = types.SimpleNamespace(notify_send=lambda **kwargs: calls.append(kwargs))
    monkeypatch.setattr(sources.importlib, "import_module", lambda name: reminders)
    assert sources.notify(user=alice, kind="insights.weekly", discreet_text="x", plain_text="y", url="/") is True
    assert calls == [{"user": alice, "kind": "insights.weekly", "discreet_text": "x", "plain_text": "y", "url": "/"}]


def test_journal_moods_fill_days_without_a_check_in_mood_only_with_consent(alice, bob, fake_recovery):
    """Through the journal app's own contract: its moods are used only after the person
    chose, in the journal, to share them with insights; a check-in's own mood wins."""
    from waypoint.journal import services as journal

    rows = history(40, mood=lambda d, i: None if i < 39 else 4)
    fake_recovery.set(alice, rows)
    fake_recovery.set(bob, rows)
    journal.entry_create(user=alice, text="a hard day", mood=2, written_on=rows[0].date)
    journal.entry_create(user=alice, text="better", mood=1, written_on=rows[-1].date)
    journal.entry_create(user=bob, text="bob's", mood=5, written_on=rows[1].date)
    assert all(r.mood is None for r in services.rows_for(user=alice, today=TODAY)[:39])  # not chosen yet
    journal.journal_preference_set(user=alice, moods_for_insights=True)
    journal.journal_preference_set(user=bob, moods_for_insights=True)
    filled = services.rows_for(user=alice, today=TODAY)
    assert filled[0].mood == 2
    assert filled[1].mood is None  # bob's journal is bob's
    assert filled[-1].mood == 4  # the check-in's own mood stays
    journal.journal_preference_set(user=alice, moods_for_insights=False)
    assert services.rows_for(user=alice, today=TODAY)[0].mood is None


def test_journal_moods_are_nothing_without_the_journal_app(alice, settings, monkeypatch):
    monkeypatch.setattr(sources.apps, "is_installed", lambda name: name != "waypoint.journal")
    assert sources.journal_moods(user=alice, start=TODAY, end=TODAY) == {}
    assert sources.journal_sharing_url() is None


def test_my_data_exports_and_deletes_stored_insights(alice, bob, fake_recovery):
    fake_recovery.set(alice, patterned())
    fake_recovery.set(bob, patterned())
    services.insights_refresh(user=alice)
    services.insights_refresh(user=bob)
    services.insight_preference_update(user=alice, weekly_summary=True, language="en")
    services.insights_refresh(user=alice)
    provider = next(p for p in userdata.providers() if p.key == "insights.insights")
    exported = provider.export(alice)
    json.dumps(exported)  # plain JSON
    assert exported["snapshot"]["findings"][0]["kind"] == "sleep"
    assert "fingerprint" not in exported["snapshot"]
    assert exported["preferences"]["weekly_summary"] is True
    assert provider.remove(alice) == 2
    assert not InsightSnapshot.objects.filter(user=alice).exists()
    assert not InsightPreference.objects.filter(user=alice).exists()
    assert InsightSnapshot.objects.filter(user=bob).exists()


def test_deleting_the_account_deletes_stored_insights(alice, fake_recovery):
    fake_recovery.set(alice, patterned())
    services.insights_refresh(user=alice)
    account_services.account_delete(user=alice)
    assert InsightSnapshot.objects.count() == 0
