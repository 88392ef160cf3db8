"""var/ and everything Waypoint creates in it are readable by its own user only
(issue 15, item 12): the SQLite database holds accounts.

Each test starts a fresh Python process, as `make run` does, with a umask that lets
files be world-readable (the usual 022), so only Waypoint's own start-up can make them
private.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]

START = """
import json, os, sys
os.umask(0o022)
import django
django.setup()
from django.db import connection
from huey.contrib.djhuey import HUEY
with connection.cursor() as cursor:
    cursor.execute("CREATE TABLE IF NOT EXISTS probe (x integer)")
    cursor.execute("INSERT INTO probe VALUES (1)")
    HUEY.storage.enqueue(b"probe")
    var = os.environ["WAYPOINT_VAR_DIR"]
    # While the connection is open, SQLite's -wal and -shm files exist.
    print(json.dumps({name: os.stat(os.path.join(var, name)).st_mode & 0o777 for name in os.listdir(var)}
                     | {".": os.stat(var).st_mode & 0o777}))
"""


def _start(var_dir: Path) -> dict[str, int]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "SECRET_KEY", "ENCRYPTION_KEYS"} and not key.endswith("_FILE")
    }
    env.update(
        {
            "WAYPOINT_VAR_DIR": str(var_dir),
            "DJANGO_SETTINGS_MODULE": "waypoint.settings",
            "DEBUG": "true",
            "PYTHONPATH": str(ROOT),
        }
    )
    done = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", START], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return {name: int(mode) for name, mode in json.loads(done.stdout.strip().splitlines()[-1]).items()}


def _readable_by_others(mode: int) -> bool:
    return bool(mode & (stat.S_IRWXG | stat.S_IRWXO))


def test_a_fresh_var_directory_and_every_file_in_it_are_owner_only(tmp_path):
    modes = _start(tmp_path / "var")
    assert modes["."] == 0o700
    for name in ("waypoint.sqlite3", "waypoint.sqlite3-wal", "waypoint.sqlite3-shm", "tasks.sqlite3", "secret_key"):
        assert name in modes, sorted(modes)
    leaks = {name: oct(mode) for name, mode in modes.items() if name != "." and _readable_by_others(mode)}
    assert leaks == {}


def test_an_older_world_readable_install_is_tightened_at_start_up(tmp_path):
    var = tmp_path / "var"
    var.mkdir(mode=0o755)
    var.chmod(0o755)
    for name in ("waypoint.sqlite3", "tasks.sqlite3"):
        (var / name).touch()
        (var / name).chmod(0o644)
    modes = _start(var)
    assert modes["."] == 0o700
    assert modes["waypoint.sqlite3"] == 0o600
    assert modes["tasks.sqlite3"] == 0o600
    assert not _readable_by_others(modes["waypoint.sqlite3-wal"])
