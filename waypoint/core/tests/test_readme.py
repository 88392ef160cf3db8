"""The README tells the truth: every setting is in its table, and every command it and
the docs show works as written after `make run` on a fresh clone."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from waypoint.core.testing import shared_data_path, skip_or_fail

ROOT = Path(__file__).resolve().parents[3]


def test_it_documents_every_environment_variable_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    settings_source = (ROOT / "waypoint" / "settings.py").read_text(encoding="utf-8")
    names = set(re.findall(r'env_(?:str|bool|int|list)\(\s*"([A-Z_]+)"', settings_source))
    assert len(names) > 20
    missing = sorted(name for name in names if f"`{name}`" not in readme and name not in readme)
    assert missing == [], f"README's configuration table lacks: {missing}"


def test_it_gives_the_two_commands_and_ci_calls_the_test_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make run" in readme
    assert "make test" in readme
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


# --- Every command the README and docs show works verbatim after `make run` -------------
# (issue 17 item 1, issue 15 item 9). Commands to type are written in ```sh blocks; this
# test finds every one of them, starts `make run` the way a new operator does (DEBUG off,
# nothing configured, its own var/ folder and SQLite database), and runs each command as
# written while the demo is up.

DOCUMENTS = [ROOT / "README.md", ROOT / "CONTRIBUTING.md", *sorted((ROOT / "docs").glob("*.md"))]
SH_BLOCK = re.compile(r"```sh\n(.*?)```", re.S)
# Make targets a test cannot run inside the suite: checked with `make -n` (the target
# exists and its recipe expands) instead.
DRY_RUN_TARGETS = {
    "run": "started once for the whole module, below",
    "test": "runs this very suite",
    "lint": "checks the whole tree (CI runs it)",
    "bench": "minutes of benchmarks (make bench)",
}
# Settings a fresh clone does not have: the commands must work without them.
UNSET = ["DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL", "LOCAL_DEMO", "ENCRYPTION_KEYS",
         "HTTPS", "TRUSTED_PROXIES", "WEB_CONCURRENCY", "CSRF_TRUSTED_ORIGINS", "PORT", "HOST"]  # fmt: skip


def documented_commands() -> list[tuple[str, str]]:
    """(document, command) for every line of every ```sh block."""
    found = []
    for path in DOCUMENTS:
        for block in SH_BLOCK.findall(path.read_text(encoding="utf-8")):
            for line in block.splitlines():
                command = re.sub(r"\s+#\s.*$", "", line).strip()
                if command and not command.startswith("#"):
                    found.append((str(path.relative_to(ROOT)), command))
    return found


def test_it_shows_commands_in_a_form_that_runs_as_written():
    commands = documented_commands()
    assert ("README.md", "make import-directory") in commands
    for document, command in commands:
        # A bare `python` needs an activated virtualenv: documents use .venv/bin/python.
        assert command.startswith(("make ", ".venv/bin/python ")), f"{document}: {command}"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def fresh_demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """`make run` as a new operator starts it: nothing set, its own var/ folder."""
    make = shutil.which("make")
    if make is None:
        skip_or_fail("make is needed to run the documented commands")
        return
    shared_data_path("samhsa", "otp-directory-2021.csv")
    if subprocess.run([make, "-q", "install"], cwd=ROOT, check=False).returncode != 0:  # noqa: S603
        skip_or_fail("the checkout's dependencies are not installed (make install): not reinstalling in a test")
    env = {key: value for key, value in os.environ.items() if key not in UNSET}
    env["WAYPOINT_VAR_DIR"] = str(tmp_path_factory.mktemp("fresh-clone-var"))
    port = _free_port()
    log = (tmp_path_factory.mktemp("make-run") / "make-run.log").open("w")
    server = subprocess.Popen(  # noqa: S603
        [make, "run", f"PORT={port}"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 600
        while True:
            try:
                if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                log.flush()
                pytest.fail("make run did not start:\n" + Path(log.name).read_text(encoding="utf-8")[-3000:])
            time.sleep(1)
        yield {**env, "BASE_URL": base}
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGINT)  # serve.py stops uvicorn and the task consumer
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()
        log.close()


def test_make_run_never_shows_a_debug_page(fresh_demo: dict[str, str]) -> None:
    base = fresh_demo["BASE_URL"]
    missing = httpx.get(f"{base}/en/no-such-page/", timeout=30)
    assert missing.status_code == 404
    assert "URLconf" not in missing.text  # Django's debug 404 page lists the URL patterns
    many = "&".join(f"p{n}=1" for n in range(1500))  # over DATA_UPLOAD_MAX_NUMBER_FIELDS
    for path in ["/en/meetings/", "/en/treatment/", "/api/v1/facilities"]:
        response = httpx.get(f"{base}{path}?{many}", timeout=30)
        assert response.status_code >= 400, path
        assert "Traceback" not in response.text, path
        assert "TooManyFieldsSent" not in response.text, path


def _parses(command: str) -> None:
    """A command that needs the internet: its arguments must parse (it is not run)."""
    from django.core.management import get_commands, load_command_class

    words = shlex.split(command)
    assert words[:2] == [".venv/bin/python", "manage.py"], command
    assert "example.org" in command, "documents use example.org for a server they do not run"

    app = get_commands()[words[2]]
    load_command_class(app, words[2]).create_parser("manage.py", words[2]).parse_args(words[3:])


def test_every_documented_command_works_as_written_after_make_run(fresh_demo: dict[str, str]) -> None:
    failures = []
    for document, command in documented_commands():
        words = shlex.split(command)
        if words[0] == "make" and words[1] in DRY_RUN_TARGETS:
            check = [str(shutil.which("make")), "-n", *words[1:]]
        elif "://" in command:
            _parses(command)
            continue
        else:
            check = [str(shutil.which("bash")), "-c", command]
        done = subprocess.run(  # noqa: S603
            check, cwd=ROOT, env=fresh_demo, capture_output=True, text=True, timeout=900, check=False
        )
        if done.returncode != 0 or "Traceback" in done.stderr:
            failures.append(f"{document}: {command} → exit {done.returncode}\n{done.stderr[-1500:]}")
    assert failures == [], "\n\n".join(failures)
