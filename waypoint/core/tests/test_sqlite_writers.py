"""The SQLite backend's line of writers (waypoint/core/sqlite/base.py), on a database file of
its own: who holds the writer's lock when, and that it is always given back."""

from __future__ import annotations

import fcntl
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from django.db.utils import ConnectionHandler, OperationalError

# The test database is not used, but pytest-django only lets tests with this mark connect.
pytestmark = pytest.mark.django_db


@contextmanager
def atomic(connection: Any) -> Iterator[None]:
    """What transaction.atomic does on SQLite, for a connection outside django.db.connections."""
    connection.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)
    try:
        yield
    except BaseException:
        connection.rollback()
        raise
    else:
        connection.commit()
    finally:
        connection.set_autocommit(True)


@pytest.fixture
def database(tmp_path: Path) -> Iterator[ConnectionHandler]:
    handler = ConnectionHandler(
        {
            "default": {
                "ENGINE": "waypoint.core.sqlite",
                "NAME": str(tmp_path / "db.sqlite3"),
                "OPTIONS": {
                    "init_command": "PRAGMA journal_mode=WAL;",
                    "transaction_mode": "IMMEDIATE",
                    "timeout": 0.5,
                },
            }
        }
    )
    with handler["default"].cursor() as cursor:
        cursor.execute("CREATE TABLE t (n integer)")
    yield handler
    handler.close_all()


def _lock_file(handler: ConnectionHandler) -> str:
    return str(handler["default"].settings_dict["NAME"]) + "-writer.lock"


def _taken_by_someone(path: str) -> bool:
    """Whether another open file holds the writer's lock (tried from a file of our own)."""
    fd = os.open(path, os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    else:
        fcntl.flock(fd, fcntl.LOCK_UN)
        return False
    finally:
        os.close(fd)


def _count(handler: ConnectionHandler) -> int:
    with handler["default"].cursor() as cursor:
        cursor.execute("SELECT count(*) FROM t")
        return int(cursor.fetchone()[0])


def test_a_transaction_holds_the_writers_lock_until_it_commits(database: ConnectionHandler) -> None:
    path = _lock_file(database)
    assert oct(os.stat(path).st_mode & 0o777) == "0o600"
    with atomic(database["default"]):
        database["default"].cursor().execute("INSERT INTO t VALUES (1)")
        assert _taken_by_someone(path)
    assert not _taken_by_someone(path)
    assert _count(database) == 1


def test_a_rolled_back_transaction_gives_the_lock_back(database: ConnectionHandler) -> None:
    path = _lock_file(database)
    held = []

    def write_then_fail() -> None:
        with atomic(database["default"]):
            database["default"].cursor().execute("INSERT INTO t VALUES (1)")
            held.append(_taken_by_someone(path))
            raise ZeroDivisionError

    with pytest.raises(ZeroDivisionError):
        write_then_fail()
    assert held == [True]
    assert not _taken_by_someone(path)
    assert _count(database) == 0


def test_a_write_outside_a_transaction_takes_the_lock_only_while_it_runs(database: ConnectionHandler) -> None:
    path = _lock_file(database)
    seen: list[bool] = []
    connection = database["default"]
    connection.ensure_connection()
    # A function the statement calls, run while it writes.
    connection.connection.create_function("probe", 0, lambda: seen.append(_taken_by_someone(path)) or 1)
    connection.cursor().execute("INSERT INTO t VALUES (probe())")
    assert seen == [True]
    assert not _taken_by_someone(path)
    # Reads do not queue.
    connection.cursor().execute("SELECT probe() FROM t")
    assert seen == [True, False]


def test_closing_the_connection_gives_the_lock_back(database: ConnectionHandler) -> None:
    path = _lock_file(database)
    connection = database["default"]
    connection.set_autocommit(False)
    connection.cursor().execute("INSERT INTO t VALUES (1)")
    assert _taken_by_someone(path)
    connection.close()
    assert not _taken_by_someone(path)


def test_a_writer_waits_for_another_process_and_goes_when_it_lets_go(database: ConnectionHandler) -> None:
    # Another process's writer, as far as flock can tell: its own open file.
    other = os.open(_lock_file(database), os.O_RDWR)
    fcntl.flock(other, fcntl.LOCK_EX)
    started, done = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def write() -> None:
        try:
            connection = database["default"]
            started.set()
            with atomic(connection):
                connection.cursor().execute("INSERT INTO t VALUES (2)")
            connection.close()
        except BaseException as exc:
            errors.append(exc)
        finally:
            done.set()

    thread = threading.Thread(target=write)
    thread.start()
    assert started.wait(5)
    assert not done.wait(0.1)  # still in line while the other holds the lock
    fcntl.flock(other, fcntl.LOCK_UN)
    os.close(other)
    thread.join(5)
    assert errors == []
    assert _count(database) == 1


def test_a_writer_gives_up_after_the_timeout_with_sqlites_own_error(database: ConnectionHandler) -> None:
    other = os.open(_lock_file(database), os.O_RDWR)
    fcntl.flock(other, fcntl.LOCK_EX)
    try:
        with pytest.raises(OperationalError, match="database is locked"), atomic(database["default"]):
            database["default"].cursor().execute("INSERT INTO t VALUES (3)")
    finally:
        fcntl.flock(other, fcntl.LOCK_UN)
        os.close(other)
    # Nothing was left half-held: the next write goes through.
    with atomic(database["default"]):
        database["default"].cursor().execute("INSERT INTO t VALUES (4)")
    assert _count(database) == 1


def test_threads_of_one_process_write_one_after_another(database: ConnectionHandler) -> None:
    path = _lock_file(database)
    inside = 0
    most = 0
    guard = threading.Lock()

    def write(n: int) -> None:
        nonlocal inside, most
        connection = database["default"]
        for _ in range(20):
            with atomic(connection):
                with guard:
                    inside += 1
                    most = max(most, inside)
                connection.cursor().execute("INSERT INTO t VALUES (%s)", [n])
                with guard:
                    inside -= 1
        connection.close()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert most == 1
    assert _count(database) == 80
    assert not _taken_by_someone(path)


def test_an_in_memory_database_does_not_queue() -> None:
    handler = ConnectionHandler({"default": {"ENGINE": "waypoint.core.sqlite", "NAME": ":memory:"}})
    connection: Any = handler["default"]
    connection.ensure_connection()
    assert connection.writer_queue is None
    handler.close_all()
