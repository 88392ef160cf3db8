"""Logs never hold health data (waypoint/core/logging.py): a realistic session — sign-in,
self-check answers, a check-in note, a journal entry, a group message, searches — with
every logger at DEBUG (as LOG_LEVEL=DEBUG sets them) writes none of what was entered; and
the formatters, the filter and the task consumer's handlers do what they say."""

from __future__ import annotations

import io
import json
import logging
import logging.config
import os
import re
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from waypoint.core.logging import JsonFormatter, PlainFormatter, PrivacyFilter, logging_config
from waypoint.core.tests.personas import PASSWORD, UserFactory, client_for

ROOT = Path(__file__).resolve().parents[3]

NOTE = "Argued with my brother and almost called my old dealer"
JOURNAL = "Counted 41 days clean on the ferry home"
GROUP = "Thank you all for Tuesday, the cravings eased"
SEARCH = "buprenorphine-pregnancy-marker"
FAILED = "my-secret-reason-for-failing"


class Capture:
    """Production's logging with LOG_LEVEL=DEBUG and JSON lines, written into a buffer
    from `start()` on (the test's own set-up — factories — logs what it likes)."""

    def __init__(self) -> None:
        self.stream = io.StringIO()

    def start(self) -> None:
        config = logging_config(log_format="json", level="DEBUG")
        config["handlers"]["console"]["stream"] = self.stream
        logging.config.dictConfig(config)


@pytest.fixture
def captured() -> Iterator[Capture]:
    capture = Capture()
    try:
        yield capture
    finally:
        logging.config.dictConfig(settings.LOGGING)


def _lines(stream: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]


def _form_token(html: str) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)


@pytest.mark.django_db
def test_a_whole_session_logged_at_debug_holds_nothing_that_was_entered(captured, client):
    from waypoint.groups.tests.helpers import make_group
    from waypoint.recovery.tests.access_samples import openapi_samples
    from waypoint.screening.tests.helpers import answers_for_total, instrument

    person = UserFactory(username="quiet-heron-77")
    friend = UserFactory(username="calm-otter-12")
    samples = openapi_samples(person)
    lead = make_group(person, friend)
    captured.start()

    # Sign-in through the form (a wrong password first), as a browser does.
    page = client.get("/en/account/login/")
    client.post(
        "/en/account/login/",
        {"username": person.username, "password": FAILED, "csrfmiddlewaretoken": _form_token(page.content.decode())},
    )
    page = client.get("/en/account/login/")
    signed_in = client.post(
        "/en/account/login/",
        {"username": person.username, "password": PASSWORD, "csrfmiddlewaretoken": _form_token(page.content.decode())},
    )
    assert signed_in.status_code == 302

    # A self-check, answered.
    oud = instrument("oud-self-check")
    answers = answers_for_total(oud, 5)
    assert client.post("/en/check/oud-self-check/", answers).status_code == 200

    # A check-in with a note, and a journal entry (the API, as the installable app sends them).
    checkin = client.post(
        "/api/v1/me/checkins",
        {"client_id": str(uuid.uuid4()), "date": samples["today"], "mood": 2, "craving": 7, "note": NOTE},
        content_type="application/json",
        HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value,
    )
    assert checkin.status_code in (200, 201), checkin.content
    journal = client.post(
        "/api/v1/me/journal",
        {"text": JOURNAL, "mood": 3},
        content_type="application/json",
        HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value,
    )
    assert journal.status_code in (200, 201), journal.content

    # A group message, through the group page's plain form, from the other member.
    other = client_for(friend)
    room = f"/en/groups/{lead.group_id}/"
    token = _form_token(other.get(room).content.decode())
    posted = other.post(f"{room}post/", {"text": GROUP, "ref": "log-test-1", "csrfmiddlewaretoken": token})
    assert posted.status_code == 302

    # Searches, on pages and in the API, and a page that is not there.
    client.get(f"/en/guide/?q={SEARCH}", follow=True)
    client.get(f"/en/treatment/?near=22902&q={SEARCH}", follow=True)
    client.get(f"/en/meetings/?near=22902&q={SEARCH}", follow=True)
    client.get(f"/api/v1/articles?q={SEARCH}&lang=en")
    client.get(f"/en/no-such-page/?q={SEARCH}")

    # The capture works at DEBUG (else the scan below would prove nothing).
    logging.getLogger("waypoint.canary").debug("canary at debug")
    lines = _lines(captured.stream)
    assert any(line["message"] == "canary at debug" for line in lines)
    text = captured.stream.getvalue()
    entered = [NOTE, JOURNAL, GROUP, SEARCH, FAILED, PASSWORD, person.username, friend.username]
    entered += [key for key in answers if len(key) > 4]  # the self-check's questions, by their keys
    found = [word for word in entered if word.lower() in text.lower()]
    assert found == [], f"logged: {found}\n{text[-3000:]}"
    for line in lines:
        assert set(line) <= {"time", "level", "logger", "message", "process", "status_code", "exc_info"}, line


