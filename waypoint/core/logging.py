"""Logs that never hold health data: one configuration for every process (web, tasks, commands).

Waypoint's logs say *that* something happened, never *what a person wrote or looked for*:

- **No access log.** uvicorn runs with ``--no-access-log``, and its per-connection
  WebSocket lines (``"WebSocket /ws/groups/5/?after=12" [accepted]`` at INFO, with the
  client's address) are dropped here too: they are an access log by another name.
- **No query strings.** Any ``/path?query`` in a message is cut to ``/path`` (searches
  can reveal health information).
- **No request objects.** Django attaches the request to its ``django.request`` records;
  its ``repr`` holds the query string. Only a fixed list of fields is ever written.
- **No exception messages outside DEBUG.** An exception's message can carry what was typed
  (``invalid literal for int(): 'I relapsed'``); the type and the stack (file, line,
  function, source line) are kept, the message is withheld.
- **Chatty libraries are held at INFO even when LOG_LEVEL is DEBUG**: ``websockets`` and
  uvicorn log every frame (message text included) at DEBUG, ``django.db.backends`` every
  query with its parameters.

``LOG_FORMAT=json`` (the default outside DEBUG and the local demo) writes one JSON object
per line — ``time``, ``level``, ``logger``, ``message``, ``process`` and, when there is
one, ``status_code`` and ``exc_info`` — for a log shipper; ``plain`` writes lines for a
person at a terminal. This module must not import Django settings at import time: uvicorn
loads it through ``--log-config`` before the app (deploy/uvicorn-logging.json).
"""

from __future__ import annotations

import logging
import re
import traceback
from datetime import UTC, datetime
from types import TracebackType
from typing import Any

from pythonjsonlogger.json import JsonFormatter as _BaseJsonFormatter

# "/en/treatment/?near=22902" -> "/en/treatment/": a path followed by a query string.
_QUERY_STRING = re.compile(r"(/[^\s?\"'<>]*)\?[^\s\"'<>]+")
# Loggers that write message text or query parameters at DEBUG: never below INFO.
QUIET_AT_DEBUG = ("websockets", "uvicorn.error", "django.db.backends", "httpcore", "hpack", "asyncio")
# Extra record fields that may be written (everything else a record carries is dropped).
_EXTRA_FIELDS = ("status_code",)

ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None]


def _show_exception_messages() -> bool:
    try:
        from django.conf import settings

        return bool(settings.DEBUG)
    except Exception:  # settings not configured yet (uvicorn's own start-up)
        return False


def without_query_strings(text: str) -> str:
    return _QUERY_STRING.sub(r"\1", text)


def format_exception_privately(ei: ExcInfo) -> str:
    """The traceback with each exception's message withheld (its type and frames kept)."""
    if _show_exception_messages():
        return "".join(traceback.format_exception(*ei)).rstrip()
    lines: list[str] = []
    seen: set[int] = set()

    def walk(exc: BaseException | None) -> None:
        if exc is None or id(exc) in seen:
            return
        seen.add(id(exc))
        if exc.__cause__ is not None:
            walk(exc.__cause__)
            lines.append("The above exception was the direct cause of the following exception:")
        elif exc.__context__ is not None and not exc.__suppress_context__:
            walk(exc.__context__)
            lines.append("During handling of the above exception, another exception occurred:")
        lines.append("Traceback (most recent call last):")
        lines.extend(line.rstrip("\n") for line in traceback.format_tb(exc.__traceback__))
        kind = type(exc)
        lines.append(f"{kind.__module__}.{kind.__qualname__} (message withheld: it may hold what a person typed)")

    walk(ei[1])
    return "\n".join(lines)


class PrivacyFilter(logging.Filter):
    """Drops per-connection lines and cuts query strings out of every message."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name == "uvicorn.access":
            return False
        if record.name.startswith("uvicorn") and isinstance(record.msg, str) and '"WebSocket %s"' in record.msg:
            return False
        try:
            message = record.getMessage()
        except Exception:  # a malformed call: keep only its format string
            message = str(record.msg)
            record.args = ()
        cleaned = without_query_strings(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        return True


class PlainFormatter(logging.Formatter):
    """Lines for a person at a terminal (``make run``, the local demo)."""

    def __init__(self, fmt: str | None = None, datefmt: str | None = None, **kwargs: Any) -> None:
        super().__init__(fmt or "%(asctime)s %(levelname)s %(name)s %(message)s", datefmt, **kwargs)

    def formatException(self, ei: Any) -> str:
        return format_exception_privately(ei)


class JsonFormatter(_BaseJsonFormatter):
    """One JSON object per line, with a fixed set of fields (never a record's extras)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(
            ["levelname", "name", "message", "process"],
            rename_fields={"levelname": "level", "name": "logger"},
        )

    def add_fields(self, log_data: dict[str, Any], record: logging.LogRecord, message_dict: dict[str, Any]) -> None:
        log_data["time"] = datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds")
        for field in self._required_fields:
            log_data[self._get_rename(field)] = record.__dict__.get(field)
        for field in _EXTRA_FIELDS:
            value = record.__dict__.get(field)
            if isinstance(value, int):
                log_data[field] = value
        # A dict logged as the message is not written (its keys could be anything); only
        # the exception the formatter made from exc_info is.
        if message_dict.get("exc_info"):
            log_data["exc_info"] = message_dict["exc_info"]

    def formatException(self, ei: Any) -> str:
        return format_exception_privately(ei)


def logging_config(*, log_format: str, level: str) -> dict[str, Any]:
    """The LOGGING dict for settings.py (and, for JSON, deploy/uvicorn-logging.json)."""
    level = level.upper()
    quiet = "INFO" if level == "DEBUG" else level
    formatter = "json" if log_format == "json" else "plain"
    handler = ["console"]
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"privacy": {"()": "waypoint.core.logging.PrivacyFilter"}},
        "formatters": {
            "plain": {"()": "waypoint.core.logging.PlainFormatter"},
            "json": {"()": "waypoint.core.logging.JsonFormatter"},
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": formatter,
                "filters": ["privacy"],
                "stream": "ext://sys.stderr",
            }
        },
        "root": {"handlers": handler, "level": level},
        "loggers": {
            # The 404 and 400 warnings name paths that can reveal what someone looked for.
            "django.request": {"level": "ERROR"},
            "axes": {"level": "WARNING"},
            # httpx logs every request URL at INFO; feed refreshes need no such trail.
            "httpx": {"level": "WARNING"},
            # uvicorn's own handlers are replaced by ours (one format, one filter).
            "uvicorn": {"handlers": handler, "level": quiet, "propagate": False},
            "uvicorn.access": {"handlers": [], "level": "WARNING", "propagate": False},
            # The task consumer: a handler here stops run_huey from adding its own beside
            # the root's (each line was written twice). Its per-task lines (name and id,
            # never arguments) are its heartbeat, so they stay at INFO under LOG_LEVEL=WARNING.
            "huey": {"handlers": handler, "level": "DEBUG" if level == "DEBUG" else "INFO", "propagate": False},
            **{name: {"level": quiet} for name in QUIET_AT_DEBUG if name != "uvicorn.error"},
            "uvicorn.error": {"level": quiet},
        },
    }
