import pytest
from django.core.checks import run_checks
from django.test import override_settings

GOOD_KEY = "k3Jd9-fjw0QpZ7x_Vb1mN4rT8yL2cE6aH5sU0oI9gWqzXe3RtYuP"


@pytest.fixture(autouse=True)
def _encryption_key_set_by_the_operator(settings):
    """These tests are about the other settings: the encryption key counts as the operator's
    own (waypoint/core/tests/test_encryption.py tests the generated one)."""
    settings.ENCRYPTION_KEYS_GENERATED = False


def _waypoint_errors():
    return sorted(message.id for message in run_checks(tags=["waypoint"]))


@override_settings(DEBUG=False, SECRET_KEY=GOOD_KEY, SECRET_KEY_GENERATED=False, ALLOWED_HOSTS=["help.example.org"])
def test_it_accepts_a_safe_production_configuration():
    assert _waypoint_errors() == []


@override_settings(DEBUG=False, SECRET_KEY=GOOD_KEY, SECRET_KEY_GENERATED=True, ALLOWED_HOSTS=["help.example.org"])
def test_it_refuses_a_generated_secret_key_with_debug_off():
    assert _waypoint_errors() == ["waypoint.E001"]


@override_settings(DEBUG=False, SECRET_KEY="django-insecure-abc", SECRET_KEY_GENERATED=False, ALLOWED_HOSTS=["x"])
def test_it_refuses_a_default_secret_key():
    assert _waypoint_errors() == ["waypoint.E001"]


@override_settings(DEBUG=False, SECRET_KEY="short", SECRET_KEY_GENERATED=False, ALLOWED_HOSTS=["x"])
def test_it_refuses_a_short_secret_key():
    assert _waypoint_errors() == ["waypoint.E001"]


@override_settings(
    DEBUG=False, SECRET_KEY=GOOD_KEY, SECRET_KEY_GENERATED=False, ALLOWED_HOSTS=["x"], WEB_CONCURRENCY=4, REDIS_URL=""
)
def test_it_refuses_several_workers_without_redis():
    assert _waypoint_errors() == ["waypoint.E002"]


@override_settings(
    DEBUG=False,
    SECRET_KEY=GOOD_KEY,
    SECRET_KEY_GENERATED=False,
    ALLOWED_HOSTS=["x"],
    WEB_CONCURRENCY=4,
    REDIS_URL="redis://127.0.0.1:6379/0",
)
def test_it_allows_several_workers_with_redis():
    assert _waypoint_errors() == []


@override_settings(DEBUG=False, SECRET_KEY=GOOD_KEY, SECRET_KEY_GENERATED=False, ALLOWED_HOSTS=[])
def test_it_refuses_missing_allowed_hosts():
    assert _waypoint_errors() == ["waypoint.E003"]


@override_settings(DEBUG=True, SECRET_KEY_GENERATED=True, ALLOWED_HOSTS=[], WEB_CONCURRENCY=1)
def test_it_lets_a_local_debug_install_run():
    assert _waypoint_errors() == []


def test_a_broken_helplines_file_stops_start_up(settings, tmp_path):
    from django.core.checks import run_checks

    bad = tmp_path / "helplines.yaml"
    bad.write_text("emergency: {number: '911'}\nlines:\n  - {id: x, number: '1', role: nonsense}\n", encoding="utf-8")
    settings.HELPLINES_FILE = str(bad)
    assert "waypoint.E008" in [error.id for error in run_checks()]
    settings.HELPLINES_FILE = ""
    assert "waypoint.E008" not in [error.id for error in run_checks()]


def test_it_warns_when_a_proxy_is_trusted_for_https_but_not_listed(settings):
    from django.core.checks import run_checks

    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.TRUSTED_PROXIES = []
    assert "waypoint.W001" in [message.id for message in run_checks()]
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    assert "waypoint.W001" not in [message.id for message in run_checks()]
