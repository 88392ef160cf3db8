"""The reminder settings page (no JavaScript needed), the device endpoints its script
calls, "Send me a test", and snoozing."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client
from django.urls import reverse

from waypoint.core import userdata
from waypoint.recovery.tests.conftest import make_profile
from waypoint.reminders.models import Notice, PushSubscription, Reminder, ReminderSettings
from waypoint.reminders.tests.conftest import ENDPOINT, browser_keys, set_up, subscribe

pytestmark = pytest.mark.django_db
URL = "/en/reminders/"


def post_settings(client, **overrides):
    data = {"channel": "push", "wording": "discreet", "checkin_on": "on", "checkin_at": "20:30", "doses_on": "on"}
    data.update(overrides)
    return client.post(URL, {k: v for k, v in data.items() if v is not None})


def test_the_page_works_without_javascript_and_is_never_cached(alice, alice_client):
    make_profile(alice, medication_kind="methadone", dose_times=["08:00"])
    page = alice_client.get(URL)
    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"]
    body = page.content.decode()
    assert 'name="checkin_on"' in body
    assert "iOS or iPadOS 16.4" in body
    assert "08:00" in body  # the profile's dose time, shown beside its switch
    response = post_settings(alice_client)
    assert response.status_code == 302
    preference = ReminderSettings.objects.get(user=alice)
    assert (preference.checkin_at, preference.doses_on, preference.wording) == (dt.time(20, 30), True, "discreet")
    assert sorted(r.kind for r in Reminder.objects.filter(user=alice)) == ["checkin", "dose"]
    assert "Coming up" in alice_client.get(URL).content.decode()


def test_discreet_words_are_chosen_by_default(alice, alice_client):
    body = alice_client.get(URL).content.decode()
    assert 'value="discreet" id="id_wording_0" checked' in body or "checked" in body.split('value="discreet"')[1][:60]


def test_e_mail_needs_an_address_and_is_stored_encrypted(alice, alice_client):
    from django.db import connection

    make_profile(alice)
    response = post_settings(alice_client, channel="email", email="")
    assert response.status_code == 400
    post_settings(alice_client, channel="email", email="quiet@example.org")
    preference = ReminderSettings.objects.get(user=alice)
    with connection.cursor() as cursor:
        cursor.execute("SELECT email FROM reminders_remindersettings WHERE id = %s", [preference.pk])
        raw = cursor.fetchone()[0]
    assert raw.startswith("wp1:")
    assert "quiet" not in raw
    assert preference.email == "quiet@example.org"
    assert preference.origin == "http://testserver"


def test_quiet_hours_need_both_ends(alice, alice_client):
    make_profile(alice)
    assert post_settings(alice_client, quiet_start="22:00").status_code == 400


def test_the_script_subscribes_and_unsubscribes_this_browser(alice):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    client.get(URL)  # sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    _private, p256dh, _secret, auth = browser_keys()
    body = {"endpoint": ENDPOINT + "abc", "keys": {"p256dh": p256dh, "auth": auth}}
    refused = client.post(reverse("reminders:device_subscribe"), json.dumps(body), content_type="application/json")
    assert refused.status_code == 403  # no CSRF token: refused
    created = client.post(
        reverse("reminders:device_subscribe"), json.dumps(body), content_type="application/json", HTTP_X_CSRFTOKEN=token
    )
    assert created.status_code == 201
    assert PushSubscription.objects.get(user=alice).endpoint == ENDPOINT + "abc"
    assert ReminderSettings.objects.get(user=alice).channel == "push"
    gone = client.post(
        reverse("reminders:device_unsubscribe"), json.dumps({"endpoint": ENDPOINT + "abc"}),
        content_type="application/json", HTTP_X_CSRFTOKEN=token,
    )  # fmt: skip
    assert gone.json() == {"removed": 1}
    assert not PushSubscription.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        {"endpoint": "https://127.0.0.1:6379/", "keys": {"p256dh": "x", "auth": "y"}},
        {"endpoint": ENDPOINT + "x", "keys": {"p256dh": "short", "auth": "short"}},
        {"endpoint": ENDPOINT + "x"},
        "not an object",
    ],
)
def test_a_subscription_it_cannot_use_is_refused(alice_client, body):
    response = alice_client.post(
        reverse("reminders:device_subscribe"), json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 400
    assert not PushSubscription.objects.exists()


def test_a_device_is_removed_by_its_owner_only(alice, bob_client, alice_client):
    device = subscribe(alice)
    url = reverse("reminders:device_remove", kwargs={"subscription_id": device.pk})
    assert bob_client.post(url).status_code == 404
    assert PushSubscription.objects.filter(pk=device.pk).exists()
    assert alice_client.post(url).status_code == 302
    assert not PushSubscription.objects.filter(pk=device.pk).exists()


def test_send_me_a_test_sends_one_now(alice, alice_client, fake_push, django_capture_on_commit_callbacks):
    assert (
        alice_client.post(reverse("reminders:test"), follow=True).content.decode().count("Nothing can reach you yet")
        == 1
    )
    subscribe(alice)
    with django_capture_on_commit_callbacks(execute=True):
        response = alice_client.post(reverse("reminders:test"), follow=True)
    assert "A test is on its way" in response.content.decode()
    assert fake_push.bodies() == ["This is a test. Reminders work on this device."]
    assert not Notice.objects.exists()


def test_the_snooze_page_snoozes_the_persons_own_reminder(alice, alice_client, bob_client):
    make_profile(alice)
    set_up(alice, checkin_at=dt.time(20, 0))
    reminder = Reminder.objects.get(user=alice)
    url = reverse("reminders:snooze", kwargs={"reminder_id": reminder.pk})
    assert bob_client.get(url).status_code == 404
    assert bob_client.post(url, {"minutes": "60"}).status_code == 404
    assert alice_client.get(url).status_code == 200
    assert alice_client.post(url, {"minutes": "60"}).status_code == 302
    assert Reminder.objects.get(pk=reminder.pk).snoozed


def test_my_data_exports_and_deletes_everything(alice, bob):
    make_profile(alice)
    set_up(alice, channel="both", email="quiet@example.org", checkin_at=dt.time(20, 0))
    subscribe(alice)
    subscribe(bob)
    provider = next(p for p in userdata.providers() if p.key == "reminders.settings")
    exported = provider.export(alice)
    assert exported["settings"]["email"] == "quiet@example.org"
    assert [r["kind"] for r in exported["reminders"]] == ["checkin"]
    assert len(exported["devices"]) == 1
    assert provider.remove(alice) >= 3
    assert not ReminderSettings.objects.filter(user=alice).exists()
    assert not Reminder.objects.filter(user=alice).exists()
    assert PushSubscription.objects.filter(user=bob).count() == 1
