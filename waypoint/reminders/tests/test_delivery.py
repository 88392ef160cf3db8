"""The periodic task: each reminder sent once, at the person's local time, in their words,
skipped when not needed, retried without duplicates, quiet hours kept."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail

from waypoint.recovery import services as recovery
from waypoint.recovery.tests.conftest import checkin, make_profile
from waypoint.reminders import delivery, services
from waypoint.reminders.models import Notice, PushSubscription, Reminder
from waypoint.reminders.tests.conftest import ENDPOINT, at, set_up, subscribe

pytestmark = pytest.mark.django_db
NY = "America/New_York"


def tick(moment: dt.datetime) -> delivery.TickReport:
    with time_machine.travel(moment, tick=False):
        return delivery.tick()


@pytest.fixture
def alice_ready(alice):
    """Alice in New York, on methadone at 08:00 and 20:00, with one phone subscribed."""
    with time_machine.travel(at("2026-03-02", "12:00", NY), tick=False):
        make_profile(alice, time_zone=NY, medication_kind="methadone", dose_times=["08:00", "20:00"])
        subscribe(alice)
    return alice


def test_a_checkin_reminder_goes_once_at_local_time(alice_ready, fake_push):
    with time_machine.travel(at("2026-03-02", "12:00", NY), tick=False):
        set_up(alice_ready, checkin_at=dt.time(20, 0))
    assert tick(at("2026-03-02", "19:59", NY)).sent == 0
    report = tick(at("2026-03-02", "20:00", NY))
    assert report.sent == 1
    assert fake_push.bodies() == ["Time for your daily note."]
    _endpoint, payload, meta = fake_push.sent[0]
    assert payload["title"] == "Notes"
    assert payload["url"] == "/en/recovery/check-in/"
    assert meta["topic"].startswith("wp-r")
    # Nothing more that day, however often the task runs.
    for minute in ("20:01", "20:30", "23:59"):
        assert tick(at("2026-03-02", minute, NY)).sent == 0
    assert tick(at("2026-03-03", "20:00", NY)).sent == 1


def test_it_is_not_sent_when_the_person_already_checked_in(alice_ready, fake_push):
    with time_machine.travel(at("2026-03-02", "12:00", NY), tick=False):
        set_up(alice_ready, checkin_at=dt.time(20, 0))
        checkin(alice_ready, mood=4)
    report = tick(at("2026-03-02", "20:00", NY))
    assert (report.sent, report.skipped) == (0, 1)
    assert fake_push.sent == []
    assert tick(at("2026-03-03", "20:00", NY)).sent == 1  # the next day it is due again


def test_dose_reminders_follow_the_profiles_dose_times(alice_ready, fake_push):
    with time_machine.travel(at("2026-03-02", "12:00", NY), tick=False):
        set_up(alice_ready, doses_on=True)
    assert sorted(r.local_time for r in Reminder.objects.filter(kind="dose")) == [dt.time(8), dt.time(20)]
    tick(at("2026-03-02", "20:00", NY))
    assert fake_push.bodies() == ["Your 8 p.m. reminder."]
    # The 20:00 dose is dropped from the profile: its reminder stops.
    with time_machine.travel(at("2026-03-03", "09:00", NY), tick=False):
        recovery.profile_save(
            user=alice_ready,
            start_date=dt.date(2026, 2, 1),
            time_zone=NY,
            medication_kind="methadone",
            dose_times=["08:00"],
        )
    tick(at("2026-03-03", "20:00", NY))
    assert len(fake_push.sent) == 1
    assert Reminder.objects.get(kind="dose", local_time=dt.time(20)).next_send_at is None


def test_an_hour_skipped_by_daylight_saving_is_sent_when_the_clocks_jump(alice, fake_push):
    with time_machine.travel(at("2026-03-06", "12:00", NY), tick=False):
        make_profile(alice, time_zone=NY)
        subscribe(alice)
        set_up(alice, checkin_at=dt.time(2, 30))
    sent = []
    for _day in ("2026-03-07", "2026-03-08", "2026-03-09"):
        row = Reminder.objects.get(user=alice)
        sent.append(row.next_send_at.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M"))
        assert tick(row.next_send_at).sent == 1
    assert sent == ["2026-03-07 07:30", "2026-03-08 07:00", "2026-03-09 06:30"]  # 02:30 EST, 03:00 EDT, 02:30 EDT


def test_quiet_hours_hold_a_reminder_until_they_end(alice_ready, fake_push):
    with time_machine.travel(at("2026-03-02", "12:00", NY), tick=False):
        set_up(alice_ready, checkin_at=dt.time(23, 0), quiet_start=dt.time(22, 0), quiet_end=dt.time(7, 0))
    row = Reminder.objects.get(kind="checkin")
    assert row.next_send_at == at("2026-03-03", "07:00", NY)
    assert tick(at("2026-03-02", "23:00", NY)).sent == 0
    assert tick(at("2026-03-03", "07:00", NY)).sent == 1


def test_quiet_hours_set_after_scheduling_still_hold_it(alice_ready, fake_push):
    with time_machine.travel(at("2026-03-02", "12:00", NY), tick=False):
        set_up(alice_ready, checkin_at=dt.time(23, 0))
    assert Reminder.objects.get(kind="checkin").next_send_at == at("2026-03-02", "23:00", NY)  # no quiet hours yet
    from waypoint.reminders.models import ReminderSettings

    ReminderSettings.objects.filter(user=alice_ready).update(quiet_start=dt.time(22, 0), quiet_end=dt.time(7, 0))
    assert tick(at("2026-03-02", "23:00", NY)).sent == 0
    assert tick(at("2026-03-03", "07:00", NY)).sent == 1
    assert len(fake_push.sent) == 1


def test_a_failed_push_is_retried_later_only_for_the_device_that_missed_it(alice_ready, fake_push):
    other = subscribe(alice_ready, "second-phone")
    with time_machine.travel(at("2026-03-02", "12:00", NY), tick=False):
        set_up(alice_ready, checkin_at=dt.time(20, 0))
    fake_push.answers[other.endpoint] = [503]
    report = tick(at("2026-03-02", "20:00", NY))
    assert report.retried == 1
    assert len(fake_push.sent) == 2
    assert tick(at("2026-03-02", "20:00:30", NY)).claimed == 0  # not before its retry time
    report = tick(at("2026-03-02", "20:01", NY))
    assert report.sent == 1
    endpoints = [endpoint for endpoint, _payload, _meta in fake_push.sent]
    assert endpoints.count(other.endpoint) == 2  # the failed try and the retry
    assert endpoints.count(ENDPOINT + f"u{alice_ready.pk}") == 1  # never twice to the one that got it
    row = Reminder.objects.get(kind="checkin")
    assert (row.attempts, row.pending_targets) == (0, [])
    assert row.next_send_at == at("2026-03-03", "20:00", NY)


def test_a_subscription_the_push_service_calls_gone_is_removed(alice_ready, fake_push):
    with time_machine.travel(at("2026-03-02", "12:00", NY), tick=False):
        set_up(alice_ready, checkin_at=dt.time(20, 0))
    fake_push.answers[ENDPOINT + f"u{alice_ready.pk}"] = [410]
    report = tick(at("2026-03-02", "20:00", NY))
    assert report.subscriptions_removed == 1
    assert not PushSubscription.objects.filter(user=alice_ready).exists()
    assert report.retried == 0


def test_a_reminder_missed_while_the_server_was_down_is_not_sent_hours_late(alice_ready, fake_push):
    with time_machine.travel(at("2026-03-02", "12:00", NY), tick=False):
        set_up(alice_ready, checkin_at=dt.time(8, 0))
    report = tick(at("2026-03-03", "14:00", NY))  # down from before 08:00 to 14:00 on the 3rd
    assert (report.sent, report.skipped) == (0, 1)
    assert Reminder.objects.get(kind="checkin").next_send_at == at("2026-03-04", "08:00", NY)


def test_a_new_time_zone_moves_reminders_to_the_new_local_time(alice_ready, fake_push):
    with time_machine.travel(at("2026-03-02", "12:00", NY), tick=False):
        set_up(alice_ready, checkin_at=dt.time(20, 0))
        recovery.profile_save(user=alice_ready, start_date=dt.date(2026, 2, 1), time_zone="America/Los_Angeles")
    # Due at 20:00 New York time, but she now lives in Los Angeles: it waits for 20:00 there.
    assert tick(at("2026-03-02", "20:00", NY)).sent == 0
    assert tick(at("2026-03-02", "20:00", "America/Los_Angeles")).sent == 1


def test_snoozing_sends_it_again_then_returns_to_the_schedule(alice_ready, fake_push):
    with time_machine.travel(at("2026-03-02", "12:00", NY), tick=False):
        set_up(alice_ready, doses_on=True)
    assert tick(at("2026-03-03", "08:00", NY)).sent == 1
    row = Reminder.objects.get(kind="dose", local_time=dt.time(8))
    with time_machine.travel(at("2026-03-03", "08:02", NY), tick=False):
        assert services.reminder_snooze(user=alice_ready, reminder=row, minutes=15)
    assert tick(at("2026-03-03", "08:10", NY)).sent == 0
    assert tick(at("2026-03-03", "08:17", NY)).sent == 1
    assert fake_push.bodies() == ["Your 8 a.m. reminder.", "Your 8 a.m. reminder."]
    assert Reminder.objects.get(pk=row.pk).next_send_at == at("2026-03-04", "08:00", NY)


def test_goals_and_the_monthly_check_are_reminded_on_their_day_once(alice_ready, fake_push):
    with time_machine.travel(at("2026-03-02", "12:00", NY), tick=False):
        recovery.goal_save(user=alice_ready, text=recovery.GoalText(title="Walk the pier"))
        goal = recovery.goal_save(
            user=alice_ready, text=recovery.GoalText(title="Call Ana", due_date=dt.date(2026, 3, 4))
        )
        set_up(alice_ready, goals_at=dt.time(9, 0), barc_at=dt.time(10, 0), wording="plain")
    assert goal.due_date == dt.date(2026, 3, 4)
    tick(at("2026-03-03", "09:00", NY))
    tick(at("2026-03-03", "10:00", NY))  # the first BARC-10 is due from the profile's first day
    tick(at("2026-03-04", "09:00", NY))
    tick(at("2026-03-04", "10:00", NY))  # not again for the same due date
    assert fake_push.bodies() == [
        "Time for your monthly recovery strengths check (BARC-10).",
        "A recovery goal is due today: Call Ana",
    ]


def test_an_appointment_is_reminded_ahead_of_time_once(alice_ready, fake_push):
    with time_machine.travel(at("2026-03-02", "12:00", NY), tick=False):
        set_up(alice_ready, appointment_lead_minutes=60)
        tick(at("2026-03-02", "12:00", NY))
        recovery.appointment_save(user=alice_ready, day=dt.date(2026, 3, 2), at=dt.time(16, 30), title="Oak clinic")
    for clock in ("13:00", "14:00", "15:00", "15:30", "15:31", "16:00"):
        tick(at("2026-03-02", clock, NY))
    assert fake_push.bodies() == ["4:30 p.m.: you have something planned."]


def test_e_mail_reminders_are_discreet_and_link_only_to_the_front_page(alice, fake_push):
    with time_machine.travel(at("2026-03-02", "12:00", NY), tick=False):
        make_profile(alice, time_zone=NY)
        set_up(alice, channel="email", email="quiet@example.org", checkin_at=dt.time(20, 0))
    tick(at("2026-03-02", "20:00", NY))
    assert fake_push.sent == []
    [message] = mail.outbox
    assert message.to == ["quiet@example.org"]
    assert message.subject == "Time for your daily note."
    assert "https://help.example.org/\n" in message.body
    assert "recovery" not in message.body.lower()
    assert "waypoint" not in message.body.lower()


def test_a_failed_e_mail_is_retried(alice, fake_push, monkeypatch):
    with time_machine.travel(at("2026-03-02", "12:00", NY), tick=False):
        make_profile(alice, time_zone=NY)
        set_up(alice, channel="email", email="quiet@example.org", checkin_at=dt.time(20, 0))

    def broken(self, *args, **kwargs):
        raise OSError("mail server down")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", broken)
    assert tick(at("2026-03-02", "20:00", NY)).retried == 1
    monkeypatch.undo()
    assert tick(at("2026-03-02", "20:01", NY)).sent == 1
    assert len(mail.outbox) == 1


# --- notify_send (groups, insights) --------------------------------------------------------------


def test_notify_send_delivers_after_commit_in_the_chosen_words(
    alice_ready, fake_push, django_capture_on_commit_callbacks
):
    with time_machine.travel(at("2026-03-02", "12:00", NY), tick=False):
        set_up(alice_ready)
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            services.notify_send(
                user=alice_ready, kind="groups.struggling", discreet_text="Someone could use a kind word.",
                plain_text="Ana is having a hard time.", url="/en/groups/3/",
            )  # fmt: skip
        assert fake_push.sent == []  # not before the commit
        for callback in callbacks:
            callback()
    assert fake_push.bodies() == ["Someone could use a kind word."]
    assert fake_push.sent[0][1]["url"] == "/en/groups/3/"
    assert not Notice.objects.exists()  # nothing kept once sent


def test_notify_send_stores_nothing_when_nothing_could_reach_the_person(bob):
    services.notify_send(user=bob, kind="x", discreet_text="a", plain_text="b", url="/")
    assert not Notice.objects.exists()


def test_a_notice_in_quiet_hours_waits_and_one_too_old_is_dropped(alice_ready, fake_push):
    with time_machine.travel(at("2026-03-02", "12:00", NY), tick=False):
        set_up(alice_ready, quiet_start=dt.time(22, 0), quiet_end=dt.time(7, 0))
    with time_machine.travel(at("2026-03-02", "23:00", NY), tick=False):
        services.notify_send(user=alice_ready, kind="x", discreet_text="a", plain_text="b", url="/")
        delivery.tick()
    assert fake_push.sent == []
    assert tick(at("2026-03-03", "07:00", NY)).sent == 1
    with time_machine.travel(at("2026-03-03", "09:00", NY), tick=False):
        services.notify_send(user=alice_ready, kind="x", discreet_text="a", plain_text="b", url="/")
    assert tick(at("2026-03-03", "22:00", NY)).sent == 0  # 13 hours later: dropped, not sent
    assert not Notice.objects.exists()


def test_the_groups_app_reaches_phones_through_notify_send(alice_ready, fake_push):
    from waypoint.groups import notify

    with time_machine.travel(at("2026-03-02", "12:00", NY), tick=False):
        set_up(alice_ready)
        assert notify.struggling_push(recipients=[alice_ready], group_id=1, group_name="G", sender_name="Ana") == 1
        delivery.tick()
    assert fake_push.bodies() == ["Someone you know could use a kind word."]


def test_a_dose_time_added_on_the_profile_page_reaches_the_schedule_within_the_hour(alice_ready, fake_push):
    from waypoint.reminders import tasks

    with time_machine.travel(at("2026-03-02", "12:00", NY), tick=False):
        set_up(alice_ready, doses_on=True)
        recovery.profile_save(
            user=alice_ready, start_date=dt.date(2026, 2, 1), time_zone=NY, medication_kind="methadone",
            dose_times=["08:00", "14:00", "20:00"],
        )  # fmt: skip
        assert not Reminder.objects.filter(kind="dose", local_time=dt.time(14)).exists()
        assert tasks.reminders_resync.call_local() == 1
    row = Reminder.objects.get(kind="dose", local_time=dt.time(14))
    assert row.next_send_at == at("2026-03-02", "14:00", NY)  # later today
