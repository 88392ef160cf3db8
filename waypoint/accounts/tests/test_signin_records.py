"""Sign-in records keep no browser details, and nothing longer than a lockout needs
(issue 15, item 11)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.utils import timezone
from huey.api import PeriodicTask

from waypoint.accounts import tasks
from waypoint.accounts.models import AttemptCounter
from waypoint.core.tests.personas import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = "/en/account/login/"
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) UniqueBrowser/1.0"


def test_a_failed_sign_in_stores_no_user_agent(client, owner):
    client.post(LOGIN, {"username": owner.username, "password": "wrong-wrong"}, HTTP_USER_AGENT=BROWSER)
    attempt = AccessAttempt.objects.get()
    assert attempt.user_agent == ""
    assert attempt.http_accept == ""


def test_a_successful_sign_in_leaves_no_record(client, owner):
    client.post(LOGIN, {"username": owner.username, "password": PASSWORD}, HTTP_USER_AGENT=BROWSER)
    assert client.get("/en/account/").status_code == 200
    assert not AccessLog.objects.exists()
    assert not AccessFailureLog.objects.exists()


def test_the_purge_keeps_only_what_a_lockout_still_needs(client, owner):
    old = timezone.now() - settings.AXES_COOLOFF_TIME - timedelta(minutes=1)
    stale = AccessAttempt.objects.create(username="someone", ip_address="198.51.100.1", failures_since_start=3)
    AccessAttempt.objects.filter(pk=stale.pk).update(attempt_time=old)  # auto_now_add on create
    client.post(LOGIN, {"username": owner.username, "password": "wrong-wrong"})
    fresh = AccessAttempt.objects.get(username=owner.username)
    # Rows from before sign-ins stopped being logged (with the browser, kept for ever).
    AccessLog.objects.create(username=owner.username, ip_address="198.51.100.1", user_agent=BROWSER)
    AccessFailureLog.objects.create(username=owner.username, ip_address="198.51.100.1", user_agent=BROWSER)
    AttemptCounter.objects.create(key="address:expired", count=4, expires_at=timezone.now() - timedelta(seconds=1))
    live_counters = AttemptCounter.objects.filter(expires_at__gt=timezone.now()).count()
    assert live_counters >= 2  # the wrong password above: its address and its account

    tasks.signin_records_purge()

    assert not AccessAttempt.objects.filter(pk=stale.pk).exists()
    assert AccessAttempt.objects.filter(pk=fresh.pk).exists()  # its lockout may still be running
    assert not AccessLog.objects.exists()
    assert not AccessFailureLog.objects.exists()
    assert not AttemptCounter.objects.filter(key="address:expired").exists()
    assert AttemptCounter.objects.count() == live_counters


def test_the_purge_runs_every_few_minutes():
    task = tasks.signin_records_purge
    assert isinstance(task.task_class(), PeriodicTask)
    every_minute = [timezone.datetime(2026, 12, 1, 10, minute) for minute in range(60)]
    runs = [moment for moment in every_minute if task.task_class().validate_datetime(moment)]
    assert len(runs) == 12


def test_the_privacy_page_says_how_long_sign_in_records_are_kept(client):
    page = client.get("/en/about/").content.decode()
    assert "we keep the network address and the time only as long as needed" in page
    assert "never what browser or device" in page
