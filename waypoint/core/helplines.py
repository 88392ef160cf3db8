"""Helplines per deployment region, kept as data (waypoint/core/data/regions/*.yaml)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

REGIONS_DIR = Path(__file__).resolve().parent / "data" / "regions"


@dataclass(frozen=True)
class Helpline:
    id: str
    name: str
    number: str
    tel: str
    about: str
    sms: str
    sms_text: str
    sms_body: str
    tty: str
    tty_tel: str
    source: str


@dataclass(frozen=True)
class Helplines:
    emergency_number: str
    emergency_tel: str
    lines: tuple[Helpline, ...]

    def by_id(self, line_id: str) -> Helpline | None:
        return next((line for line in self.lines if line.id == line_id), None)


def _localised(value: Any, language: str) -> str:
    if isinstance(value, dict):
        return str(value.get(language) or value.get("en") or "")
    return "" if value is None else str(value)


@cache
def _load(path: str) -> dict[str, Any]:
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ImproperlyConfigured(f"Cannot read helplines file {path}: {exc}") from exc
    if not isinstance(data, dict) or "emergency" not in data or not isinstance(data.get("lines"), list):
        raise ImproperlyConfigured(f"Helplines file {path} needs 'emergency' and a list of 'lines'.")
    for line in data["lines"]:
        if not isinstance(line, dict) or not line.get("id") or not line.get("number"):
            raise ImproperlyConfigured(f"Helplines file {path}: every line needs an id and a number.")
    return data


def helplines_path() -> str:
    if settings.HELPLINES_FILE:
        return settings.HELPLINES_FILE
    path = REGIONS_DIR / f"{settings.WAYPOINT_REGION}.yaml"
    if not path.exists():
        raise ImproperlyConfigured(f"WAYPOINT_REGION={settings.WAYPOINT_REGION!r} has no file {path}.")
    return str(path)


def helplines_for(language: str) -> Helplines:
    """The configured helplines with their texts in `language` (English as fallback)."""
    data = _load(helplines_path())
    lines = tuple(
        Helpline(
            id=str(line["id"]),
            name=_localised(line.get("name"), language),
            number=str(line["number"]),
            tel=str(line.get("tel", "")),
            about=_localised(line.get("about"), language),
            sms=str(line.get("sms", "")),
            sms_text=str(line.get("sms_text", "")),
            sms_body=_localised(line.get("sms_body"), language),
            tty=str(line.get("tty", "")),
            tty_tel=str(line.get("tty_tel", "")),
            source=str(line.get("source", "")),
        )
        for line in data["lines"]
    )
    emergency = data["emergency"]
    return Helplines(
        emergency_number=str(emergency["number"]),
        emergency_tel=str(emergency.get("tel", emergency["number"])),
        lines=lines,
    )
