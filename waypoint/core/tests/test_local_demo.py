"""`make run`'s local demo: DEBUG off, the generated keys accepted on loopback only, and
production still refusing unsafe settings (issue 15 item 9, issue 17 item 1)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from django.core.checks import run_checks
from django.test import override_settings

ROOT = Path(__file__).resolve().parents[3]
LOOPBACK = ["127.0.0.1", "localhost", "[::1]"]
GOOD_KEY = "k3Jd9-fjw0QpZ7x_Vb1mN4rT8yL2cE6aH5sU0oI9gWqzXe3RtYuP"


def _ids() -> set[str]:
    return {message.id for message in run_checks(tags=["waypoint"]) if message.id}


@override_settings(
    DEBUG=False, LOCAL_DEMO=True, SECRET_KEY_GENERATED=True, ENCRYPTION_KEYS_GENERATED=True, ALLOWED_HOSTS=LOOPBACK
)
def test_the_local_demo_accepts_its_generated_keys_on_loopback() -> None:
    assert not _ids() & {"waypoint.E001", "waypoint.E003", "waypoint.E004", "waypoint.E007"}


@override_settings(
    DEBUG=False,
    LOCAL_DEMO=True,
    SECRET_KEY_GENERATED=True,
    ENCRYPTION_KEYS_GENERATED=True,
    ALLOWED_HOSTS=[*LOOPBACK, "help.example.org"],
)
def test_the_local_demo_refuses_to_answer_other_hosts() -> None:
    assert "waypoint.E007" in _ids()


@override_settings(DEBUG=False, LOCAL_DEMO=True, SECRET_KEY_GENERATED=True, ALLOWED_HOSTS=LOOPBACK, HTTPS=True)
def test_the_local_demo_is_not_an_https_deployment() -> None:
    assert "waypoint.E007" in _ids()


@override_settings(
    DEBUG=False, LOCAL_DEMO=False, SECRET_KEY_GENERATED=True, ENCRYPTION_KEYS_GENERATED=True, ALLOWED_HOSTS=[]
)
def test_production_still_refuses_generated_keys_and_no_hosts() -> None:
    assert {"waypoint.E001", "waypoint.E003", "waypoint.E004"} <= _ids()


def _settings_in(var_dir: Path) -> str:
    """LOCAL_DEMO and ALLOWED_HOSTS as `manage.py` sees them, with nothing configured."""
    env = {key: value for key, value in os.environ.items() if key not in {"DEBUG", "LOCAL_DEMO", "ALLOWED_HOSTS"}}
    env["WAYPOINT_VAR_DIR"] = str(var_dir)
    code = "from django.conf import settings; print(settings.DEBUG, settings.LOCAL_DEMO, settings.ALLOWED_HOSTS)"
    done = subprocess.run(  # noqa: S603 - our own manage.py
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return done.stdout.strip().splitlines()[-1]


def test_commands_typed_after_make_run_are_part_of_its_demo(tmp_path: Path) -> None:
    """`make run` leaves var/local-demo; manage.py reads it, so the README's commands run in
    another shell without DEBUG and without the production checks stopping them."""
    (tmp_path / "local-demo").write_text("make run\n", encoding="utf-8")
    assert _settings_in(tmp_path) == "False True ['127.0.0.1', 'localhost', '[::1]']"
    (tmp_path / "local-demo").unlink()
    assert _settings_in(tmp_path) == "False False []"


def test_make_run_serves_with_debug_off() -> None:
    """The Makefile no longer turns DEBUG on (a request with 1,000+ parameters gave a
    12–20 s traceback page); test_readme.py also runs `make run` itself."""
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    run = makefile[makefile.index("\nrun:") : makefile.index("\nlocal-demo:")]
    assert "DEBUG=$${DEBUG:-false}" in run
    assert "DEBUG=true" not in run
