"""SQLite for Waypoint: Django's own backend, with writers waiting in line instead of polling.

SQLite lets one connection write at a time. A writer that finds the database locked waits
in SQLite's busy handler, which sleeps and tries again — 1, 2, 5, 10 … up to 100 ms between
tries — instead of being woken when the lock is free. With two worker processes and several
request threads each writing check-ins, waits of a millisecond became waits of tens of
milliseconds (docs/operations.md, "Performance").

Here a connection queues for the right to write before it starts — ``BEGIN IMMEDIATE``
(every ``atomic`` block: ``transaction_mode``), or a write statement outside a transaction —
and gives it back when its transaction ends:

- within a process, on one lock per database file: the next thread is woken at once;
- between processes, on an exclusive ``flock`` of ``<database>-writer.lock``, asked for by
  one thread of each process at a time, which looks again every 0.2–2 ms.

Both give up after the database's ``timeout`` option with SQLite's own "database is locked".
SQLite's locking is unchanged underneath: a writer that does not queue (the sqlite3 shell, a
backup) is still kept out by it, only without the quick hand-over. In-memory databases (the
test suite's) have no file to lock and do not queue.
"""

from __future__ import annotations

import fcntl
import os
import threading
import time
from typing import Any

from django.db.backends.sqlite3 import base

# django-stubs neither exports the driver module nor declares the connection's private hooks.
Database: Any = base.Database  # type: ignore[attr-defined]

_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")
_process_locks: dict[str, threading.Lock] = {}
_process_locks_guard = threading.Lock()


def _process_lock(path: str) -> threading.Lock:
    with _process_locks_guard:
        return _process_locks.setdefault(path, threading.Lock())


def _writes(sql: str) -> bool:
    return sql.lstrip()[:7].upper().startswith(_WRITES)


class WriterQueue:
    """One connection's place in the line of writers to one database file."""

    def __init__(self, path: str, *, timeout: float) -> None:
        self.timeout = timeout
        self.thread_lock = _process_lock(os.path.realpath(path))
        # Created owner-only, like the database beside it.
        self.fd = os.open(f"{path}-writer.lock", os.O_RDWR | os.O_CREAT, 0o600)
        self.held = False

    def acquire(self) -> None:
        deadline = time.monotonic() + self.timeout
        if not self.thread_lock.acquire(timeout=self.timeout):
            raise Database.OperationalError("database is locked")
        try:
            pause = 0.0002
            while True:
                try:
                    fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        raise Database.OperationalError("database is locked") from None
                    time.sleep(pause)
                    pause = min(pause * 2, 0.002)
        except BaseException:
            self.thread_lock.release()
            raise
        self.held = True

    def release(self) -> None:
        if self.held:
            self.held = False
            fcntl.flock(self.fd, fcntl.LOCK_UN)
            self.thread_lock.release()

    def close(self) -> None:
        self.release()
        os.close(self.fd)


class QueuedCursor(base.SQLiteCursorWrapper):
    """Takes the writer's place for a write statement outside a transaction (autocommit)."""

    queue: WriterQueue | None = None

    def execute(self, query: str, params: Any = None) -> Any:
        if self.queue is None or self.connection.in_transaction or not _writes(query):
            return super().execute(query, params)
        self.queue.acquire()
        try:
            return super().execute(query, params)
        finally:
            if not self.connection.in_transaction:
                self.queue.release()

    def executemany(self, query: str, param_list: Any) -> Any:
        if self.queue is None or self.connection.in_transaction or not _writes(query):
            return super().executemany(query, param_list)
        self.queue.acquire()
        try:
            return super().executemany(query, param_list)
        finally:
            if not self.connection.in_transaction:
                self.queue.release()


class DatabaseWrapper(base.DatabaseWrapper):
    writer_queue: WriterQueue | None = None

    def get_new_connection(self, conn_params: dict[str, Any]) -> Any:
        connection = super().get_new_connection(conn_params)
        if not self.is_in_memory_db():
            self.writer_queue = WriterQueue(str(self.settings_dict["NAME"]), timeout=conn_params.get("timeout", 5.0))
        return connection

    def create_cursor(self, name: str | None = None) -> Any:
        cursor = self.connection.cursor(factory=QueuedCursor)
        cursor.queue = self.writer_queue
        return cursor

    def _start_transaction_under_autocommit(self) -> None:
        queue = self.writer_queue
        if queue is None:
            return super()._start_transaction_under_autocommit()  # type: ignore[misc]
        # Django does not wrap this hook: a wait that times out must still surface as
        # django.db.OperationalError, as SQLite's own "database is locked" would.
        with self.wrap_database_errors:
            queue.acquire()
        try:
            super()._start_transaction_under_autocommit()  # type: ignore[misc]
        except BaseException:
            queue.release()
            raise

    def _transaction_ended(self) -> None:
        queue = self.writer_queue
        if queue is not None and (self.connection is None or not self.connection.in_transaction):
            queue.release()

    def _commit(self) -> Any:
        result = super()._commit()  # type: ignore[misc]
        self._transaction_ended()
        return result

    def _rollback(self) -> Any:
        try:
            return super()._rollback()  # type: ignore[misc]
        finally:
            self._transaction_ended()

    def _close(self) -> Any:
        queue, self.writer_queue = self.writer_queue, None
        try:
            return super()._close()  # type: ignore[misc]
        finally:
            if queue is not None:
                queue.close()
