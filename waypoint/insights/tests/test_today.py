"""The early warning outside the patterns page: the prompt on the today page (through
core/today.py, from the stored snapshot, computed again only when the check-ins changed),
and the discreet note for whoever chose it — once every three days, in the daytime."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from waypoint.core import today as today_notices
from waypoint.insights import services, sources
from waypoint.insights.models import InsightPreference, InsightSnapshot
from waypoint.insights.tests.conftest import TODAY, history, store_in_recovery
from waypoint.insights.tests.test_views import hard_last_days
from waypoint.recovery import selectors as recovery_selectors
from waypoint.recovery.models import Checkin as RecoveryCheckin

pytestmark = pytest.mark.django_db
PROMPT = 'data-testid="warning-prompt"'


def real_today() -> dt.date:
    return recovery_selectors.local_now_in("America/New_York").date()


def steady(end: dt.date) -> list:
    return history(60, end=end, craving=lambda d, i: 3, mood=lambda d, i: 4, sleep_hours=lambda d, i: 7.5)


def test_the_today_page_shows_the_prompt_when_the_last_days_look_harder(alice, alice_client, bob, bob_client):
    store_in_recovery(alice, hard_last_days(end=real_today()))
    store_in_recovery(bob, steady(real_today()))
    page = alice_client.get(reverse("recovery:today")).content.decode()
    assert PROMPT in page
    assert "The last few days look harder than usual." in page
    assert f'href="{reverse("recovery:struggling")}"' in page
    assert f'href="{reverse("insights:index")}"' in page  # why: what added to the score
    assert PROMPT not in bob_client.get(reverse("recovery:today")).content.decode()


def test_the_today_page_computes_again_only_after_the_check_ins_change(alice, alice_client):
    store_in_recovery(alice, steady(real_today()))
    assert PROMPT not in alice_client.get(reverse("recovery:today")).content.decode()
    stored = InsightSnapshot.objects.get(user=alice).computed_at
    alice_client.get(reverse("recovery:today"))
    assert InsightSnapshot.objects.get(user=alice).computed_at == stored  # nothing changed: not computed again
    # The last three days turn hard (saved one by one, as edits are).
    for row, hard in zip(RecoveryCheckin.objects.filter(user=alice).order_by("-date")[:3], [9, 8, 6], strict=True):
        row.craving, row.mood, row.sleep_hours = hard, 2, 4
        row.save()
    assert PROMPT in alice_client.get(reverse("recovery:today")).content.decode()
    assert InsightSnapshot.objects.get(user=alice).computed_at > stored


def test_a_failing_notice_never_keeps_anyone_from_their_today_page(alice, alice_client, monkeypatch, caplog):
    def broken(*, user):
        raise ValueError("craving 9 on 2025-06-01")  # a message quoting health data

    store_in_recovery(alice, steady(real_today()))
    monkeypatch.setitem(today_notices._PROVIDERS, "zz.broken", broken)
    response = alice_client.get(reverse("recovery:today"))
    assert response.status_code == 200
    assert "craving 9" not in caplog.text
    assert "ValueError" in caplog.text


@pytest.fixture
def sent(monkeypatch) -> list[dict]:
    notes: list[dict] = []
    monkeypatch.setattr(sources, "notify", lambda **kwargs: notes.append(kwargs) or True)
    return notes


def at(hour: int, day: dt.date = TODAY):
    return time_machine.travel(dt.datetime(day.year, day.month, day.day, hour, tzinfo=dt.UTC), tick=False)


def test_the_note_goes_once_in_three_days_in_the_daytime_to_who_chose_it(
    alice, bob, fake_recovery, sent, django_capture_on_commit_callbacks
):
    fake_recovery.set(alice, hard_last_days())
    fake_recovery.set(bob, hard_last_days())
    services.insight_preference_update(user=alice, language="es", warning_push=True)
    with at(8):
        services.insights_refresh_batch(user_ids=[alice.pk, bob.pk])  # the nightly snapshots
        assert services.warning_pushes_send_due() == 0  # not first thing in the morning
    with at(11), django_capture_on_commit_callbacks(execute=True):
        assert services.warning_pushes_send_due() == 1  # alice only: bob did not choose it
        assert services.warning_pushes_send_due() == 0  # the day is claimed
    assert [n["user"] for n in sent] == [alice]
    assert sent[0]["kind"] == "insights.warning"
    assert sent[0]["discreet_text"] == "Tiene una nota lista."
    assert sent[0]["url"] == "/es/insights/"
    assert InsightPreference.objects.get(user=alice).warning_sent_for == TODAY
    for days_later, expected in [(1, 0), (2, 0), (3, 1)]:
        day = TODAY + dt.timedelta(days=days_later)
        fake_recovery.today = day
        fake_recovery.set(alice, hard_last_days(end=day))
        with at(12, day), django_capture_on_commit_callbacks(execute=True):
            services.insights_refresh_batch(user_ids=[alice.pk])
            assert services.warning_pushes_send_due() == expected, days_later
    with at(22, TODAY + dt.timedelta(days=6)):
        assert services.warning_pushes_send_due() == 0  # never at night


def test_no_note_on_a_steady_day_or_from_a_stale_snapshot(alice, fake_recovery, sent):
    services.insight_preference_update(user=alice, language="en", warning_push=True)
    fake_recovery.set(alice, steady(TODAY))
    with at(12):
        services.insights_refresh(user=alice)
        assert services.warning_pushes_send_due() == 0  # below the threshold
    fake_recovery.set(alice, hard_last_days())
    with at(12):
        services.insights_refresh(user=alice)
    fake_recovery.today = TODAY + dt.timedelta(days=1)
    with at(12, TODAY + dt.timedelta(days=1)):
        assert services.warning_pushes_send_due() == 0  # yesterday's snapshot says nothing of today
    assert sent == []


def test_each_page_saves_only_its_own_choice(alice, alice_client):
    alice_client.post(reverse("insights:preferences"), {"back": "week", "weekly_summary": "on"})
    alice_client.post(reverse("insights:preferences"), {"back": "index", "warning_push": "on"})
    preference = InsightPreference.objects.get(user=alice)
    assert (preference.weekly_summary, preference.warning_push) == (True, True)
    alice_client.post(reverse("insights:preferences"), {"back": "index"})  # unticked on the patterns page
    preference.refresh_from_db()
    assert (preference.weekly_summary, preference.warning_push) == (True, False)
    page = alice_client.get(reverse("insights:index")).content.decode()
    assert 'name="warning_push"' in page
