import pytest
from django.core.exceptions import ImproperlyConfigured

from waypoint.env import env_bool, env_int, env_list, env_str


def test_it_reads_booleans_strictly(monkeypatch):
    for value, expected in [("true", True), ("1", True), ("YES", True), ("off", False), ("0", False)]:
        monkeypatch.setenv("WP_FLAG", value)
        assert env_bool("WP_FLAG") is expected
    monkeypatch.setenv("WP_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="WP_FLAG must be true or false"):
        env_bool("WP_FLAG")


def test_it_uses_the_default_when_unset_or_empty(monkeypatch):
    monkeypatch.delenv("WP_MISSING", raising=False)
    assert env_bool("WP_MISSING", True) is True
    monkeypatch.setenv("WP_MISSING", "")
    assert env_int("WP_MISSING", 7) == 7
    assert env_str("WP_MISSING", "x") == "x"
    assert env_list("WP_MISSING", ["a"]) == ["a"]


def test_it_checks_whole_numbers_and_bounds(monkeypatch):
    monkeypatch.setenv("WP_NUMBER", "12")
    assert env_int("WP_NUMBER", 1, minimum=1, maximum=20) == 12
    monkeypatch.setenv("WP_NUMBER", "twelve")
    with pytest.raises(ImproperlyConfigured, match="whole number"):
        env_int("WP_NUMBER", 1)
    monkeypatch.setenv("WP_NUMBER", "0")
    with pytest.raises(ImproperlyConfigured, match="at least 1"):
        env_int("WP_NUMBER", 1, minimum=1)
    monkeypatch.setenv("WP_NUMBER", "99")
    with pytest.raises(ImproperlyConfigured, match="at most 20"):
        env_int("WP_NUMBER", 1, maximum=20)


def test_it_splits_lists_and_drops_blanks(monkeypatch):
    monkeypatch.setenv("WP_HOSTS", " a.example.org, ,b.example.org ")
    assert env_list("WP_HOSTS") == ["a.example.org", "b.example.org"]


def test_it_reads_secrets_from_a_file(monkeypatch, tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("s3cret-value\n", encoding="utf-8")
    monkeypatch.delenv("WP_SECRET", raising=False)
    monkeypatch.setenv("WP_SECRET_FILE", str(secret))
    assert env_str("WP_SECRET") == "s3cret-value"


def test_it_refuses_a_value_and_a_file_together(monkeypatch, tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("a", encoding="utf-8")
    monkeypatch.setenv("WP_SECRET", "b")
    monkeypatch.setenv("WP_SECRET_FILE", str(secret))
    with pytest.raises(ImproperlyConfigured, match="not both"):
        env_str("WP_SECRET")


def test_it_names_an_unreadable_secret_file(monkeypatch, tmp_path):
    monkeypatch.delenv("WP_SECRET", raising=False)
    monkeypatch.setenv("WP_SECRET_FILE", str(tmp_path / "absent"))
    with pytest.raises(ImproperlyConfigured, match="WP_SECRET_FILE: cannot read"):
        env_str("WP_SECRET")