def test_a_query_string_is_cut_from_any_message():
    record = logging.LogRecord(
        "x", logging.WARNING, __file__, 1, "upstream failed for %s", ("/en/treatment/?near=22902&q=detox",), None
    )
    assert PrivacyFilter().filter(record)
    assert record.getMessage() == "upstream failed for /en/treatment/"
    plain = logging.LogRecord("x", logging.INFO, __file__, 1, "Is it down? Yes.", (), None)
    assert PrivacyFilter().filter(plain)
    assert plain.getMessage() == "Is it down? Yes."


def test_uvicorns_per_connection_lines_are_dropped():
    """With --no-access-log uvicorn still writes each WebSocket's path and query at INFO."""
    record = logging.LogRecord(
        "uvicorn.error",
        logging.INFO,
        __file__,
        1,
        '%s - "WebSocket %s" [accepted]',
        ("127.0.0.1:5000", "/ws/groups/5/?after=3"),
        None,
    )
    assert PrivacyFilter().filter(record) is False
    access = logging.LogRecord("uvicorn.access", logging.INFO, __file__, 1, "%s", ("GET /?q=x",), None)
    assert PrivacyFilter().filter(access) is False


def test_the_request_django_attaches_is_never_written():
    from django.test import RequestFactory

    request = RequestFactory().get("/en/guide/?q=" + SEARCH)
    record = logging.LogRecord(
        "django.request", logging.ERROR, __file__, 1, "Internal Server Error: %s", (request.path,), None
    )
    record.request = request
    record.status_code = 500
    line = json.loads(JsonFormatter().format(record))
    assert line["status_code"] == 500
    assert "request" not in line
    assert SEARCH not in json.dumps(line)


@pytest.mark.parametrize("formatter", [JsonFormatter(), PlainFormatter()], ids=["json", "plain"])
def test_exception_messages_are_withheld_but_the_stack_is_kept(formatter, settings):
    settings.DEBUG = False
    try:
        try:
            int(NOTE)
        except ValueError as inner:
            raise RuntimeError(f"could not save {JOURNAL}") from inner
    except RuntimeError:
        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "saving failed", (), sys.exc_info())
    out = formatter.format(record)
    assert NOTE not in out
    assert JOURNAL not in out
    assert "builtins.ValueError (message withheld" in out
    assert "builtins.RuntimeError (message withheld" in out
    assert "test_exception_messages_are_withheld_but_the_stack_is_kept" in out  # the frame is there
    assert "direct cause" in out


def test_chatty_libraries_stay_at_info_under_debug():
    config = logging_config(log_format="json", level="DEBUG")
    for name in ("websockets", "uvicorn.error", "django.db.backends", "httpcore"):
        assert config["loggers"][name]["level"] == "INFO", name
    assert config["root"]["level"] == "DEBUG"
    assert config["loggers"]["axes"]["level"] == "WARNING"


def test_log_format_is_json_in_production_and_plain_for_the_demo():
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "LOCAL_DEMO", "LOG_FORMAT"}}
    code = "from django.conf import settings; print(settings.LOG_FORMAT)"
    for extra, expected in (({}, "json"), ({"LOCAL_DEMO": "true"}, "plain"), ({"DEBUG": "true"}, "plain")):
        done = subprocess.run(  # noqa: S603
            [sys.executable, "-c", f"import django; django.setup(); {code}"],
            cwd=ROOT,
            env={**env, "DJANGO_SETTINGS_MODULE": "waypoint.settings", **extra},
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        assert done.stdout.strip() == expected, extra
    wrong = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "waypoint.settings", "LOG_FORMAT": "xml"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert wrong.returncode != 0
    assert "LOG_FORMAT must be json or plain" in wrong.stderr


def test_the_task_consumer_writes_each_line_once(tmp_path):
    """run_huey adds a handler of its own to the "huey" logger unless it has one; with the
    root's beside it every line came out twice."""
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "LOG_FORMAT"}}
    env.update(
        {
            "DEBUG": "true",
            "WAYPOINT_VAR_DIR": str(tmp_path),
            "LOG_LEVEL": "INFO",
            "DJANGO_SETTINGS_MODULE": "waypoint.settings",
        }
    )
    log = tmp_path / "consumer.log"
    with log.open("wb") as out:
        consumer = subprocess.Popen(
            [sys.executable, "manage.py", "run_huey", "--workers", "1"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 90
        while "consumer started" not in log.read_text(errors="replace"):
            assert consumer.poll() is None, log.read_text(errors="replace")
            assert time.monotonic() < deadline, log.read_text(errors="replace")
            time.sleep(0.2)
    finally:
        consumer.send_signal(signal.SIGINT)
        consumer.wait(timeout=30)
    text = log.read_text(errors="replace")
    assert text.count("consumer started") == 1, text
    started = next(line for line in text.splitlines() if "consumer started" in line)
    assert " INFO huey.consumer " in started  # our plain format (DEBUG), not huey's own
