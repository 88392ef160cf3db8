"""Helplines per deployment region, kept as data (waypoint/core/data/regions/*.yaml).

Every line names its **role** (crisis, treatment_referral, poison, text, other), and code
picks "the crisis line" or "the treatment helpline" by role, never by its place in the
list: an operator's own file may list its lines in any order and the crisis banner still
shows the crisis line. The emergency number has its own key, ``emergency``. A file with a
missing or unknown role, or with two lines claiming a role that must be unique, is a
configuration error that names the file and the line.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

REGIONS_DIR = Path(__file__).resolve().parent / "data" / "regions"

# Roles a line may have, in the order pages list them. The first three name one line each
# (pages ask for "the" crisis line); text lines and other local lines may repeat.
ROLES = ("treatment_referral", "crisis", "text", "poison", "other")
UNIQUE_ROLES = frozenset({"treatment_referral", "crisis", "poison"})


@dataclass(frozen=True)
class Helpline:
    id: str
    role: str
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
    # In ROLES order (then file order), so that a page listing every line shows the
    # treatment helpline first whatever order the operator's file uses.
    lines: tuple[Helpline, ...]

    def by_id(self, line_id: str) -> Helpline | None:
        return next((line for line in self.lines if line.id == line_id), None)

    def by_role(self, role: str) -> Helpline | None:
        """The first line with this role, or None when the region has none."""
        if role not in ROLES:
            raise ValueError(f"unknown helpline role {role!r}")
        return next((line for line in self.lines if line.role == role), None)

    @property
    def crisis(self) -> Helpline | None:
        return self.by_role("crisis")

    @property
    def treatment_referral(self) -> Helpline | None:
        return self.by_role("treatment_referral")

    @property
    def poison(self) -> Helpline | None:
        return self.by_role("poison")


def _localised(value: Any, language: str) -> str:
    if isinstance(value, dict):
        return str(value.get(language) or value.get("en") or "")
    return "" if value is None else str(value)


def _check_lines(path: str, lines: list[Any]) -> None:
    seen: dict[str, str] = {}
    for index, line in enumerate(lines, start=1):
        if not isinstance(line, dict) or not line.get("id") or not line.get("number"):
            raise ImproperlyConfigured(f"Helplines file {path}: line {index}: every line needs an id and a number.")
        where = f"Helplines file {path}: line {index} ({line['id']})"
        role = line.get("role")
        if role == "emergency":
            raise ImproperlyConfigured(f"{where}: the emergency number goes under 'emergency:', not in 'lines'.")
        if role not in ROLES:
            raise ImproperlyConfigured(f"{where}: field 'role' must be one of {', '.join(ROLES)} (got {role!r}).")
        if role in UNIQUE_ROLES and role in seen:
            raise ImproperlyConfigured(f"{where}: role '{role}' is already used by line '{seen[role]}'.")
        seen[str(role)] = str(line["id"])


@cache
def _load(path: str) -> dict[str, Any]:
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ImproperlyConfigured(f"Cannot read helplines file {path}: {exc}") from exc
    if not isinstance(data, dict) or "emergency" not in data or not isinstance(data.get("lines"), list):
        raise ImproperlyConfigured(f"Helplines file {path} needs 'emergency' and a list of 'lines'.")
    emergency = data["emergency"]
    if not isinstance(emergency, dict) or not emergency.get("number"):
        raise ImproperlyConfigured(f"Helplines file {path}: 'emergency' needs a number.")
    _check_lines(path, data["lines"])
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
    lines = [
        Helpline(
            id=str(line["id"]),
            role=str(line["role"]),
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
    ]
    lines.sort(key=lambda line: ROLES.index(line.role))  # stable: file order within a role
    emergency = data["emergency"]
    return Helplines(
        emergency_number=str(emergency["number"]),
        emergency_tel=str(emergency.get("tel", emergency["number"])),
        lines=tuple(lines),
    )
