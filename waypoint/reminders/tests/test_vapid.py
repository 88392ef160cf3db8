"""The VAPID key pair: generated once into var/ owner-only, or configured (with _FILE);
malformed or mismatched keys stop start-up."""

from __future__ import annotations

import io
import stat

import pytest
from django.core.checks import run_checks
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from waypoint.reminders import vapid


def _ids(prefix: str = "reminders.") -> list[str]:
    return [message.id for message in run_checks() if (message.id or "").startswith(prefix)]


def test_a_key_is_generated_once_into_var_owner_only(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    settings.VAPID_PRIVATE_KEY = ""
    vapid.forget()
    first = vapid.vapid_keys()
    path = tmp_path / vapid.KEY_FILE_NAME
    assert first.generated
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    text = path.read_text()
    vapid.forget()
    assert vapid.vapid_keys().public_key == first.public_key  # kept, never remade
    assert path.read_text() == text
    assert len(vapid.b64url(b"")) == 0
    assert len(first.public_key) == 87


def test_the_command_makes_the_key_and_prints_a_pair_for_production(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    settings.VAPID_PRIVATE_KEY = ""
    vapid.forget()
    out = io.StringIO()
    call_command("vapid_keys", stdout=out)
    assert (tmp_path / vapid.KEY_FILE_NAME).exists()
    assert "Public key:" in out.getvalue()
    printed = io.StringIO()
    call_command("vapid_keys", "--print", stdout=printed)
    lines = dict(line.split("=", 1) for line in printed.getvalue().split())
    settings.VAPID_PRIVATE_KEY, settings.VAPID_PUBLIC_KEY = lines["VAPID_PRIVATE_KEY"], lines["VAPID_PUBLIC_KEY"]
    vapid.forget()
    assert vapid.vapid_keys().public_key == lines["VAPID_PUBLIC_KEY"]


def test_a_pem_key_is_accepted(settings):
    settings.VAPID_PRIVATE_KEY = vapid.new_private_pem().decode()
    vapid.forget()
    assert not vapid.vapid_keys().generated


def test_malformed_or_mismatched_keys_stop_start_up(settings):
    settings.VAPID_PRIVATE_KEY = "not a key"
    vapid.forget()
    with pytest.raises(ImproperlyConfigured):
        vapid.vapid_keys()
    assert "reminders.E001" in _ids()
    settings.VAPID_PRIVATE_KEY = vapid.new_private_raw()
    settings.VAPID_PUBLIC_KEY = "BAAA"
    assert "reminders.E001" in _ids()
    settings.VAPID_PUBLIC_KEY = ""
    assert _ids() == []


def test_a_generated_key_is_a_warning_in_production(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    settings.VAPID_PRIVATE_KEY = ""
    settings.DEBUG = False
    settings.LOCAL_DEMO = False
    assert "reminders.W001" in _ids()
    settings.LOCAL_DEMO = True
    assert "reminders.W001" not in _ids()
